// Decodes enterprise records (`enterprise_id, county_code, industry, scale, tags, active_from,
// active_to`; the last three columns optional) against the region and industry tables.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/model/enterprise.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

// The text of an enterprise record's fields, from a CSV line or a JSON message. An optional field
// is nullopt when the header has no such column (or the message no such field).
struct EnterpriseFieldText {
  std::string_view enterprise_id;
  std::string_view county_code;
  std::string_view industry;
  std::string_view scale;
  std::optional<std::string_view> tags;
  std::optional<std::string_view> active_from;
  std::optional<std::string_view> active_to;
};

// The field checks shared by the CSV and JSON decoders, so that a line and the message `fugong
// produce` makes of it get the same verdict. Spaces around each field are ignored.
bool DecodeEnterpriseFields(const EnterpriseFieldText& text, const RegionTable& regions,
                            const IndustryTable& industries, Enterprise* out, DecodeError* error);

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

struct WeatherRow {
  std::string county;
  Day day;
  double temp_mean_c;
};

// The weather field checks shared by the CSV and JSON decoders (all failures are bad_weather).
// Spaces around each field are ignored.
bool DecodeWeatherFields(std::string_view county_code, std::string_view date,
                         std::string_view temp_mean_c, const RegionTable& regions, WeatherRow* out,
                         DecodeError* error);

// Decodes weather records (`county_code, date, temp_mean_c`).
class WeatherCsvDecoder {
 public:
  static Result<WeatherCsvDecoder> FromHeader(std::string_view header_line,
                                              const RegionTable* regions);
  using Row = WeatherRow;
  bool Decode(std::string_view line, Row* out, DecodeError* error);

 private:
  const RegionTable* regions_ = nullptr;
  int county_ = -1, date_ = -1, temp_ = -1;
  size_t columns_ = 0;
  std::vector<std::string> fields_;
};

}  // namespace fugong
