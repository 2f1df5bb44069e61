// Time-series line charts of the index (`fugong chart`, the demo), as SVG text.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/date.h"

namespace fugong::render {

// One line. A nullopt value is a gap: the line breaks there instead of bridging the missing day,
// and a value with gaps on both sides is drawn as a dot.
struct Series {
  std::string label;
  std::vector<std::pair<Day, std::optional<double>>> points;
};

struct ChartOptions {
  std::string title;
  std::string y_label;
  // Shade the five tier bands (0-20-40-60-80-100) behind the lines, in the tier colours.
  bool tier_bands = false;
  // Fixed y range; by default from 0 (or the lowest value, if negative) to the highest value,
  // widened to round ticks, or 0..100 (and beyond, if values are) with tier bands.
  std::optional<double> y_min;
  std::optional<double> y_max;
};

// Each series is a <path class="series-line" data-series="<index>"> (one subpath per run of
// values between gaps) with an entry in the legend. Colours are the Okabe–Ito palette; past eight
// series it repeats with dashed, then dotted lines, so every series stays distinguishable.
// The x axis has date ticks at a spacing that fits (days, weeks from Monday, months, years).
std::string RenderLineChart(const std::vector<Series>& series, const ChartOptions& options);

}  // namespace fugong::render
