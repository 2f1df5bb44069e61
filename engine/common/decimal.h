// Fixed, locale-free number formatting for published records.
//
// SPEC: rates have 6 decimals, the composite 4, "rounded half away from zero from the unrounded
// values". printf rounds ties to even and depends on the locale, so it is not used for output.
#pragma once

#include <string>

namespace fugong {

// Rounds `value` half away from zero to `decimals` places (0..9) using the exact decimal value
// of the double, and returns the rounded value as text ("42.4000", "-0.000001", "0.000000").
std::string FormatFixed(double value, int decimals);

// The same rounding, as a double (for tiering on the published value).
double RoundHalfAway(double value, int decimals);

}  // namespace fugong
