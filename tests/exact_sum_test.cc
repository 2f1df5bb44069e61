#include "engine/common/exact_sum.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <bit>
#include <boost/multiprecision/cpp_int.hpp>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace fugong {
namespace {

// The reference: exact integer arithmetic on the sum scaled by 2^1074 (every finite double is an
// integer there), computed without anything of ExactSum's limb layout.
using boost::multiprecision::cpp_int;

constexpr double kDenormMin = std::numeric_limits<double>::denorm_min();
constexpr double kDoubleMin = std::numeric_limits<double>::min();
constexpr double kDoubleMax = std::numeric_limits<double>::max();

cpp_int Scaled(double x) {
  if (x == 0) return 0;
  int exponent = 0;
  const double fraction = std::frexp(std::fabs(x), &exponent);  // in [0.5, 1)
  cpp_int n = static_cast<int64_t>(std::ldexp(fraction, 53));
  const int shift = exponent - 53 + 1074;  // x = n * 2^(exponent - 53)
  if (shift >= 0) {
    n <<= shift;
  } else {
    EXPECT_TRUE(cpp_int(n % (cpp_int(1) << -shift)) == 0) << "not a multiple of 2^-1074";
    n >>= -shift;
  }
  return x < 0 ? cpp_int(-n) : n;
}

cpp_int ScaledSum(const std::vector<double>& values) {
  cpp_int sum = 0;
  for (double v : values) sum += Scaled(v);
  return sum;
}

// Rounds exact * 2^-1074 to the nearest double, ties to even.
double ReferenceRound(const cpp_int& exact) {
  if (exact == 0) return 0.0;
  const cpp_int magnitude = exact < 0 ? cpp_int(-exact) : exact;
  const int leading = static_cast<int>(msb(magnitude));  // 2^(leading - 1074) <= |x|
  const int dropped = std::max(leading - 52, 0);         // subnormals keep the 2^-1074 ulp
  cpp_int significand = magnitude >> dropped;
  if (dropped > 0) {
    const cpp_int remainder = magnitude - (significand << dropped);
    const cpp_int half = cpp_int(1) << (dropped - 1);
    if (remainder > half || (remainder == half && (significand & 1) != 0)) ++significand;
  }
  const double result = std::ldexp(significand.convert_to<double>(), dropped - 1074);
  return exact < 0 ? -result : result;
}

// The definition, independent of how ReferenceRound rounds: no double is nearer to the exact
// value than `r`, and if one is as near, `r` has an even significand.
void ExpectNearestEven(const cpp_int& exact, double r) {
  ASSERT_TRUE(std::isfinite(r));
  const cpp_int error = abs(exact - Scaled(r));
  for (double neighbour : {std::nextafter(r, -HUGE_VAL), std::nextafter(r, HUGE_VAL)}) {
    if (!std::isfinite(neighbour)) continue;
    const cpp_int other_error = abs(exact - Scaled(neighbour));
    EXPECT_LE(error, other_error) << r << " is not the nearest double";
    if (error == other_error) {
      EXPECT_EQ(std::bit_cast<uint64_t>(r) & 1, 0u) << r << " is not the even one of a tie";
    }
  }
}

ExactSum SumOf(const std::vector<double>& values) {
  ExactSum sum;
  for (double v : values) sum.Add(v);
  return sum;
}

double ExactValueOf(std::initializer_list<double> values) { return SumOf(values).Value(); }

// Magnitudes 1e-9..1e12 (log-uniform), both signs: kWh figures and their differences.
std::vector<double> RandomKwhValues(std::mt19937_64* rng, size_t n) {
  std::uniform_real_distribution<double> log10_magnitude(-9, 12);
  std::bernoulli_distribution negative(0.4);
  std::vector<double> values(n);
  for (double& v : values) {
    v = std::pow(10.0, log10_magnitude(*rng)) * (negative(*rng) ? -1 : 1);
  }
  return values;
}

// Any finite double, from random bits (exponent fields 0..2040: sums of a few hundred stay
// finite).
double RandomFiniteDouble(std::mt19937_64* rng) {
  std::uniform_int_distribution<uint64_t> exponent(0, 2040);
  const uint64_t bits = ((*rng)() & 0x800fffffffffffffULL) | (exponent(*rng) << 52);
  return std::bit_cast<double>(bits);
}

TEST(ExactSumTest, EmptySumIsZero) {
  const ExactSum sum;
  EXPECT_TRUE(sum.IsZero());
  EXPECT_EQ(sum.Value(), 0.0);
  EXPECT_FALSE(std::signbit(sum.Value()));
  EXPECT_EQ(sum.Encoded(), std::string("\x01\x00\x00\x00", 4));
  EXPECT_EQ(sum, SumOf({0.0, -0.0}));
}

TEST(ExactSumTest, ValueIsTheCorrectlyRoundedExactSumOfRandomKwhValues) {
  std::mt19937_64 rng(20200210);
  for (size_t n : {1, 2, 3, 10, 100, 1000, 20000}) {
    const std::vector<double> values = RandomKwhValues(&rng, n);
    const cpp_int exact = ScaledSum(values);
    const double value = SumOf(values).Value();
    EXPECT_EQ(value, ReferenceRound(exact)) << n << " values";
    ExpectNearestEven(exact, value);
  }
}

TEST(ExactSumTest, ValueIsTheCorrectlyRoundedExactSumOfAnyFiniteDoubles) {
  std::mt19937_64 rng(7);
  for (int round = 0; round < 200; ++round) {
    std::vector<double> values;
    // Large terms that cancel, with small ones in between: the result has to come from deep
    // inside the accumulator.
    for (int i = 0; i < 20; ++i) {
      const double x = RandomFiniteDouble(&rng);
      values.push_back(x);
      values.push_back(RandomFiniteDouble(&rng) * 0x1p-600);
      if (round % 2 == 0) values.push_back(-x);
    }
    std::shuffle(values.begin(), values.end(), rng);
    const cpp_int exact = ScaledSum(values);
    const double value = SumOf(values).Value();
    ASSERT_EQ(value, ReferenceRound(exact)) << "round " << round;
    ExpectNearestEven(exact, value);
  }
}

TEST(ExactSumTest, OrderAndGroupingGiveIdenticalBytes) {
  std::mt19937_64 rng(42);
  const std::vector<double> values = RandomKwhValues(&rng, 5000);
  const ExactSum in_order = SumOf(values);
  const std::string bytes = in_order.Encoded();
  EXPECT_EQ(in_order.Value(), ReferenceRound(ScaledSum(values)));
  double naive_forward = 0, naive_backward = 0;
  for (double v : values) naive_forward += v;
  for (auto it = values.rbegin(); it != values.rend(); ++it) naive_backward += *it;
  // The point of the class: a plain double sum of these depends on the order.
  EXPECT_NE(naive_forward, naive_backward);

  for (int trial = 0; trial < 20; ++trial) {
    std::vector<double> shuffled = values;
    std::shuffle(shuffled.begin(), shuffled.end(), rng);
    // Split into shards of random sizes, each summed on its own, merged in a random order;
    // some shards hold negated terms and are subtracted instead.
    std::vector<ExactSum> shards(1 + rng() % 16);
    std::vector<bool> negated(shards.size());
    for (size_t s = 0; s < shards.size(); ++s) negated[s] = rng() % 3 == 0;
    for (double v : shuffled) {
      const size_t s = rng() % shards.size();
      if (negated[s]) {
        shards[s].Add(-v);
      } else {
        shards[s].Add(v);
      }
    }
    std::vector<size_t> merge_order(shards.size());
    for (size_t s = 0; s < shards.size(); ++s) merge_order[s] = s;
    std::shuffle(merge_order.begin(), merge_order.end(), rng);
    ExactSum merged;
    for (size_t s : merge_order) {
      if (negated[s]) {
        merged.Subtract(shards[s]);
      } else {
        merged.Add(shards[s]);
      }
    }
    EXPECT_EQ(merged, in_order) << "trial " << trial;
    EXPECT_EQ(merged.Encoded(), bytes) << "trial " << trial;
    EXPECT_EQ(merged.Value(), in_order.Value());
  }
}

TEST(ExactSumTest, TiesRoundToEven) {
  // 1 + 2^-53 is half-way between 1 and 1 + 2^-52: the even one is 1.
  EXPECT_EQ(ExactValueOf({1.0, 0x1p-53}), 1.0);
  EXPECT_EQ(ExactValueOf({-1.0, -0x1p-53}), -1.0);
  // 1 + 3 * 2^-53 is half-way between 1 + 2^-52 (odd) and 1 + 2^-51 (even).
  EXPECT_EQ(ExactValueOf({1.0, 0x1p-52, 0x1p-53}), 1.0 + 0x1p-51);
  EXPECT_EQ(ExactValueOf({-1.0, -0x1p-52, -0x1p-53}), -(1.0 + 0x1p-51));
  // Just above the tie, by the least a double can add: the sticky bit, limbs away, rounds up.
  EXPECT_EQ(ExactValueOf({1.0, 0x1p-53, kDenormMin}), 1.0 + 0x1p-52);
  EXPECT_EQ(ExactValueOf({-1.0, -0x1p-53, -kDenormMin}), -(1.0 + 0x1p-52));
  // Just below the tie rounds down.
  EXPECT_EQ(ExactValueOf({1.0, 0x1p-53, -kDenormMin}), 1.0);
  // Integers: 2^53 + 1 -> 2^53, 2^53 + 3 -> 2^53 + 4.
  EXPECT_EQ(ExactValueOf({0x1p53, 1.0}), 0x1p53);
  EXPECT_EQ(ExactValueOf({0x1p53, 3.0}), 0x1p53 + 4.0);
  // A tie whose significand spans a limb boundary (2^31 + 2^-22 + 2^-22 * 2^-1).
  EXPECT_EQ(ExactValueOf({0x1p31, 0x1p-21, 0x1p-22}), 0x1p31 + 0x1p-20);
  EXPECT_EQ(ExactValueOf({0x1p31, 0x1p-22}), 0x1p31);
  // Each case also against the definition.
  for (const std::vector<double>& terms :
       std::vector<std::vector<double>>{{1.0, 0x1p-53}, {1.0, 0x1p-52, 0x1p-53}, {0x1p53, 3.0}}) {
    ExpectNearestEven(ScaledSum(terms), SumOf(terms).Value());
  }
}

TEST(ExactSumTest, CatastrophicCancellationKeepsTheSmallTerms) {
  EXPECT_EQ((1e16 + 1) - 1e16, 0.0);  // what a double sum gives
  EXPECT_EQ(ExactValueOf({1e16, 1, -1e16}), 1.0);
  EXPECT_EQ(ExactValueOf({1e16, -1e16, 1}), 1.0);
  EXPECT_EQ(ExactValueOf({1e308, 1e-308, -1e308}), 1e-308);
  // 1e-300 + 2e-300 rounded once, as IEEE's addition of two doubles does.
  EXPECT_EQ(ExactValueOf({kDoubleMax, 1e-300, -kDoubleMax, 2e-300}), 1e-300 + 2e-300);
  // Beyond DBL_MAX in the middle of the sum and back.
  EXPECT_EQ(ExactValueOf({kDoubleMax, kDoubleMax, -kDoubleMax}), kDoubleMax);
  EXPECT_EQ(ExactValueOf({-kDoubleMax, -kDoubleMax, 0.5, kDoubleMax}), -kDoubleMax);
}

TEST(ExactSumTest, ManySmallValues) {
  const std::vector<double> tenths(1000000, 0.1);
  double naive = 0;
  for (double v : tenths) naive += v;
  const double exact = SumOf(tenths).Value();
  EXPECT_EQ(exact, ReferenceRound(ScaledSum(tenths)));
  // 10^6 times the double nearest 0.1 is 100000.0000000000055511151231257827, 0.38 ulp above
  // 100000: rounded once, that is 100000.
  EXPECT_EQ(exact, 100000.0);
  EXPECT_NE(naive, exact);  // 100000.00000133288: 10^6 roundings

  // 10^7 terms of 1e-9 kWh on top of 1e12 kWh: every one of them counts.
  ExactSum big;
  big.Add(1e12);
  for (int i = 0; i < 10000000; ++i) big.Add(1e-9);
  big.Subtract(1e12);
  cpp_int reference = Scaled(1e-9) * 10000000;
  EXPECT_EQ(big.Value(), ReferenceRound(reference));
  EXPECT_NEAR(big.Value(), 0.01, 1e-12);
}

TEST(ExactSumTest, SubnormalResults) {
  EXPECT_EQ(ExactValueOf({kDenormMin, kDenormMin, kDenormMin}), 3 * kDenormMin);
  EXPECT_EQ(ExactValueOf({kDoubleMin, -kDenormMin}), std::nextafter(kDoubleMin, 0.0));
  EXPECT_EQ(ExactValueOf({kDenormMin, -kDoubleMin}), -std::nextafter(kDoubleMin, 0.0));
  EXPECT_EQ(ExactValueOf({1.0, kDenormMin, -1.0}), kDenormMin);
  EXPECT_EQ(ExactValueOf({-1.0, -kDenormMin, 1.0}), -kDenormMin);
  EXPECT_EQ(ExactValueOf({kDoubleMin / 2, kDoubleMin / 2}), kDoubleMin);  // into the normals
  std::mt19937_64 rng(3);
  for (int round = 0; round < 100; ++round) {
    std::vector<double> values;
    for (int i = 0; i < 50; ++i) {
      const double subnormal = std::bit_cast<double>(rng() & 0x800fffffffffffffULL);
      values.push_back(subnormal);
      if (i % 10 == 0) values.push_back(std::ldexp(static_cast<double>(rng() % 1000), -1020));
    }
    const cpp_int exact = ScaledSum(values);
    const double value = SumOf(values).Value();
    ASSERT_EQ(value, ReferenceRound(exact));
    ExpectNearestEven(exact, value);
  }
}

TEST(ExactSumTest, NegativeTotalsAndZero) {
  EXPECT_EQ(ExactValueOf({-2.5, 1.0}), -1.5);
  EXPECT_EQ(ExactValueOf({-1e-9}), -1e-9);
  const ExactSum cancelled = SumOf({1e12, -0.25, 0.25, -1e12});
  EXPECT_TRUE(cancelled.IsZero());
  EXPECT_EQ(cancelled.Value(), 0.0);
  EXPECT_FALSE(std::signbit(cancelled.Value()));  // +0, as IEEE's x + (-x)
  EXPECT_EQ(cancelled.Encoded(), ExactSum().Encoded());
  EXPECT_FALSE(SumOf({-kDenormMin}).IsZero());
}

TEST(ExactSumTest, SumsBeyondTheDoubleRangeRoundToInfinity) {
  EXPECT_EQ(ExactValueOf({kDoubleMax, kDoubleMax}), HUGE_VAL);
  EXPECT_EQ(ExactValueOf({-kDoubleMax, -kDoubleMax}), -HUGE_VAL);
  // Half an ulp above DBL_MAX is a tie, and DBL_MAX's significand is odd: IEEE gives infinity.
  EXPECT_EQ(ExactValueOf({kDoubleMax, 0x1p970}), kDoubleMax + 0x1p970);
  EXPECT_EQ(ExactValueOf({kDoubleMax, 0x1p970}), HUGE_VAL);
  EXPECT_EQ(ExactValueOf({kDoubleMax, 0x1p969}), kDoubleMax);
  // Still exact underneath: subtracting brings the finite value back.
  ExactSum sum = SumOf({kDoubleMax, kDoubleMax, kDoubleMax, 1.0});
  sum.Subtract(kDoubleMax);
  sum.Subtract(kDoubleMax);
  sum.Subtract(kDoubleMax);
  EXPECT_EQ(sum.Value(), 1.0);
}

TEST(ExactSumTest, SubtractUndoesAddExactly) {
  std::mt19937_64 rng(11);
  ExactSum sum;
  std::vector<double> added;
  cpp_int reference = 0;
  for (int op = 0; op < 20000; ++op) {
    if (!added.empty() && rng() % 3 == 0) {
      const size_t i = rng() % added.size();
      sum.Subtract(added[i]);
      reference -= Scaled(added[i]);
      added[i] = added.back();
      added.pop_back();
    } else {
      const double x =
          rng() % 4 == 0 ? RandomFiniteDouble(&rng) * 0x1p-900 : RandomKwhValues(&rng, 1)[0];
      const ExactSum before = sum;
      const std::string before_bytes = sum.Encoded();
      sum.Add(x);
      if (op % 7 == 0) {  // Add(x) then Subtract(x) is the identity
        sum.Subtract(x);
        ASSERT_EQ(sum, before);
        ASSERT_EQ(sum.Encoded(), before_bytes);
        sum.Add(x);
      }
      added.push_back(x);
      reference += Scaled(x);
    }
    if (op % 1000 == 0) {
      ASSERT_EQ(sum.Value(), ReferenceRound(reference)) << "op " << op;
    }
  }
  EXPECT_EQ(sum.Value(), ReferenceRound(reference));
  for (double x : added) sum.Subtract(x);
  EXPECT_TRUE(sum.IsZero());
  EXPECT_EQ(sum, ExactSum());
  EXPECT_EQ(sum.Encoded(), ExactSum().Encoded());
}

TEST(ExactSumTest, MergingASumWithItself) {
  ExactSum sum = SumOf({1.5, -1e-9, 3e11});
  const ExactSum original = sum;
  sum.Add(sum);
  EXPECT_EQ(sum, SumOf({1.5, -1e-9, 3e11, 1.5, -1e-9, 3e11}));
  sum.Subtract(original);
  EXPECT_EQ(sum, original);
  sum.Subtract(sum);
  EXPECT_TRUE(sum.IsZero());
}

}  // namespace

