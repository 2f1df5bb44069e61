// Comparing two sets of index records (key -> record) with a readable failure message: how many
// differ, and the first few, instead of two dumps of thousands of records.
#pragma once

#include <gtest/gtest.h>

#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

namespace fugong::testing {

// The key `DATE|LEVEL|CODE` of an index record, read from its fields.
inline std::string IndexKeyOf(const std::string& record) {
  const nlohmann::json j = nlohmann::json::parse(record);
  return j["date"].get<std::string>() + "|" + j["level"].get<std::string>() + "|" +
         j["code"].get<std::string>();
}

inline  // Two record sets are equal; else says how many keys differ and shows the first few.
    void
    ExpectSameRecords(const std::map<std::string, std::string>& got,
                      const std::map<std::string, std::string>& want) {
  std::vector<std::string> diffs;
  for (const auto& [key, value] : want) {
    auto it = got.find(key);
    if (it == got.end()) {
      diffs.push_back("missing " + key);
    } else if (it->second != value) {
      diffs.push_back("differs " + key + "\n  got  " + it->second + "\n  want " + value);
    }
  }
  for (const auto& [key, value] : got) {
    if (!want.count(key)) diffs.push_back("extra " + key);
  }
  std::string shown;
  for (size_t i = 0; i < diffs.size() && i < 5; ++i) shown += diffs[i] + "\n";
  EXPECT_TRUE(diffs.empty()) << diffs.size() << " of " << want.size() << " records differ:\n"
                             << shown;
}

}  // namespace fugong::testing
