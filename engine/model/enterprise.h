// An enterprise of the registry, with its codes already resolved against the reference tables.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "engine/common/date.h"

namespace fugong {

enum class Scale : uint8_t { kAbove, kBelow };

struct Enterprise {
  std::string id;
  std::string county;    // a county of the region table
  std::string industry;  // I01..I15 (mapped from GB/T 4754 when given so)
  Scale scale = Scale::kBelow;
  std::vector<std::string> tags;   // sorted, unique
  std::optional<Day> active_from;  // inclusive
  std::optional<Day> active_to;    // inclusive

  bool ActiveOn(Day day) const {
    return (!active_from || day >= *active_from) && (!active_to || day <= *active_to);
  }
};

inline const char* ScaleCode(Scale s) { return s == Scale::kAbove ? "above" : "below"; }

}  // namespace fugong
