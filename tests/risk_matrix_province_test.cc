// One index and two maps on a generated province (issue 11): the generator's risk chart follows
// the places that resume late, so through a backfill with the chart the matrix is a diagonal with
// few counties off it: higher risk goes with a lower composite once firms may resume.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <vector>

#include "app/backfill_runner.h"
#include "app/run_config.h"
#include "engine/publish/risk_matrix.h"
#include "tests/support/generated_province.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;

// Spearman's rank correlation (average ranks for ties).
double RankCorrelation(const std::vector<double>& x, const std::vector<double>& y) {
  const auto ranks = [](const std::vector<double>& v) {
    std::vector<size_t> order(v.size());
    for (size_t i = 0; i < v.size(); ++i) order[i] = i;
    std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return v[a] < v[b]; });
    std::vector<double> r(v.size());
    for (size_t i = 0; i < order.size();) {
      size_t j = i;
      while (j + 1 < order.size() && v[order[j + 1]] == v[order[i]]) ++j;
      for (size_t k = i; k <= j; ++k) r[order[k]] = (i + j) / 2.0;
      i = j + 1;
    }
    return r;
  };
  const std::vector<double> rx = ranks(x), ry = ranks(y);
  const double n = static_cast<double>(x.size());
  double mx = 0, my = 0;
  for (size_t i = 0; i < x.size(); ++i) mx += rx[i] / n, my += ry[i] / n;
  double cov = 0, vx = 0, vy = 0;
  for (size_t i = 0; i < x.size(); ++i) {
    cov += (rx[i] - mx) * (ry[i] - my);
    vx += (rx[i] - mx) * (rx[i] - mx);
    vy += (ry[i] - my) * (ry[i] - my);
  }
  return cov / std::sqrt(vx * vy);
}

TEST(RiskMatrixProvinceTest, GeneratedRiskAndResumptionLieAlongTheDiagonal) {
  const fs::path dir =
      fs::temp_directory_path() / ("fugong-risk-province-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::optional<GenerateSummary> generated =
      testing::GenerateProvinceInto(dir, {.seed = 3,
                                          .enterprises = 5000,
                                          .from = "2019-11-25",
                                          .to = "2020-02-29",
                                          .interval_minutes = 1440,
                                          .faults = false,
                                          .register_fraction = 1.0});
  ASSERT_TRUE(generated);
  BackfillFiles files = testing::BackfillFilesFor(dir, generated->readings_files, "index");
  files.risk = (dir / "input/risk.csv").string();
  Result<RunConfig> config = LoadRunConfig("", {});
  ASSERT_TRUE(config.ok());
  Result<BackfillSummary> summary = RunBackfillFromFiles(*config, files, nullptr);
  ASSERT_TRUE(summary.ok()) << summary.status().ToString();
  EXPECT_EQ(summary->risk.used, 6u * 90u) << "six charts of 90 counties";
  const std::map<std::string, std::string> records = testing::ReadIndexRecords(files.out);

  // Once firms may resume (2020-02-10 on), and while the chart still spreads the counties over
  // several levels (to 2020-02-23).
  double correlation_sum = 0;
  int days = 0;
  for (Day day = DayFromCivil(2020, 2, 12); day <= DayFromCivil(2020, 2, 23); ++day) {
    std::vector<CountyStanding> standings;
    std::vector<double> lower_risk, composite;
    const std::string prefix = FormatDate(day) + "|county|";
    for (auto it = records.lower_bound(prefix);
         it != records.end() && it->first.compare(0, prefix.size(), prefix) == 0; ++it) {
      const nlohmann::json r = nlohmann::json::parse(it->second);
      ASSERT_TRUE(r.contains("risk")) << it->first;
      if (r["tier"].is_null()) continue;
      const std::optional<RiskLevel> risk = ParseRiskLevel(r["risk"].get<std::string>());
      ASSERT_TRUE(risk);
      standings.push_back({r["code"], risk, r["tier"].get<std::string>()[1] - '0'});
      lower_risk.push_back(static_cast<double>(*risk));  // 0 very_high .. 4 low
      composite.push_back(r["composite"].get<double>());
    }
    ASSERT_EQ(standings.size(), 90u) << FormatDate(day);
    const RiskMatrix m = BuildRiskMatrix(standings);
    // Off the diagonal's ends, once the tiers spread (from 2020-02-17; before, most of the
    // province is still in T4-T5 whatever its risk, and the low-risk counties are all held
    // back): at most a sixth of the counties.
    std::printf("%s held back %zu, ahead %zu\n", FormatDate(day).c_str(), m.held_back.size(),
                m.ahead.size());
    if (day >= DayFromCivil(2020, 2, 17)) {
      EXPECT_LE(m.held_back.size() + m.ahead.size(), 15u) << FormatDate(day);
    }
    correlation_sum += RankCorrelation(lower_risk, composite);
    ++days;
  }
  // Lower risk, higher composite.
  std::printf("mean rank correlation of lower risk and composite: %.3f\n", correlation_sum / days);
  EXPECT_GT(correlation_sum / days, 0.3);  // 0.40 with this seed
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fugong
