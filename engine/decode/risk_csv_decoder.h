// Decodes risk chart entries (`county_code, date, level`), the CSV of `fugong backfill --risk`.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/model/risk_level.h"
#include "engine/reference/region_table.h"

namespace fugong {

struct RiskRow {
  std::string county;
  Day day;
  RiskLevel level;
};

// The field checks shared by the CSV and JSON decoders: unknown_county, bad_date,
// bad_risk_level. Spaces around each field are ignored.
bool DecodeRiskFields(std::string_view county_code, std::string_view date, std::string_view level,
                      const RegionTable& regions, RiskRow* out, DecodeError* error);

class RiskCsvDecoder {
 public:
  static Result<RiskCsvDecoder> FromHeader(std::string_view header_line,
                                           const RegionTable* regions);
  using Row = RiskRow;
  bool Decode(std::string_view line, Row* out, DecodeError* error);

 private:
  const RegionTable* regions_ = nullptr;
  int county_ = -1, date_ = -1, level_ = -1;
  size_t columns_ = 0;
  std::vector<std::string> fields_;
};

}  // namespace fugong
