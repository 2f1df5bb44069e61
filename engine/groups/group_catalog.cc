#include "engine/groups/group_catalog.h"

namespace fugong {

GroupCatalog::GroupCatalog(const RegionTable& regions, const IndustryTable& industries,
                           std::vector<GroupLevel> levels)
    : regions_(regions), industries_(industries), levels_(std::move(levels)) {}

std::string GroupCatalog::NameOf(const GroupKey& key) const {
  switch (key.level) {
    case GroupLevel::kProvince:
    case GroupLevel::kCity:
    case GroupLevel::kCounty: {
      const Region* r = regions_.Find(key.code);
      return r ? r->name : key.code;
    }
    case GroupLevel::kIndustry: {
      const IndustryCategory* c = industries_.Find(key.code);
      return c ? c->name : key.code;
    }
    case GroupLevel::kCountyIndustry: {
      const size_t colon = key.code.find(':');
      const Region* r = regions_.Find(key.code.substr(0, colon));
      const IndustryCategory* c = industries_.Find(key.code.substr(colon + 1));
      return (r ? r->name : key.code.substr(0, colon)) + " / " +
             (c ? c->name : key.code.substr(colon + 1));
    }
    case GroupLevel::kScale:
      return key.code == "above" ? "Above designated size" : "Below designated size";
    case GroupLevel::kTag:
      return key.code;
  }
  return key.code;
}

void GroupCatalog::IndicesOf(const Enterprise& enterprise, std::vector<uint32_t>* indices) {
  indices->clear();
  for (GroupKey& key : GroupKeysOf(enterprise, regions_, levels_)) {
    auto it = index_.find(key);
    if (it == index_.end()) {
      const uint32_t index = static_cast<uint32_t>(groups_.size());
      groups_.push_back({key, NameOf(key)});
      it = index_.emplace(std::move(key), index).first;
    }
    indices->push_back(it->second);
  }
}

}  // namespace fugong
