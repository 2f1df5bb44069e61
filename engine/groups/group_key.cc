#include "engine/groups/group_key.h"

namespace fugong {

namespace {
constexpr const char* kLevelNames[] = {"province",        "city",  "county", "industry",
                                       "county_industry", "scale", "tag"};
}  // namespace

const char* LevelName(GroupLevel level) { return kLevelNames[static_cast<int>(level)]; }

bool ParseLevel(const std::string& name, GroupLevel* level) {
  for (int i = 0; i < 7; ++i) {
    if (name == kLevelNames[i]) {
      *level = static_cast<GroupLevel>(i);
      return true;
    }
  }
  return false;
}

Result<std::vector<GroupLevel>> ParseLevels(const std::vector<std::string>& names) {
  std::vector<GroupLevel> levels;
  for (const std::string& name : names) {
    GroupLevel level;
    if (!ParseLevel(name, &level)) {
      return Status::InvalidArgument("unknown level " + name + " (levels: " + LevelNames() + ")");
    }
    levels.push_back(level);
  }
  return levels;
}

std::string LevelNames() {
  std::string list;
  for (const char* name : kLevelNames) {
    if (!list.empty()) list += ", ";
    list += name;
  }
  return list;
}

std::vector<GroupKey> GroupKeysOf(const Enterprise& e, const RegionTable& regions,
                                  const std::vector<GroupLevel>& levels) {
  std::vector<GroupKey> keys;
  for (GroupLevel level : levels) {
    switch (level) {
      case GroupLevel::kProvince:
        keys.push_back({level, regions.ProvinceOf(e.county)});
        break;
      case GroupLevel::kCity:
        keys.push_back({level, regions.CityOf(e.county)});
        break;
      case GroupLevel::kCounty:
        keys.push_back({level, e.county});
        break;
      case GroupLevel::kIndustry:
        keys.push_back({level, e.industry});
        break;
      case GroupLevel::kCountyIndustry:
        keys.push_back({level, e.county + ":" + e.industry});
        break;
      case GroupLevel::kScale:
        keys.push_back({level, ScaleCode(e.scale)});
        break;
      case GroupLevel::kTag:
        for (const std::string& tag : e.tags) keys.push_back({level, tag});
        break;
    }
  }
  return keys;
}

}  // namespace fugong
