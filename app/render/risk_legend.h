// The epidemic risk layer of the county map: the health commission's five colours and the legend
// that names the levels. The colours are the tier palette's (tier_palette.h), matched by name:
// very high red (as T5), high orange (T4), medium yellow (T3), lower blue (T2), low green (T1).
// So a county whose resumption matches its risk has the same colour on both maps.
#pragma once

#include <string>

#include "engine/model/risk_level.h"

namespace fugong::render {

// The tier whose colour the level is drawn in (5 for very_high ... 1 for low).
int RiskColourClass(RiskLevel level);
// "very high", "high", "medium", "lower", "low": what tiles and the legend print.
std::string RiskLevelLabel(RiskLevel level);

// A <g class="legend"> of the five levels and the no-level swatch, the size of the tier legend
// (kTierLegendWidth x kTierLegendHeight), top-left at (x, y).
std::string RiskLegendSvg(double x, double y);

}  // namespace fugong::render
