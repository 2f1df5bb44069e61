#include "engine/baseline/baseline_fitter.h"

#include <Eigen/Dense>
#include <array>
#include <string>

namespace fugong {
namespace {

constexpr int kDayTypes = 7;
constexpr int kMaxColumns = 1 + BaselineModel::kWeekdayEffects + 2;
// The default window has 42 days; one this size or smaller is fitted in fixed-capacity (stack)
// matrices, so fitting 300,000 enterprises does not churn the heap.
constexpr int kStackRows = 64;

constexpr std::array<const char*, kDayTypes> kDayTypeNames = {
    "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"};

// Least squares of the calendar design on `samples`. Writes the coefficients into `model` and
// returns true, or returns false when the design is rank-deficient. `kMaxRows` is the matrices'
// compile-time row capacity (Eigen::Dynamic for heap storage).
template <int kMaxRows>
bool SolveCalendar(const BaselineSamples& samples, WeatherColumns columns, BaselineModel* model) {
  using Design =
      Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::ColMajor, kMaxRows, kMaxColumns>;
  using Observed = Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxRows, 1>;
  using Coefficients = Eigen::Matrix<double, Eigen::Dynamic, 1, Eigen::ColMajor, kMaxColumns, 1>;

  const int rows = samples.size();
  const int hdd_column = 1 + BaselineModel::kWeekdayEffects;
  const int cdd_column = hdd_column + (columns.hdd ? 1 : 0);
  const int cols = cdd_column + (columns.cdd ? 1 : 0);
  if (rows < cols) return false;  // fewer equations than unknowns: the rank is at most `rows`

  Design x = Design::Zero(rows, cols);
  Observed y(rows);
  for (int i = 0; i < rows; ++i) {
    const BaselineSample& s = samples.days()[i];
    x(i, 0) = 1.0;
    if (s.day_type > 0) x(i, s.day_type) = 1.0;  // dummy column k is day type k (Monday is 0)
    if (columns.hdd) x(i, hdd_column) = s.hdd;
    if (columns.cdd) x(i, cdd_column) = s.cdd;
    y(i) = s.kwh;
  }

  Eigen::ColPivHouseholderQR<Design> qr(x);
  qr.setThreshold(kBaselineRankThreshold);
  if (qr.rank() < cols) return false;
  const Coefficients b = qr.solve(y);

  model->intercept = b(0);
  for (int k = 0; k < BaselineModel::kWeekdayEffects; ++k) model->weekday_effect[k] = b(1 + k);
  model->uses_hdd = columns.hdd;
  model->hdd_coefficient = columns.hdd ? b(hdd_column) : 0.0;
  model->uses_cdd = columns.cdd;
  model->cdd_coefficient = columns.cdd ? b(cdd_column) : 0.0;
  return true;
}

// Empty when every day type has enough valid days, else why not (the first short type).
std::string ShortDayType(const BaselineSamples& samples, int min_days_per_type) {
  std::array<int, kDayTypes> count{};
  for (const BaselineSample& s : samples.days()) ++count[s.day_type];
  for (int t = 0; t < kDayTypes; ++t) {
    if (count[t] < min_days_per_type) {
      return std::string(kDayTypeNames[t]) + " has fewer than " +
             std::to_string(min_days_per_type) + " valid days";
    }
  }
  return {};
}

}  // namespace

BaselineModel FitBaselineModel(const BaselineSamples& samples, WeatherColumns columns,
                               const EngineConfig& config) {
  BaselineModel model;
  model.valid_days = samples.size();
  model.mean_kwh = samples.mean_kwh();
  model.valid = model.mean_kwh >= config.min_baseline_kwh;
  model.method = BaselineMethod::kMean;
  if (config.baseline_method == BaselineMethod::kMean) return model;

  if (samples.size() < config.min_valid_days) {
    model.fallback_reason = "fewer than " + std::to_string(config.min_valid_days) + " valid days";
    return model;
  }
  model.fallback_reason = ShortDayType(samples, config.min_days_per_type);
  if (!model.fallback_reason.empty()) return model;

  const bool solved = samples.size() <= kStackRows
                          ? SolveCalendar<kStackRows>(samples, columns, &model)
                          : SolveCalendar<Eigen::Dynamic>(samples, columns, &model);
  if (!solved) {
    model.fallback_reason = "rank deficient";
    return model;
  }
  model.method = BaselineMethod::kCalendar;
  return model;
}

}  // namespace fugong
