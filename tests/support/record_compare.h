// Index records as tests compare them: read from an index file into key -> record, with or without
// the wall-clock `computed_at`, and two such sets compared with a readable failure message (how
// many differ, and the first few, instead of two dumps of thousands of records).
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "tests/support/files.h"

namespace fugong::testing {

// The key `DATE|LEVEL|CODE` of an index record, read from its fields.
inline std::string IndexKeyOf(const std::string& record) {
  const nlohmann::json j = nlohmann::json::parse(record);
  return j["date"].get<std::string>() + "|" + j["level"].get<std::string>() + "|" +
         j["code"].get<std::string>();
}

// The record without its `computed_at` (which is wall-clock time).
inline std::string WithoutComputedAt(const std::string& record) {
  const size_t at = record.find(",\"computed_at\":");
  return at == std::string::npos ? record : record.substr(0, at) + "}";
}

// An index file (JSON lines) as key -> the whole line; a key written twice keeps its last line.
inline std::map<std::string, std::string> ReadIndexRecords(const std::filesystem::path& path) {
  std::map<std::string, std::string> records;
  for (const std::string& line : SplitLines(ReadFile(path))) records[IndexKeyOf(line)] = line;
  return records;
}

// An index file as key -> line without computed_at, to compare with another run's records.
inline std::map<std::string, std::string> ReadIndexRecordsWithoutComputedAt(
    const std::filesystem::path& path) {
  std::map<std::string, std::string> records;
  for (const std::string& line : SplitLines(ReadFile(path))) {
    records[IndexKeyOf(line)] = WithoutComputedAt(line);
  }
  return records;
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
