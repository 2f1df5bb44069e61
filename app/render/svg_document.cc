#include "app/render/svg_document.h"

#include "app/render/svg_text.h"
#include "app/render/tier_palette.h"

namespace fugong::render {

namespace {

constexpr double kMargin = 24;
constexpr double kTitlePx = 22;
constexpr double kSubtitlePx = 14;

}  // namespace

double HeadingHeight(const SvgFrame& frame) {
  double h = kMargin;
  if (!frame.title.empty()) h += kTitlePx + 8;
  if (!frame.subtitle.empty()) h += kSubtitlePx + 8;
  return h + 8;
}

std::string OpenSvg(const SvgFrame& frame) {
  const std::string w = SvgNumber(frame.width), h = SvgNumber(frame.height);
  std::string out;
  out += "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out += "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" width=\"" + w + "\" height=\"" +
         h + "\" viewBox=\"0 0 " + w + " " + h + "\" font-family=\"" + std::string(kSvgFontFamily) +
         "\" role=\"img\">\n";
  out += "<title>" + XmlEscape(frame.title) + "</title>\n";
  if (!frame.subtitle.empty()) out += "<desc>" + XmlEscape(frame.subtitle) + "</desc>\n";
  out += "<defs>" + std::string(NoDataPatternDefs()) + "</defs>\n";
  out += "<rect class=\"background\" x=\"0\" y=\"0\" width=\"" + w + "\" height=\"" + h +
         "\" fill=\"#FFFFFF\"/>\n";
  double y = kMargin;
  if (!frame.title.empty()) {
    y += kTitlePx;
    out += "<text class=\"title\" x=\"" + SvgNumber(kMargin) + "\" y=\"" + SvgNumber(y) +
           "\" font-size=\"" + SvgNumber(kTitlePx) + "\" font-weight=\"bold\" fill=\"#111111\">" +
           XmlEscape(frame.title) + "</text>\n";
    y += 8;
  }
  if (!frame.subtitle.empty()) {
    y += kSubtitlePx;
    out += "<text class=\"subtitle\" x=\"" + SvgNumber(kMargin) + "\" y=\"" + SvgNumber(y) +
           "\" font-size=\"" + SvgNumber(kSubtitlePx) + "\" fill=\"#444444\">" +
           XmlEscape(frame.subtitle) + "</text>\n";
  }
  return out;
}

std::string_view CloseSvg() { return "</svg>\n"; }

}  // namespace fugong::render
