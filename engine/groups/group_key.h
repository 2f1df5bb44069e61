// Which groups an enterprise counts in. This function is the seam for scale-out: in a
// multi-instance deployment each enterprise-day goes to its groups' owners through a
// repartition topic keyed by these keys.
#pragma once

#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/model/enterprise.h"
#include "engine/reference/region_table.h"

namespace fugong {

enum class GroupLevel : uint8_t {
  kProvince,
  kCity,
  kCounty,
  kIndustry,
  kCountyIndustry,
  kScale,
  kTag,
};

const char* LevelName(GroupLevel level);
bool ParseLevel(const std::string& name, GroupLevel* level);
// The config's `levels`, in order; InvalidArgument naming an unknown one.
Result<std::vector<GroupLevel>> ParseLevels(const std::vector<std::string>& names);
// "province, city, ..., tag": every level name, for messages.
std::string LevelNames();

struct GroupKey {
  GroupLevel level;
  std::string code;  // `330102`, `I07`, `330102:I07`, `above`, `foreign_trade`

  bool operator==(const GroupKey& o) const { return level == o.level && code == o.code; }
  bool operator<(const GroupKey& o) const {
    return level != o.level ? level < o.level : code < o.code;
  }
};

// The groups of `enterprise` at the configured levels, one per level (tags: one per tag).
std::vector<GroupKey> GroupKeysOf(const Enterprise& enterprise, const RegionTable& regions,
                                  const std::vector<GroupLevel>& levels);

}  // namespace fugong
