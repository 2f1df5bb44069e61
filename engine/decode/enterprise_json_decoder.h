// Decodes enterprise messages of the compacted enterprises topic, keyed by enterprise_id:
//   {"enterprise_id":"E1","county_code":"330102","industry":"C36","scale":"above",
//    "tags":"foreign_trade;ecommerce","active_from":"2019-01-01","active_to":""}
// (tags, active_from, active_to optional; all fields JSON strings). The field values get the same
// checks as a CSV line's (DecodeEnterpriseFields); message-level faults are checked first
// (JsonRecordReader).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/decode/enterprise_csv_decoder.h"
#include "engine/decode/json_record_reader.h"
#include "engine/model/enterprise.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {

class EnterpriseJsonDecoder {
 public:
  // The tables must outlive the decoder.
  EnterpriseJsonDecoder(const RegionTable* regions, const IndustryTable* industries,
                        size_t max_message_bytes = 65536);

  // Decodes one message; `key` is nullopt for a message without a key. The key must equal the
  // enterprise_id field as sent (before the spaces around it are dropped).
  bool Decode(std::optional<std::string_view> key, std::string_view value, Enterprise* out,
              DecodeError* error);

 private:
  const RegionTable* regions_;
  const IndustryTable* industries_;
  JsonRecordReader reader_;
};

}  // namespace fugong
