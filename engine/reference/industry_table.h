// SPEC's 15 industry categories (I01..I15) and the GB/T 4754-2017 mapping onto them.
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

struct IndustryCategory {
  std::string code;     // I01..I15
  std::string name;     // English, as in SPEC
  std::string name_zh;  // Chinese
};

class IndustryTable {
 public:
  // schemas/industries.csv and schemas/gbt4754_divisions.csv.
  static const IndustryTable& Standard();
  static Result<IndustryTable> Parse(std::string_view categories_csv,
                                     std::string_view divisions_csv);

  // Maps what an enterprise record says to a category: a category code (`I07`), a GB/T 4754
  // division (`34`, `C34`), class (`3411`, `C3411`) or a section letter that lies in one
  // category (`F`, but not `C`). Returns NotFound with the reason otherwise.
  Result<std::string> Classify(std::string_view industry) const;

  const IndustryCategory* Find(std::string_view code) const;
  const std::vector<IndustryCategory>& categories() const { return categories_; }

 private:
  std::vector<IndustryCategory> categories_;
  std::map<std::string, std::string, std::less<>> division_to_category_;  // "34" -> "I07"
  std::map<std::string, std::string, std::less<>> division_to_section_;   // "34" -> "C"
  std::map<std::string, std::string, std::less<>> section_to_category_;   // only unambiguous
};

}  // namespace fugong
