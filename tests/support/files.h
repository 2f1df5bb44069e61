// Small file helpers shared by the tests that run the binary or read its outputs.
#pragma once

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>

namespace fugong::testing {

inline std::string ReadFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

inline std::vector<std::string> SplitLines(const std::string& text) {
  std::vector<std::string> lines;
  std::stringstream s(text);
  std::string line;
  while (std::getline(s, line)) lines.push_back(line);
  return lines;
}

// enterprise_id -> county_code of a generated enterprises.csv (its first two columns).
inline std::map<std::string, std::string> CountyOfEnterprises(const std::filesystem::path& csv) {
  std::map<std::string, std::string> county_of;
  for (const std::string& line : SplitLines(ReadFile(csv))) {
    const size_t comma = line.find(',');
    if (comma == std::string::npos || line.starts_with("enterprise_id")) continue;
    county_of[line.substr(0, comma)] =
        line.substr(comma + 1, line.find(',', comma + 1) - comma - 1);
  }
  return county_of;
}

}  // namespace fugong::testing
