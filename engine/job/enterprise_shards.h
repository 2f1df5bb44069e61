// Cuts the enterprise id space into contiguous ranges of about equal numbers of registered
// enterprises, so that workers can each take a range and their results, put back in range order,
// are in enterprise-id order: the order sums are taken in.
#pragma once

#include <string>
#include <vector>

#include "engine/reference/enterprise_registry.h"

namespace fugong {

struct IdRange {
  std::string from;  // first id of the range (empty: from the start)
  std::string end;   // first id after it (empty: to the end)
};

inline std::vector<IdRange> EnterpriseShards(const EnterpriseRegistry& registry, int shards) {
  std::vector<IdRange> out;
  const size_t n = registry.size();
  if (shards <= 1 || n < static_cast<size_t>(shards) * 64) return {IdRange{}};
  std::vector<std::string> bounds;
  size_t i = 0, next = 1;
  for (const auto& [id, enterprise] : registry) {
    if (next == static_cast<size_t>(shards)) break;  // every bound found
    if (i == n * next / shards) {
      bounds.push_back(id);
      ++next;
    }
    ++i;
  }
  std::string from;
  for (const std::string& b : bounds) {
    out.push_back(IdRange{from, b});
    from = b;
  }
  out.push_back(IdRange{from, ""});
  return out;
}

}  // namespace fugong
