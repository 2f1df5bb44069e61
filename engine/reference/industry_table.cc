#include "engine/reference/industry_table.h"

#include <set>
#include <stdexcept>

#include "engine/reference/builtin_tables.h"
#include "engine/reference/csv_table.h"

namespace fugong {

Result<IndustryTable> IndustryTable::Parse(std::string_view categories_csv,
                                           std::string_view divisions_csv) {
  Result<CsvTable> cats = CsvTable::Parse(categories_csv, "industries.csv");
  if (!cats.ok()) return cats.status();
  Result<CsvTable> divs = CsvTable::Parse(divisions_csv, "gbt4754_divisions.csv");
  if (!divs.ok()) return divs.status();
  const int c_code = cats->Column("code"), c_name = cats->Column("name"),
            c_zh = cats->Column("name_zh");
  const int d_div = divs->Column("division"), d_sec = divs->Column("section"),
            d_cat = divs->Column("category");
  if (c_code < 0 || c_name < 0 || c_zh < 0 || d_div < 0 || d_sec < 0 || d_cat < 0) {
    return Status::InvalidArgument("industry tables lack required columns");
  }
  IndustryTable t;
  for (const auto& row : cats->rows())
    t.categories_.push_back({row[c_code], row[c_name], row[c_zh]});
  std::map<std::string, std::set<std::string>> section_categories;
  for (const auto& row : divs->rows()) {
    if (!t.Find(row[d_cat])) {
      return Status::InvalidArgument("division " + row[d_div] + " maps to unknown " + row[d_cat]);
    }
    t.division_to_category_[row[d_div]] = row[d_cat];
    t.division_to_section_[row[d_div]] = row[d_sec];
    section_categories[row[d_sec]].insert(row[d_cat]);
  }
  for (const auto& [section, set] : section_categories) {
    if (set.size() == 1) t.section_to_category_[section] = *set.begin();
  }
  return t;
}

const IndustryTable& IndustryTable::Standard() {
  static const IndustryTable* table = [] {
    Result<IndustryTable> t =
        Parse(BuiltinTable("industries.csv"), BuiltinTable("gbt4754_divisions.csv"));
    if (!t.ok()) throw std::logic_error("built-in industry tables: " + t.status().ToString());
    return new IndustryTable(std::move(t).value());
  }();
  return *table;
}

const IndustryCategory* IndustryTable::Find(std::string_view code) const {
  for (const auto& c : categories_) {
    if (c.code == code) return &c;
  }
  return nullptr;
}

Result<std::string> IndustryTable::Classify(std::string_view s) const {
  if (Find(s)) return std::string(s);
  std::string_view digits = s;
  std::string_view section;
  if (!s.empty() && s[0] >= 'A' && s[0] <= 'Z') {
    section = s.substr(0, 1);
    digits = s.substr(1);
  }
  if (digits.empty()) {
    auto it = section_to_category_.find(section);
    if (it != section_to_category_.end()) return it->second;
    return Status::NotFound("industry section " + std::string(s) +
                            " spans several categories; give a division such as C34");
  }
  bool all_digits = digits.size() >= 2 && digits.size() <= 4;
  for (char c : digits) all_digits = all_digits && c >= '0' && c <= '9';
  if (!all_digits) return Status::NotFound("not an industry code: " + std::string(s));
  const std::string division(digits.substr(0, 2));
  auto it = division_to_category_.find(division);
  if (it == division_to_category_.end()) {
    return Status::NotFound("unknown GB/T 4754 division " + division);
  }
  if (!section.empty() && division_to_section_.at(division) != section) {
    return Status::NotFound("division " + division + " is not in section " + std::string(section));
  }
  return it->second;
}

}  // namespace fugong
