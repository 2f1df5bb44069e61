#include "app/render/risk_legend.h"

#include "app/render/map_legend.h"

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
  std::vector<LegendRow> rows;
  for (RiskLevel level : kRiskLevels) {
    rows.push_back({"data-risk", std::string(RiskLevelName(level)), RiskColourClass(level),
                    RiskLevelLabel(level) + "  " + std::string(RiskLevelColor(level))});
  }
  rows.push_back({"data-risk", "", 0, "no risk level"});
  return MapLegendSvg(x, y, "Epidemic risk level", rows);
}

}  // namespace fugong::render
