#include "app/generate/synthetic_risk_chart.h"

#include <algorithm>
#include <array>
#include <cmath>
#include <map>

#include "app/generate/prng.h"
#include "app/generate/synthetic_population.h"
#include "engine/model/risk_level.h"

namespace fugong::synth {

const std::vector<RiskChartCounts>& Zhejiang2020RiskCharts() {
  static const std::vector<RiskChartCounts> charts = {
      {DayFromCivil(2020, 2, 9), {1, 12, 40, 25, 12}},  // published: 1, 12, ..., 12 low
      {DayFromCivil(2020, 2, 13), {0, 8, 35, 27, 20}},
      {DayFromCivil(2020, 2, 17), {0, 2, 18, 30, 40}},
      {DayFromCivil(2020, 2, 20), {0, 1, 6, 19, 64}},
      {DayFromCivil(2020, 2, 24), {0, 0, 2, 6, 82}},  // published: 82 low, none high
      {DayFromCivil(2020, 2, 27), {0, 0, 0, 2, 88}},  // published: 88 low, 2 lower
  };
  return charts;
}

std::string RiskChartCsv(uint64_t seed, const RegionTable& regions, const Population& population,
                         Day to) {
  const std::vector<std::string>& counties = regions.counties();
  // Each county's 2020 resumption delays (days after 2020-02-10; never: 60), from the truth.
  std::map<std::string, std::vector<double>> delays;
  for (const SyntheticEnterprise& e : population.enterprises) {
    for (const SeasonShutdown& s : e.seasons) {
      if (s.festival != SpringFestival2020()) continue;
      const double delay = s.resume ? std::max(0, *s.resume - EarliestResume2020()) : 60.0;
      delays[population.counties[e.county]].push_back(delay);
    }
  }
  // The most severe first: the median delay of the county's enterprises (its place's when it has
  // fewer than 3), times log-normal noise of the county's own, so that a few counties fall off
  // the diagonal.
  std::vector<std::pair<double, std::string>> by_severity;
  for (size_t i = 0; i < counties.size(); ++i) {
    Rng rng(StreamKey(seed, Stream::kRiskChart, i));
    double severity = PlaceResumeMedianDays(counties[i], regions.CityOf(counties[i]));
    auto it = delays.find(counties[i]);
    if (it != delays.end() && it->second.size() >= 3) {
      std::vector<double>& d = it->second;
      std::nth_element(d.begin(), d.begin() + d.size() / 2, d.end());
      severity = 1.0 + d[d.size() / 2];
    }
    by_severity.emplace_back(-severity * std::exp(0.25 * rng.Normal()), counties[i]);
  }
  std::sort(by_severity.begin(), by_severity.end());

  std::string out = "county_code,date,level\n";
  const int n = static_cast<int>(counties.size());
  for (const RiskChartCounts& chart : Zhejiang2020RiskCharts()) {
    if (chart.date > to) break;
    // Cumulative counts scaled to this region's counties: the last level takes the rest.
    std::array<int, 5> upto{};
    int sum = 0;
    for (int level = 0; level < 5; ++level) {
      sum += chart.counts[level];
      upto[level] = static_cast<int>(std::lround(static_cast<double>(sum) * n / 90.0));
    }
    upto[4] = n;
    std::vector<std::pair<std::string, RiskLevel>> rated;
    int level = 0;
    for (int rank = 0; rank < n; ++rank) {
      while (rank >= upto[level]) ++level;
      rated.emplace_back(by_severity[rank].second, kRiskLevels[level]);
    }
    std::sort(rated.begin(), rated.end());
    for (const auto& [county, risk] : rated) {
      out += county + "," + FormatDate(chart.date) + "," + std::string(RiskLevelName(risk)) + "\n";
    }
  }
  return out;
}

}  // namespace fugong::synth
