// The regions that groups are summed over: counties (the leaves), their parents (cities) and
// grandparents (the province).
//
// The default table is Zhejiang's 90 county-level divisions as of February 2020
// (schemas/regions_zhejiang.csv). A user table has the columns `code, name, parent`; extra columns
// `name_pinyin, lon, lat` are optional and used only for drawing maps.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

struct Region {
  std::string code;
  std::string name;
  std::string name_pinyin;  // may be empty
  std::string parent;       // empty for the root
  std::optional<double> lon;
  std::optional<double> lat;
};

class RegionTable {
 public:
  static Result<RegionTable> Parse(std::string_view csv_text, const std::string& source);
  // Zhejiang, February 2020.
  static const RegionTable& Zhejiang();

  // nullptr when unknown.
  const Region* Find(std::string_view code) const;
  // Whether `code` names a county (a leaf whose parent and grandparent exist).
  bool IsCounty(std::string_view code) const;
  // The county's city (parent) and province (grandparent) codes.
  const std::string& CityOf(std::string_view county) const;
  const std::string& ProvinceOf(std::string_view county) const;

  // Counties, cities and provinces, each in code order.
  const std::vector<std::string>& counties() const { return counties_; }
  const std::vector<std::string>& cities() const { return cities_; }
  const std::vector<std::string>& provinces() const { return provinces_; }

 private:
  std::map<std::string, Region, std::less<>> regions_;
  std::vector<std::string> counties_;
  std::vector<std::string> cities_;
  std::vector<std::string> provinces_;
};

}  // namespace fugong
