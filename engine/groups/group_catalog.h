// The groups seen so far, numbered densely, with their display names.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/groups/group_key.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

struct Group {
  GroupKey key;
  std::string name;
};

class GroupCatalog {
 public:
  GroupCatalog(const RegionTable& regions, const IndustryTable& industries,
               std::vector<GroupLevel> levels);

  // The dense indices of the enterprise's groups (adding groups met for the first time).
  void IndicesOf(const Enterprise& enterprise, std::vector<uint32_t>* indices);

  const Group& group(uint32_t index) const { return groups_[index]; }
  size_t size() const { return groups_.size(); }
  const std::vector<GroupLevel>& levels() const { return levels_; }

 private:
  std::string NameOf(const GroupKey& key) const;

  const RegionTable& regions_;
  const IndustryTable& industries_;
  std::vector<GroupLevel> levels_;
  std::vector<Group> groups_;
  std::map<GroupKey, uint32_t> index_;
};

}  // namespace fugong
