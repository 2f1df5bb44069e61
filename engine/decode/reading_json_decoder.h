// Decodes readings messages of the streaming service: a compact JSON object keyed by enterprise_id
//   key   E000082
//   value {"meter_id":"M0000121","enterprise_id":"E000082","ts":"2020-01-20T00:15:00+08:00",
//          "kwh":1.250,"kind":"interval"}
// as `fugong produce` writes them (docs/kafka.md "Message formats"). The field values get the
// same checks as a CSV line's (DecodeReadingFields), so a stream and a backfill of one file reach
// the same verdicts; message-level faults are checked first (JsonRecordReader).
#pragma once

#include <cstddef>
#include <optional>
#include <string_view>

#include "engine/decode/json_record_reader.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/model/reading.h"

namespace fugong {

class ReadingJsonDecoder {
 public:
  explicit ReadingJsonDecoder(size_t max_message_bytes = 65536);

  // Decodes one message; `key` is nullopt for a message without a key. On failure fills `error`
  // and returns false. The views in `out` point into `value` or into this decoder (for strings
  // with escapes), valid until the next Decode.
  bool Decode(std::optional<std::string_view> key, std::string_view value, Reading* out,
              DecodeError* error);

 private:
  JsonRecordReader reader_;
};

}  // namespace fugong
