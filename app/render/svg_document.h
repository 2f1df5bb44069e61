// The frame every Fugong SVG shares: XML prolog, root element, accessible title, the no-data
// hatch pattern, a white background and the heading.
#pragma once

#include <string>
#include <string_view>

namespace fugong::render {

struct SvgFrame {
  double width = 0;
  double height = 0;
  std::string title;     // drawn as the heading and carried in <title> for screen readers
  std::string subtitle;  // optional second heading line, also the <desc>
};

// Height taken by the heading block (title and, when given, subtitle), so content starts below.
double HeadingHeight(const SvgFrame& frame);

// Opens the document and draws the heading; append content, then `CloseSvg()`.
std::string OpenSvg(const SvgFrame& frame);
std::string_view CloseSvg();

}  // namespace fugong::render
