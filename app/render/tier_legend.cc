#include "app/render/tier_legend.h"

#include "app/render/map_legend.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

std::string TierLegendSvg(double x, double y) {
  std::vector<LegendRow> rows;
  for (int tier : {1, 2, 3, 4, 5, 0}) {
    const TierStyle& s = StyleOfTier(tier);
    const std::string label =
        tier == 0 ? "no data / suppressed"
                  : std::string(s.name) + " " + std::string(s.colour) + "  " + std::string(s.range);
    rows.push_back({"data-tier", std::to_string(tier), tier, label});
  }
  return MapLegendSvg(x, y, "Composite index tier", rows);
}

}  // namespace fugong::render
