// Decodes weather messages, keyed by county_code:
//   {"county_code":"330102","date":"2020-02-16","temp_mean_c":-3.5}
// (temp_mean_c a JSON number, or a string of the file's text when it is not one). The field
// values get the same checks as a CSV line's (DecodeWeatherFields); message-level faults are
// checked first (JsonRecordReader).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/decode/enterprise_csv_decoder.h"
#include "engine/decode/json_record_reader.h"
#include "engine/reference/region_table.h"

namespace fugong {

class WeatherJsonDecoder {
 public:
  // The table must outlive the decoder.
  explicit WeatherJsonDecoder(const RegionTable* regions, size_t max_message_bytes = 65536);

  // Decodes one message; `key` is nullopt for a message without a key. The key must equal the
  // county_code field as sent.
  bool Decode(std::optional<std::string_view> key, std::string_view value, WeatherRow* out,
              DecodeError* error);

 private:
  const RegionTable* regions_;
  JsonRecordReader reader_;
};

}  // namespace fugong
