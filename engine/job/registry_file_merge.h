// The registry built from the lines of a registry file, where an enterprise listed twice must
// not pass unnoticed. The same fields again is a harmless duplicate. Other fields (another
// county, say) is a conflict: the later line wins, as it would on the compacted registry topic,
// and the earlier line is reported as a `conflicting_registry_line` dead letter that carries
// both lines, because a silently moved enterprise changes two counties' figures.
//
// (On the registry topic a changed value is an update and is applied without a report: there the
// order of messages is the order of changes. A file has no such meaning: two lines of one id are
// two claims about the same enterprise.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "engine/model/dead_letter.h"
#include "engine/model/enterprise.h"
#include "engine/reference/enterprise_registry.h"

namespace fugong {

class RegistryFileMerge {
 public:
  // `file` names the lines in dead letters.
  RegistryFileMerge(std::string file, EnterpriseRegistry* registry)
      : file_(std::move(file)), registry_(registry) {}

  enum class Outcome {
    kAdded,      // the first line of its enterprise
    kDuplicate,  // the same fields as the enterprise's line before: nothing changes
    kReplaced,   // other fields: this line is used, the earlier one goes to *superseded
  };
  // Adds `enterprise`, decoded from line `line` (1-based) whose bytes are `raw`.
  Outcome Add(Enterprise enterprise, int64_t line, std::string_view raw, DeadLetter* superseded);

 private:
  struct Listed {
    int64_t line = 0;
    std::string raw;
  };
  std::string file_;
  EnterpriseRegistry* registry_;
  std::unordered_map<std::string, Listed> listed_;  // id -> the line its registry entry is from
};

// The fields in which `later` differs from `earlier`, e.g. "county_code 330102 -> 330106";
// empty when they are the same enterprise.
std::string EnterpriseDifferences(const Enterprise& earlier, const Enterprise& later);

}  // namespace fugong
