// The five tiers of a published composite index (SPEC "Groups").
#pragma once

#include <string_view>

namespace fugong {

struct Tier {
  int number;         // 1..5
  const char* name;   // "T1".."T5"
  const char* color;  // "green", "blue", "yellow", "orange", "red"
};

// T1 green >= 80, T2 blue >= 60, T3 yellow >= 40, T4 orange >= 20, T5 red below. Pass the
// composite as published (rounded to 4 decimals), so the tier agrees with the printed number.
// NaN falls to T5 (it is not >= any bound); groups without figures get no tier at all.
Tier TierOf(double published_composite);

// 1..5 for a published tier name "T1".."T5"; 0 for anything else (a suppressed group's null).
int TierNumber(std::string_view name);

}  // namespace fugong
