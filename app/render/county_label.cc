#include "app/render/county_label.h"

#include <array>

#include "app/render/svg_text.h"

namespace fugong::render {

namespace {

bool EndsWith(std::string_view s, std::string_view suffix) {
  return s.size() >= suffix.size() && s.substr(s.size() - suffix.size()) == suffix;
}

// Longest first, so 自治县 is tried before 县.
constexpr std::array<std::string_view, 4> kSuffixes = {"自治县", "区", "县", "市"};

// Autonomous counties name their peoples between the place name and 自治县 (景宁畲族自治县,
// 长阳土家族自治县, 威宁彝族回族苗族自治县); these are the peoples that appear in such names.
constexpr std::array<std::string_view, 28> kPeoples = {
    "土家族",   "蒙古族", "哈萨克族", "柯尔克孜族", "塔吉克族", "锡伯族", "达斡尔族",
    "鄂温克族", "畲族",   "回族",     "苗族",       "彝族",     "藏族",   "壮族",
    "瑶族",     "侗族",   "黎族",     "傣族",       "佤族",     "满族",   "白族",
    "羌族",     "水族",   "仡佬族",   "纳西族",     "傈僳族",   "拉祜族", "各族"};

}  // namespace

std::string ShortCountyName(std::string_view name) {
  for (std::string_view suffix : kSuffixes) {
    if (!EndsWith(name, suffix)) continue;
    std::string_view stem = name.substr(0, name.size() - suffix.size());
    if (suffix == "自治县") {
      // Strip the peoples one by one from the end; stop at anything unrecognised.
      bool stripped = true;
      while (stripped) {
        stripped = false;
        for (std::string_view people : kPeoples) {
          if (EndsWith(stem, people) && Utf8Length(stem) > Utf8Length(people) + 1) {
            stem.remove_suffix(people.size());
            stripped = true;
            break;
          }
        }
      }
    }
    if (Utf8Length(stem) >= 2) return std::string(stem);
    return std::string(name);
  }
  return std::string(name);
}

std::string CountyLabel(const Region& region, bool pinyin) {
  if (pinyin && !region.name_pinyin.empty()) return region.name_pinyin;
  if (!region.name.empty()) return ShortCountyName(region.name);
  return region.code;
}

}  // namespace fugong::render
