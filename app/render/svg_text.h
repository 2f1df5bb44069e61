// Text and numbers as they go into SVG markup.
#pragma once

#include <string>
#include <string_view>

namespace fugong::render {

// Escapes `text` for use in XML character data and in double-quoted attribute values (& < > " ').
// Control characters that XML 1.0 cannot carry at all (below U+0020 except tab, LF, CR) are
// dropped, since even a character reference to them makes the document ill-formed.
std::string XmlEscape(std::string_view text);

// `value` with at most `decimals` fractional digits, trailing zeros trimmed ("12.5", "3", "-0.25").
// Locale-independent (std::to_chars), so an SVG is the same on every machine.
std::string SvgNumber(double value, int decimals = 1);

// The font-family list every Fugong SVG uses. County names are Chinese, so CJK fonts that also
// carry Latin glyphs come first (Linux, then Windows and macOS names), and the generic family
// last, so that names never render as empty boxes.
inline constexpr std::string_view kSvgFontFamily =
    "'Noto Sans CJK SC', 'Source Han Sans SC', 'WenQuanYi Micro Hei', 'Microsoft YaHei', "
    "'PingFang SC', sans-serif";

// Counts UTF-8 code points (not bytes); used to estimate how wide a label is.
size_t Utf8Length(std::string_view text);

// Estimated advance width of `text` at `font_px`: CJK and other wide characters count as one
// em, ASCII as 0.56 em (Noto Sans' average). Good enough to decide whether a label fits.
double EstimateTextWidth(std::string_view text, double font_px);

}  // namespace fugong::render
