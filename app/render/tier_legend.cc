#include "app/render/tier_legend.h"

#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

std::string TierLegendSvg(double x, double y) {
  constexpr double kRow = 26, kSwatch = 18;
  std::string out = "<g class=\"legend\">\n";
  out += "<text x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y + 14) +
         "\" font-size=\"14\" font-weight=\"bold\" fill=\"#111111\">Composite index tier</text>\n";
  double row_y = y + 26;
  for (int tier : {1, 2, 3, 4, 5, 0}) {
    const TierStyle& s = StyleOfTier(tier);
    const std::string label =
        tier == 0 ? "no data / suppressed"
                  : std::string(s.name) + " " + std::string(s.colour) + "  " + std::string(s.range);
    out += "<g class=\"legend-item\" data-tier=\"" + std::to_string(tier) + "\"><rect x=\"" +
           SvgNumber(x) + "\" y=\"" + SvgNumber(row_y) + "\" width=\"" + SvgNumber(kSwatch) +
           "\" height=\"" + SvgNumber(kSwatch) + "\" fill=\"" + std::string(TierFill(tier)) +
           "\" stroke=\"#666666\" stroke-width=\"0.5\"/><text x=\"" + SvgNumber(x + kSwatch + 8) +
           "\" y=\"" + SvgNumber(row_y + 14) + "\" font-size=\"13\" fill=\"#222222\">" +
           XmlEscape(label) + "</text></g>\n";
    row_y += kRow;
  }
  out += "</g>\n";
  return out;
}

}  // namespace fugong::render
