#include "engine/decode/energy_text.h"

#include <charconv>
#include <cmath>
#include <string>

namespace fugong {

namespace {

// Values past this are rejected outright: 9e12 kWh fits int64 micro-kWh with room to sum.
constexpr double kMaxKwh = 9e12;

bool LooksNonFinite(std::string_view t) {
  std::string lower;
  for (char c : t) lower.push_back(static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32 : c));
  if (!lower.empty() && (lower[0] == '-' || lower[0] == '+')) lower.erase(0, 1);
  return lower == "nan" || lower == "inf" || lower == "infinity";
}

}  // namespace

EnergyParse ParseMicroKwh(std::string_view t, MicroKwh* out) {
  if (t.empty()) return EnergyParse::kNotANumber;
  // Fast path: [-]digits[.digits] with at most 12 integer digits.
  size_t i = 0;
  bool negative = false;
  if (t[0] == '-') {
    negative = true;
    i = 1;
  }
  int64_t int_part = 0;
  size_t int_digits = 0;
  while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
    int_part = int_part * 10 + (t[i] - '0');
    ++i;
    ++int_digits;
    if (int_digits > 12) break;
  }
  if (int_digits <= 12) {
    int64_t frac = 0;
    int frac_digits = 0;
    bool round_up = false;
    bool ok = true;
    if (i < t.size() && t[i] == '.') {
      ++i;
      const size_t start = i;
      while (i < t.size() && t[i] >= '0' && t[i] <= '9') {
        if (frac_digits < 6) {
          frac = frac * 10 + (t[i] - '0');
          ++frac_digits;
        } else if (frac_digits == 6) {
          round_up = t[i] >= '5';
          ++frac_digits;
        }
        ++i;
      }
      ok = i > start || int_digits > 0;
    }
    if (ok && i == t.size() && (int_digits > 0 || frac_digits > 0)) {
      for (int k = frac_digits < 6 ? frac_digits : 6; k < 6; ++k) frac *= 10;
      MicroKwh v = int_part * 1000000 + frac + (round_up ? 1 : 0);
      if (negative && v != 0) return EnergyParse::kNegative;
      *out = v;
      return EnergyParse::kOk;
    }
  }
  // Slow path: exponents and other forms std::from_chars accepts.
  if (LooksNonFinite(t)) return EnergyParse::kNonFinite;
  double value;
  const char* begin = t.data();
  const char* end = t.data() + t.size();
  if (*begin == '+') ++begin;
  auto res = std::from_chars(begin, end, value);
  if (res.ec == std::errc::result_out_of_range) return EnergyParse::kTooLarge;
  if (res.ec != std::errc() || res.ptr != end) return EnergyParse::kNotANumber;
  if (!std::isfinite(value)) return EnergyParse::kNonFinite;
  if (value < 0 && value != 0) return EnergyParse::kNegative;
  if (value > kMaxKwh) return EnergyParse::kTooLarge;
  *out = static_cast<MicroKwh>(std::llround(value * kMicroKwhPerKwh));
  return EnergyParse::kOk;
}

}  // namespace fugong
