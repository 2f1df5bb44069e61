// Which groups each enterprise counts in, looked up once per enterprise and kept: a day's sums
// visit every registered enterprise, and the catalog lookup builds strings.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/groups/group_catalog.h"
#include "engine/model/enterprise.h"

namespace fugong {

class GroupMembership {
 public:
  // `catalog` must outlive this object.
  explicit GroupMembership(GroupCatalog* catalog) : catalog_(catalog) {}

  // Once every enterprise has been looked up, threads may call this at once: find is a read.
  const std::vector<uint32_t>& Of(const Enterprise& enterprise) {
    if (auto it = groups_.find(enterprise.id); it != groups_.end()) return it->second;
    std::vector<uint32_t>& groups = groups_[enterprise.id];
    catalog_->IndicesOf(enterprise, &groups);
    return groups;
  }
  // The enterprise's registry record changed: look its groups up again next time.
  void Forget(const std::string& id) { groups_.erase(id); }

  GroupCatalog& catalog() { return *catalog_; }

 private:
  GroupCatalog* catalog_;
  std::unordered_map<std::string, std::vector<uint32_t>> groups_;
};

}  // namespace fugong
