// Decodes enterprise records (`enterprise_id, county_code, industry, scale, tags, active_from,
// active_to`; the last three columns optional) against the region and industry tables.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/model/enterprise.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

class EnterpriseCsvDecoder {
 public:
  static Result<EnterpriseCsvDecoder> FromHeader(std::string_view header_line,
                                                 const RegionTable* regions,
                                                 const IndustryTable* industries);

  bool Decode(std::string_view line, Enterprise* out, DecodeError* error);

 private:
  const RegionTable* regions_ = nullptr;
  const IndustryTable* industries_ = nullptr;
  int id_ = -1, county_ = -1, industry_ = -1, scale_ = -1, tags_ = -1, from_ = -1, to_ = -1;
  size_t columns_ = 0;
  std::vector<std::string> fields_;
};

// Decodes weather records (`county_code, date, temp_mean_c`).
class WeatherCsvDecoder {
 public:
  static Result<WeatherCsvDecoder> FromHeader(std::string_view header_line,
                                              const RegionTable* regions);
  struct Row {
    std::string county;
    Day day;
    double temp_mean_c;
  };
  bool Decode(std::string_view line, Row* out, DecodeError* error);

 private:
  const RegionTable* regions_ = nullptr;
  int county_ = -1, date_ = -1, temp_ = -1;
  size_t columns_ = 0;
  std::vector<std::string> fields_;
};

}  // namespace fugong