// Reaching the normalisation bound takes 2^31 operations (seconds); instead, this sets the state
// to what such a run could leave: limbs as large as the headroom allows (pairs that cancel, so
// the value is still 0), and the operation count just below the bound. Without normalisation a
// few more operations would overflow them.
class ExactSumTestPeer {
 public:
  static ExactSum AtTheEdgeOfHeadroom(std::mt19937_64* rng) {
    ExactSum sum;
    // As large as kMaxPendingOps - 5 operations can make a limb: ~2^63 - 2^34.
    const int64_t k = ExactSum::kMaxPendingOps - 5;
    for (int i = 0; i + 1 < ExactSum::kLimbs; i += 2) {
      const int64_t sign = (*rng)() % 2 == 0 ? 1 : -1;
      sum.limbs_[i] = sign * (k << 32);
      sum.limbs_[i + 1] = -sign * k;
    }
    sum.pending_ops_ = ExactSum::kMaxPendingOps - 5;
    return sum;
  }
};

namespace {

TEST(ExactSumTest, NormalisationAtTheEdgeOfHeadroomKeepsTheSum) {
  std::mt19937_64 rng(13);
  for (int round = 0; round < 20; ++round) {
    ExactSum sum = ExactSumTestPeer::AtTheEdgeOfHeadroom(&rng);
    EXPECT_TRUE(sum.IsZero());
    std::vector<double> values = RandomKwhValues(&rng, 2000);
    values.push_back(kDoubleMax);  // the largest digits Add writes
    values.push_back(-kDenormMin);
    for (double v : values) sum.Add(v);  // normalises after the 5th
    EXPECT_EQ(sum.Value(), ReferenceRound(ScaledSum(values)));
    EXPECT_EQ(sum.Encoded(), SumOf(values).Encoded());
  }
}

TEST(ExactSumTest, EncodeDecodeRoundTrip) {
  std::mt19937_64 rng(5);
  std::vector<ExactSum> sums = {ExactSum(),
                                SumOf({1.0}),
                                SumOf({-1.0}),
                                SumOf({0x1p32}),
                                SumOf({-0x1p32}),
                                SumOf({kDenormMin}),
                                SumOf({-kDenormMin}),
                                SumOf({kDoubleMax}),
                                SumOf({-kDoubleMax}),
                                SumOf({kDoubleMax, kDoubleMax}),
                                SumOf({-kDoubleMax, -kDoubleMax}),
                                SumOf({1e12, -1e-9}),
                                SumOf({-1e12, 1e-9})};
  for (int i = 0; i < 200; ++i) {
    sums.push_back(SumOf(
        i % 2 == 0 ? RandomKwhValues(&rng, 1 + rng() % 50)
                   : std::vector<double>{RandomFiniteDouble(&rng), RandomFiniteDouble(&rng)}));
  }
  for (const ExactSum& sum : sums) {
    const std::string bytes = sum.Encoded();
    ASSERT_GE(bytes.size(), 4u);
    EXPECT_EQ(bytes.size() % 4, 0u);
    const std::optional<ExactSum> decoded = ExactSum::Decode(bytes);
    ASSERT_TRUE(decoded.has_value()) << sum.Value();
    EXPECT_EQ(*decoded, sum);
    EXPECT_EQ(decoded->Encoded(), bytes);
    EXPECT_EQ(std::bit_cast<uint64_t>(decoded->Value()), std::bit_cast<uint64_t>(sum.Value()));
  }
  // Compact: only the limbs in use. 1.0 and -1.0 are one bit (or its sign extension).
  EXPECT_EQ(SumOf({1.0}).Encoded(), std::string("\x01\x00\x22\x01\x01\x00\x00\x00", 8));
  EXPECT_EQ(SumOf({-1.0}).Encoded(), std::string("\x01\x01\x22\x00", 4));
  EXPECT_LE(SumOf(RandomKwhValues(&rng, 1000)).Encoded().size(), 4u + 4 * 6);
}

TEST(ExactSumTest, DecodeRejectsMalformedBytes) {
  const std::string one = SumOf({1.0}).Encoded();  // 01 00 22 01 | 01 00 00 00
  ASSERT_TRUE(ExactSum::Decode(one).has_value());
  const auto bytes = [](std::initializer_list<int> b) {
    std::string s;
    for (int c : b) s.push_back(static_cast<char>(c));
    return s;
  };
  const std::vector<std::string> malformed = {
      "",
      bytes({1, 0, 0}),                                // header cut short
      bytes({2, 0, 0x22, 1, 1, 0, 0, 0}),              // unknown version
      bytes({0, 0, 0x22, 1, 1, 0, 0, 0}),              // unknown version
      bytes({1, 2, 0x22, 1, 1, 0, 0, 0}),              // sign byte neither 0 nor 1
      bytes({1, 0, 0x22, 1, 1, 0, 0}),                 // limb cut short
      bytes({1, 0, 0x22, 1, 1, 0, 0, 0, 0}),           // trailing byte
      bytes({1, 0, 0x22, 2, 1, 0, 0, 0}),              // fewer limbs than announced
      bytes({1, 0, 68, 0}),                            // limb index out of range
      bytes({1, 0, 67, 2, 1, 0, 0, 0, 1, 0, 0, 0}),    // limbs past the top
      bytes({1, 0, 0x21, 2, 0, 0, 0, 0, 1, 0, 0, 0}),  // a zero limb at the bottom
      bytes({1, 0, 0x22, 2, 1, 0, 0, 0, 0, 0, 0, 0}),  // a zero limb at the top (positive)
      bytes({1, 1, 0x22, 2, 1, 0, 0, 0, 0xff, 0xff, 0xff, 0xff}),  // sign extension written out
      bytes({1, 0, 5, 0}),                                         // zero with a non-zero index
      bytes({1, 0, 0, 0, 0, 0, 0, 0}),                             // zero written as a zero limb
      bytes({1, 1, 67, 1, 0, 0, 0, 0x7f}),                         // says negative, top bit clear
      bytes({1, 0, 67, 1, 0, 0, 0, 0x80}),                         // says positive, top bit set
      bytes({1, 0, 0, 1, 1, 0, 0, 0}),  // 2^-1088: below the least double
  };
  for (const std::string& b : malformed) {
    EXPECT_FALSE(ExactSum::Decode(b).has_value()) << testing::PrintToString(b);
  }
  // Any bytes at all: rejected, or exactly what Encode writes for what they decode to.
  std::mt19937_64 rng(9);
  int accepted = 0;
  for (int i = 0; i < 20000; ++i) {
    std::string b = bytes({1, static_cast<int>(rng() % 2), static_cast<int>(rng() % 70),
                           static_cast<int>(rng() % 4)});
    const size_t limbs = (rng() % 8 == 0) ? rng() % 5 : static_cast<uint8_t>(b[3]);
    for (size_t j = 0; j < 4 * limbs + rng() % 2; ++j) b.push_back(static_cast<char>(rng()));
    if (const std::optional<ExactSum> decoded = ExactSum::Decode(b)) {
      ++accepted;
      EXPECT_EQ(decoded->Encoded(), b);
    }
  }
  EXPECT_GT(accepted, 0);
}

}  // namespace
}  // namespace fugong
