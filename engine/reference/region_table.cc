#include "engine/reference/region_table.h"

#include <algorithm>
#include <cstdlib>
#include <set>
#include <stdexcept>

#include "engine/reference/builtin_tables.h"
#include "engine/reference/csv_table.h"

namespace fugong {

Result<RegionTable> RegionTable::Parse(std::string_view csv_text, const std::string& source) {
  Result<CsvTable> csv = CsvTable::Parse(csv_text, source);
  if (!csv.ok()) return csv.status();
  const int c_code = csv->Column("code"), c_name = csv->Column("name"),
            c_parent = csv->Column("parent");
  if (c_code < 0 || c_name < 0 || c_parent < 0) {
    return Status::InvalidArgument(source + ": region table needs columns code, name, parent");
  }
  const int c_pinyin = csv->Column("name_pinyin"), c_lon = csv->Column("lon"),
            c_lat = csv->Column("lat");
  RegionTable table;
  for (size_t i = 0; i < csv->rows().size(); ++i) {
    const auto& row = csv->rows()[i];
    Region r;
    r.code = row[c_code];
    r.name = row[c_name];
    r.parent = row[c_parent];
    if (c_pinyin >= 0) r.name_pinyin = row[c_pinyin];
    if (c_lon >= 0 && !row[c_lon].empty()) r.lon = std::strtod(row[c_lon].c_str(), nullptr);
    if (c_lat >= 0 && !row[c_lat].empty()) r.lat = std::strtod(row[c_lat].c_str(), nullptr);
    if (r.code.empty()) {
      return Status::InvalidArgument(source + ":" + std::to_string(csv->LineOf(i)) +
                                     ": empty region code");
    }
    if (r.code.find_first_of("|:") != std::string::npos) {
      return Status::InvalidArgument(source + ": region code may not contain | or : (" + r.code +
                                     ")");
    }
    if (!table.regions_.emplace(r.code, r).second) {
      return Status::InvalidArgument(source + ": region " + r.code + " appears twice");
    }
  }
  std::set<std::string> has_children;
  for (const auto& [code, r] : table.regions_) {
    if (r.parent.empty()) continue;
    if (!table.regions_.count(r.parent)) {
      return Status::InvalidArgument(source + ": region " + code + " has unknown parent " +
                                     r.parent);
    }
    has_children.insert(r.parent);
  }
  std::set<std::string> cities, provinces;
  for (const auto& [code, r] : table.regions_) {
    if (has_children.count(code)) continue;  // not a leaf
    if (r.parent.empty()) continue;          // a lone root is not a county
    const Region& city = table.regions_.at(r.parent);
    if (city.parent.empty()) {
      return Status::InvalidArgument(source + ": county " + code +
                                     " needs a parent (city) and a grandparent (province)");
    }
    table.counties_.push_back(code);
    cities.insert(city.code);
    provinces.insert(city.parent);
  }
  if (table.counties_.empty()) return Status::InvalidArgument(source + ": no counties");
  table.cities_.assign(cities.begin(), cities.end());
  table.provinces_.assign(provinces.begin(), provinces.end());
  return table;
}

const RegionTable& RegionTable::Zhejiang() {
  static const RegionTable* table = [] {
    Result<RegionTable> t =
        Parse(BuiltinTable("regions_zhejiang.csv"), "schemas/regions_zhejiang.csv");
    if (!t.ok()) throw std::logic_error("built-in region table: " + t.status().ToString());
    return new RegionTable(std::move(t).value());
  }();
  return *table;
}

const Region* RegionTable::Find(std::string_view code) const {
  auto it = regions_.find(code);
  return it == regions_.end() ? nullptr : &it->second;
}

bool RegionTable::IsCounty(std::string_view code) const {
  return std::binary_search(counties_.begin(), counties_.end(), code);
}

const std::string& RegionTable::CityOf(std::string_view county) const {
  return Find(county)->parent;
}

const std::string& RegionTable::ProvinceOf(std::string_view county) const {
  return Find(CityOf(county))->parent;
}

}  // namespace fugong
