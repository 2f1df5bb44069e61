#include "engine/common/decimal.h"

#include <charconv>
#include <cmath>
#include <cstdlib>
#include <string>

namespace fugong {

namespace {

// Enough fractional digits that no double is mistaken for a tie (a double that is not exactly
// a tie differs from one by far more than 1e-40 at any magnitude that survives rounding).
constexpr int kExactDigits = 40;

}  // namespace

std::string FormatFixed(double value, int decimals) {
  if (!std::isfinite(value)) return "null";
  const bool negative = std::signbit(value);
  const double magnitude = std::fabs(value);
  char buf[512];
  auto res =
      std::to_chars(buf, buf + sizeof buf, magnitude, std::chars_format::fixed, kExactDigits);
  std::string digits(buf, res.ptr);
  const size_t point = digits.find('.');
  std::string int_part = digits.substr(0, point);
  std::string frac = digits.substr(point + 1);
  const bool round_up = frac[decimals] >= '5';  // half away from zero: ties go up in magnitude
  std::string kept = int_part + frac.substr(0, decimals);
  if (round_up) {
    int i = static_cast<int>(kept.size()) - 1;
    while (i >= 0 && kept[i] == '9') kept[i--] = '0';
    if (i < 0) {
      kept.insert(kept.begin(), '1');
    } else {
      ++kept[i];
    }
  }
  std::string out;
  const size_t int_len = kept.size() - decimals;
  bool all_zero = kept.find_first_not_of('0') == std::string::npos;
  if (negative && !all_zero) out.push_back('-');
  out.append(kept, 0, int_len);
  if (decimals > 0) {
    out.push_back('.');
    out.append(kept, int_len, decimals);
  }
  return out;
}

double RoundHalfAway(double value, int decimals) {
  const std::string text = FormatFixed(value, decimals);
  return std::strtod(text.c_str(), nullptr);
}

}  // namespace fugong
