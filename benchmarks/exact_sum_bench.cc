// Cost of ExactSum::Add against a plain `double +=` over the same values (docs/benchmarks.md).
//
// Two shapes: one running sum (the tightest loop either can run), and the group sums of the
// index, where each enterprise's figure goes to a few of ~1,400 group accumulators (random
// access to 1,400 accumulators of 552 bytes, against 1,400 doubles).
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "engine/common/exact_sum.h"

namespace fugong {
namespace {

constexpr size_t kValues = size_t{1} << 16;
constexpr size_t kGroups = 1400;
constexpr size_t kGroupsPerEnterprise = 3;  // county, county x industry, province

// Log-uniform magnitudes 1e-9..1e12 kWh, both signs, as in tests/exact_sum_test.cc.
const std::vector<double>& Values() {
  static const std::vector<double> values = [] {
    std::mt19937_64 rng(1);
    std::uniform_real_distribution<double> log10_magnitude(-9, 12);
    std::vector<double> v(kValues);
    for (double& x : v) x = std::pow(10.0, log10_magnitude(rng)) * (rng() % 2 == 0 ? 1 : -1);
    return v;
  }();
  return values;
}

// For each value, the groups it is added to.
const std::vector<uint32_t>& Groups() {
  static const std::vector<uint32_t> groups = [] {
    std::mt19937_64 rng(2);
    std::vector<uint32_t> g(kValues * kGroupsPerEnterprise);
    for (uint32_t& x : g) x = static_cast<uint32_t>(rng() % kGroups);
    return g;
  }();
  return groups;
}

void BM_DoubleSum(benchmark::State& state) {
  const std::vector<double>& values = Values();
  for (auto _ : state) {
    double sum = 0;
    for (double v : values) sum += v;
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kValues);
}
BENCHMARK(BM_DoubleSum);

void BM_ExactSumAdd(benchmark::State& state) {
  const std::vector<double>& values = Values();
  for (auto _ : state) {
    ExactSum sum;
    for (double v : values) sum.Add(v);
    benchmark::DoNotOptimize(sum);
  }
  state.SetItemsProcessed(state.iterations() * kValues);
}
BENCHMARK(BM_ExactSumAdd);

// Kahan-Babuska-Neumaier compensated summation: the usual cheaper alternative, for scale. It is
// more accurate than `+=` but neither exact nor independent of the order.
void BM_NeumaierSum(benchmark::State& state) {
  const std::vector<double>& values = Values();
  for (auto _ : state) {
    double sum = 0, compensation = 0;
    for (double v : values) {
      const double t = sum + v;
      compensation += std::fabs(sum) >= std::fabs(v) ? (sum - t) + v : (v - t) + sum;
      sum = t;
    }
    benchmark::DoNotOptimize(sum + compensation);
  }
  state.SetItemsProcessed(state.iterations() * kValues);
}
BENCHMARK(BM_NeumaierSum);

void BM_DoubleGroupSums(benchmark::State& state) {
  const std::vector<double>& values = Values();
  const std::vector<uint32_t>& groups = Groups();
  std::vector<double> sums(kGroups);
  for (auto _ : state) {
    for (size_t i = 0; i < kValues; ++i) {
      for (size_t k = 0; k < kGroupsPerEnterprise; ++k) {
        sums[groups[i * kGroupsPerEnterprise + k]] += values[i];
      }
    }
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetItemsProcessed(state.iterations() * kValues * kGroupsPerEnterprise);
}
BENCHMARK(BM_DoubleGroupSums);

void BM_ExactSumGroupSums(benchmark::State& state) {
  const std::vector<double>& values = Values();
  const std::vector<uint32_t>& groups = Groups();
  std::vector<ExactSum> sums(kGroups);
  for (auto _ : state) {
    for (size_t i = 0; i < kValues; ++i) {
      for (size_t k = 0; k < kGroupsPerEnterprise; ++k) {
        sums[groups[i * kGroupsPerEnterprise + k]].Add(values[i]);
      }
    }
    benchmark::DoNotOptimize(sums.data());
  }
  state.SetItemsProcessed(state.iterations() * kValues * kGroupsPerEnterprise);
}
BENCHMARK(BM_ExactSumGroupSums);

// The once-per-record costs: rounding, encoding, decoding, merging a partial sum.
ExactSum FullSum() {
  ExactSum sum;
  for (double v : Values()) sum.Add(v);
  return sum;
}

void BM_ExactSumValue(benchmark::State& state) {
  const ExactSum sum = FullSum();
  for (auto _ : state) benchmark::DoNotOptimize(sum.Value());
}
BENCHMARK(BM_ExactSumValue);

void BM_ExactSumEncode(benchmark::State& state) {
  const ExactSum sum = FullSum();
  std::string bytes;
  for (auto _ : state) {
    bytes.clear();
    sum.Encode(&bytes);
    benchmark::DoNotOptimize(bytes.data());
  }
  state.counters["bytes"] = static_cast<double>(bytes.size());
}
BENCHMARK(BM_ExactSumEncode);

void BM_ExactSumDecode(benchmark::State& state) {
  const std::string bytes = FullSum().Encoded();
  for (auto _ : state) benchmark::DoNotOptimize(ExactSum::Decode(bytes));
}
BENCHMARK(BM_ExactSumDecode);

void BM_ExactSumMerge(benchmark::State& state) {
  const ExactSum part = FullSum();
  ExactSum total;
  for (auto _ : state) {
    total.Add(part);
    benchmark::DoNotOptimize(total);
  }
}
BENCHMARK(BM_ExactSumMerge);

}  // namespace
}  // namespace fugong

BENCHMARK_MAIN();
