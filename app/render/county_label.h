// The label a county gets on a map.
#pragma once

#include <string>
#include <string_view>

#include "engine/reference/region_table.h"

namespace fugong::render {

// The county's name without its administrative suffix, as maps print it: 上城区 -> 上城,
// 义乌市 -> 义乌, 景宁畲族自治县 -> 景宁. The suffix is kept when dropping it would leave fewer
// than two characters (城区, 郊区, 青县), because a one-character label is ambiguous.
std::string ShortCountyName(std::string_view name);

// What a tile or polygon is labelled with: the pinyin name when `pinyin` is set and the table
// has one, else the short Chinese name, else the code.
std::string CountyLabel(const Region& region, bool pinyin);

}  // namespace fugong::render
