// Which groups each enterprise counts in, looked up once per enterprise and kept: a day's sums
// visit every registered enterprise, and the catalog lookup builds strings.
#pragma once

#include <string>
#include <unordered_map>
#include <vector>

#include "engine/groups/group_catalog.h"
#include "engine/model/enterprise.h"
#include "engine/reference/enterprise_registry.h"

namespace fugong {

// A registered enterprise and the groups it counts in.
struct GroupMember {
  const Enterprise* enterprise;
  const std::vector<uint32_t>* groups;
};

class GroupMembership {
 public:
  // `catalog` must outlive this object.
  explicit GroupMembership(GroupCatalog* catalog) : catalog_(catalog) {}

  // Once every enterprise has been looked up, threads may call this at once: find is a read.
  const std::vector<uint32_t>& Of(const Enterprise& enterprise) {
    if (auto it = groups_.find(enterprise.id); it != groups_.end()) return it->second;
    std::vector<uint32_t>& groups = groups_[enterprise.id];
    catalog_->IndicesOf(enterprise, &groups);
    ++lookups_;
    return groups;
  }
  // Enterprises looked up in the catalog so far (each once, again after Forget).
  uint64_t lookups() const { return lookups_; }
  // The enterprise's registry record changed: look its groups up again next time.
  void Forget(const std::string& id) {
    groups_.erase(id);
    members_generation_ = kNoGeneration;
  }

  // Every enterprise of `registry` in id order with its groups: a day's sums walk this array
  // instead of the registry's tree and a hash lookup per enterprise (a cache miss each, 300,000
  // times a close). Rebuilt when the registry changed since the last call; once it is up to date,
  // threads may call this at once (it only reads).
  const std::vector<GroupMember>& Members(const EnterpriseRegistry& registry) {
    if (members_generation_ == registry.generation() && members_registry_ == &registry) {
      return members_;
    }
    members_.clear();
    members_.reserve(registry.size());
    for (const auto& [id, enterprise] : registry) {
      members_.push_back(GroupMember{&enterprise, &Of(enterprise)});
    }
    members_generation_ = registry.generation();
    members_registry_ = &registry;
    return members_;
  }

  GroupCatalog& catalog() { return *catalog_; }

 private:
  GroupCatalog* catalog_;
  // Node-based: the group vectors members_ points to stay put when the map grows.
  std::unordered_map<std::string, std::vector<uint32_t>> groups_;
  static constexpr uint64_t kNoGeneration = UINT64_MAX;
  std::vector<GroupMember> members_;
  uint64_t members_generation_ = kNoGeneration;
  const EnterpriseRegistry* members_registry_ = nullptr;
  uint64_t lookups_ = 0;
};

}  // namespace fugong
