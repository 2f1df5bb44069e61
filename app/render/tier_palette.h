// The five tiers of the composite index and the colours they are drawn in.
//
// SPEC names the tiers by colour (T1 green ... T5 red), so the hues are fixed; the shades are the
// Okabe–Ito palette (Okabe & Ito, "Color Universal Design", 2008), chosen because its green,
// blue, yellow, orange and vermillion stay distinguishable under protanopia, deuteranopia and
// tritanopia, where a ColorBrewer red/green pair does not. Each tier also carries the text colour
// that reads best on it (WCAG 2 contrast ratio in brackets):
//
//   tier  range            fill     text     contrast
//   T1    composite >= 80  #009E73  #000000  (6.1)   bluish green
//   T2    60 .. < 80       #0072B2  #FFFFFF  (5.2)   blue
//   T3    40 .. < 60       #F0E442  #000000  (15.9)  yellow
//   T4    20 .. < 40       #E69F00  #000000  (9.3)   orange
//   T5    below 20         #D55E00  #000000  (5.4)   vermillion (red)
//   0     no data / suppressed: #E6E6E6 hatched with #A6A6A6, text #333333
//
// Tier 0 is hatched rather than only grey so that it cannot be read as a pale sixth tier.
#pragma once

#include <string_view>

namespace fugong::render {

struct TierStyle {
  int tier;                 // 0..5
  std::string_view name;    // "T1".."T5"; "no data" for 0
  std::string_view colour;  // the colour's plain name as SPEC uses it ("green"); "grey" for 0
  std::string_view range;   // human-readable composite range, e.g. "60–80"
  double lower;             // composite range [lower, upper); the no-data tier has 0, 0
  double upper;
  std::string_view fill;  // solid colour, #RRGGBB
  std::string_view text;  // label colour on top of `fill`
};

// The id of the hatch pattern that tier 0 is filled with; SVG documents that use
// `TierFill(0)` must contain `NoDataPatternDefs()` inside <defs>.
inline constexpr std::string_view kNoDataPatternId = "fugong-nodata";

// Styles for tiers 0..5; any other value gets the tier-0 style.
const TierStyle& StyleOfTier(int tier);

// The SVG `fill` value for a tile or polygon of `tier`: the tier colour, or the hatch pattern.
std::string_view TierFill(int tier);

// A <pattern> element that draws the no-data hatch.
std::string_view NoDataPatternDefs();

}  // namespace fugong::render
