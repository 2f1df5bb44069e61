#include "app/render/risk_legend.h"

#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

int RiskColourClass(RiskLevel level) { return 5 - static_cast<int>(level); }

std::string RiskLevelLabel(RiskLevel level) {
  std::string label(RiskLevelName(level));
  for (char& c : label) {
    if (c == '_') c = ' ';
  }
  return label;
}

std::string RiskLegendSvg(double x, double y) {
  constexpr double kRow = 26, kSwatch = 18;
  std::string out = "<g class=\"legend\">\n";
  out += "<text x=\"" + SvgNumber(x) + "\" y=\"" + SvgNumber(y + 14) +
         "\" font-size=\"14\" font-weight=\"bold\" fill=\"#111111\">Epidemic risk level</text>\n";
  double row_y = y + 26;
  const auto row = [&](const std::string& data, int colour_class, const std::string& label) {
    out += "<g class=\"legend-item\" data-risk=\"" + data + "\"><rect x=\"" + SvgNumber(x) +
           "\" y=\"" + SvgNumber(row_y) + "\" width=\"" + SvgNumber(kSwatch) + "\" height=\"" +
           SvgNumber(kSwatch) + "\" fill=\"" + std::string(TierFill(colour_class)) +
           "\" stroke=\"#666666\" stroke-width=\"0.5\"/><text x=\"" + SvgNumber(x + kSwatch + 8) +
           "\" y=\"" + SvgNumber(row_y + 14) + "\" font-size=\"13\" fill=\"#222222\">" +
           XmlEscape(label) + "</text></g>\n";
    row_y += kRow;
  };
  for (RiskLevel level : kRiskLevels) {
    row(std::string(RiskLevelName(level)), RiskColourClass(level),
        RiskLevelLabel(level) + "  " + std::string(RiskLevelColor(level)));
  }
  row("", 0, "no risk level");
  out += "</g>\n";
  return out;
}

}  // namespace fugong::render
