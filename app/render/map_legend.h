// The legend box of the county maps: a title, then one swatch and label per colour class. The
// tier legend and the risk legend are both this box with their own rows.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace fugong::render {

struct LegendRow {
  std::string attribute;  // the row's data attribute, e.g. `data-tier`
  std::string value;      // its value, e.g. `3`
  int colour_class = 0;   // the tier whose fill the swatch has (0: the no-data hatch)
  std::string label;
};

// A <g class="legend"> whose top-left corner is at (x, y).
std::string MapLegendSvg(double x, double y, std::string_view title,
                         const std::vector<LegendRow>& rows);

}  // namespace fugong::render
