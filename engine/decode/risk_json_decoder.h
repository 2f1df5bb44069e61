// Decodes risk chart messages of the `fugong.risk` topic, keyed by county_code:
//   {"county_code":"330102","date":"2020-02-09","level":"high"}
// The field values get the same checks as a CSV line's (DecodeRiskFields); message-level faults
// are checked first (JsonRecordReader).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/decode/json_record_reader.h"
#include "engine/decode/risk_csv_decoder.h"
#include "engine/reference/region_table.h"

namespace fugong {

class RiskJsonDecoder {
 public:
  // The table must outlive the decoder.
  explicit RiskJsonDecoder(const RegionTable* regions, size_t max_message_bytes = 65536);

  // Decodes one message; `key` is nullopt for a message without a key. The key must equal the
  // county_code field as sent.
  bool Decode(std::optional<std::string_view> key, std::string_view value, RiskRow* out,
              DecodeError* error);

 private:
  const RegionTable* regions_;
  JsonRecordReader reader_;
};

}  // namespace fugong
