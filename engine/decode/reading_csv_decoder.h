// Decodes readings CSV lines (`meter_id,enterprise_id,ts,kwh,kind`, columns in any order given by
// the file's header; `kind` optional). This is the hot path of a backfill: no allocation per
// line unless the line uses quotes.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/model/dead_letter.h"
#include "engine/model/reading.h"

namespace fugong {

struct DecodeError {
  DeadLetterReason reason;
  std::string detail;
};

class ReadingCsvDecoder {
 public:
  // Reads the column layout from the header line.
  static Result<ReadingCsvDecoder> FromHeader(std::string_view header_line);

  // Decodes one line (without its '\n'). On failure fills `error` and returns false.
  // The views in `out` point into `line` (or into this decoder for quoted lines).
  bool Decode(std::string_view line, Reading* out, DecodeError* error);

 private:
  int meter_ = -1, enterprise_ = -1, ts_ = -1, kwh_ = -1, kind_ = -1;
  int columns_ = 0;
  std::vector<std::string> quoted_fields_;
  std::vector<std::string_view> fields_;
};

// The field checks shared by the CSV and JSON decoders, so that a line and the message `fugong
// produce` makes of it get the same verdict: ids non-empty and free of control bytes
// (parse_error), ts (bad_timestamp), kwh (bad_kwh, negative_kwh, non_finite_kwh, kwh_above_max),
// kind (bad_kind; absent or empty is interval). The views in `out` are the arguments.
bool DecodeReadingFields(std::string_view meter_id, std::string_view enterprise_id,
                         std::string_view ts, std::string_view kwh,
                         std::optional<std::string_view> kind, Reading* out, DecodeError* error);

// Decodes `kind` text: empty or "interval", or "register".
bool ParseReadingKind(std::string_view text, ReadingKind* kind);
// Fills `error` from a failed ParseMicroKwh-style result for `text`; returns false if ok.
bool DecodeEnergy(std::string_view text, MicroKwh* out, DecodeError* error);
// Ids are non-empty, valid UTF-8 and free of control characters (they are used inside state
// keys, JSON records and Kafka keys).
bool IsValidId(std::string_view id);

}  // namespace fugong
