// The enterprises that readings are attributed to, in id order (the order group sums are taken
// in, so that floating-point results never depend on arrival order).
#pragma once

#include <map>
#include <string>
#include <string_view>

#include "engine/model/enterprise.h"

namespace fugong {

class EnterpriseRegistry {
 public:
  // A later record for the same id replaces the earlier one (as in a compacted topic).
  void Upsert(Enterprise enterprise) {
    std::string id = enterprise.id;
    by_id_.insert_or_assign(std::move(id), std::move(enterprise));
    ++generation_;
  }
  // Removes the enterprise (a tombstone in the registry topic); false if it was not there.
  bool Erase(std::string_view id) {
    auto it = by_id_.find(id);
    if (it == by_id_.end()) return false;
    by_id_.erase(it);
    ++generation_;
    return true;
  }
  const Enterprise* Find(std::string_view id) const {
    auto it = by_id_.find(id);
    return it == by_id_.end() ? nullptr : &it->second;
  }
  size_t size() const { return by_id_.size(); }
  // Changes with every Upsert and Erase: what was derived from the registry at one generation
  // (pointers to its records included) holds while the generation does.
  uint64_t generation() const { return generation_; }
  // Iterates in id order.
  auto begin() const { return by_id_.begin(); }
  // The first enterprise whose id is not less than `id`.
  auto lower_bound(std::string_view id) const { return by_id_.lower_bound(id); }
  auto end() const { return by_id_.end(); }

 private:
  std::map<std::string, Enterprise, std::less<>> by_id_;
  uint64_t generation_ = 0;
};

}  // namespace fugong
