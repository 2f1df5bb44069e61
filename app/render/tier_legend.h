// The legend of the county maps: the five tiers with colour, name and range, and the no-data
// swatch.
#pragma once

#include <string>

namespace fugong::render {

inline constexpr double kTierLegendWidth = 190;
inline constexpr double kTierLegendHeight = 6 * 26 + 30;

// A <g class="legend"> whose top-left corner is at (x, y).
std::string TierLegendSvg(double x, double y);

}  // namespace fugong::render
