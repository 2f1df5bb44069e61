#include "app/render/tier_palette.h"

#include <array>

namespace fugong::render {

namespace {

// Index = tier. Ranges use an en dash; the upper bound is exclusive (SPEC: T2 is ">= 60").
constexpr std::array<TierStyle, 6> kStyles = {{
    {0, "no data", "grey", "suppressed", 0, 0, "#E6E6E6", "#333333"},
    {1, "T1", "green", "≥ 80", 80, 100, "#009E73", "#000000"},
    {2, "T2", "blue", "60–80", 60, 80, "#0072B2", "#FFFFFF"},
    {3, "T3", "yellow", "40–60", 40, 60, "#F0E442", "#000000"},
    {4, "T4", "orange", "20–40", 20, 40, "#E69F00", "#000000"},
    {5, "T5", "red", "< 20", 0, 20, "#D55E00", "#000000"},
}};

constexpr std::string_view kNoDataFill = "url(#fugong-nodata)";

constexpr std::string_view kNoDataPattern =
    "<pattern id=\"fugong-nodata\" width=\"6\" height=\"6\" patternUnits=\"userSpaceOnUse\" "
    "patternTransform=\"rotate(45)\"><rect width=\"6\" height=\"6\" fill=\"#E6E6E6\"/>"
    "<line x1=\"0\" y1=\"0\" x2=\"0\" y2=\"6\" stroke=\"#A6A6A6\" stroke-width=\"2\"/></pattern>";

}  // namespace

const TierStyle& StyleOfTier(int tier) {
  if (tier < 1 || tier > 5) return kStyles[0];
  return kStyles[tier];
}

std::string_view TierFill(int tier) {
  if (tier < 1 || tier > 5) return kNoDataFill;
  return kStyles[tier].fill;
}

std::string_view NoDataPatternDefs() { return kNoDataPattern; }

}  // namespace fugong::render
