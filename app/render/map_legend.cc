#include "app/render/map_legend.h"

#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

std::string MapLegendSvg(double x, double y, std::string_view title,
                         const std::vector<LegendRow>& rows) {
  constexpr double kRow = 26, kSwatch = 18;
  std::string out = "<g class=\"legend\">\n";
  out += "<text x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y + 14) +
         "\" font-size=\"14\" font-weight=\"bold\" fill=\"#111111\">" + XmlEscape(title) +
         "</text>\n";
  double row_y = y + 26;
  for (const LegendRow& row : rows) {
    out += "<g class=\"legend-item\" " + row.attribute + "=\"" + XmlEscape(row.value) +
           "\"><rect x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(row_y) + "\" width=\"" +
           SvgNumber(kSwatch) + "\" height=\"" + SvgNumber(kSwatch) + "\" fill=\"" +
           std::string(TierFill(row.colour_class)) +
           "\" stroke=\"#666666\" stroke-width=\"0.5\"/><text x=\"" + SvgNumber(x + kSwatch + 8) +
           "\" y=\"" + SvgNumber(row_y + 14) + "\" font-size=\"13\" fill=\"#222222\">" +
           XmlEscape(row.label) + "</text></g>\n";
    row_y += kRow;
  }
  out += "</g>\n";
  return out;
}

}  // namespace fugong::render
