// Parsing kWh text into exact integer micro-kWh.
#pragma once

#include <string_view>

#include "engine/model/dead_letter.h"
#include "engine/model/reading.h"

namespace fugong {

enum class EnergyParse { kOk, kNotANumber, kNegative, kNonFinite, kTooLarge };

// Parses a decimal number (`12.345`, `0`, `1e3`, `-0`) into micro-kWh, rounding half away from
// zero past the sixth decimal. `nan`/`inf` are kNonFinite, a negative value kNegative.
EnergyParse ParseMicroKwh(std::string_view text, MicroKwh* out);

}  // namespace fugong
