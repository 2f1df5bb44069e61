#include "engine/model/dead_letter.h"

#include "engine/common/json_writer.h"

namespace fugong {

std::string_view ReasonCode(DeadLetterReason reason) {
  static constexpr std::array<std::string_view, kDeadLetterReasonCount> kCodes = {
      "parse_error",    "bad_timestamp",         "ts_not_aligned",     "future_timestamp",
      "bad_kwh",        "negative_kwh",          "non_finite_kwh",     "kwh_above_max",
      "bad_kind",       "register_not_midnight", "unknown_enterprise", "bad_enterprise",
      "unknown_county", "unknown_industry",      "bad_weather",        "wrong_type",
      "unknown_field",  "missing_field",         "duplicate_field",    "message_too_large",
      "missing_key",    "key_mismatch",          "partition_gap",      "internal_error"};
  return kCodes[static_cast<size_t>(reason)];
}

std::string DeadLetterToJson(const DeadLetter& letter) {
  JsonWriter w;
  w.BeginObject();
  w.Key("reason").String(ReasonCode(letter.reason));
  w.Key("detail").String(letter.detail);
  w.Key("source").BeginObject();
  if (letter.origin.partition < 0) {
    w.Key("file").String(letter.origin.source);
    w.Key("line").Int(letter.origin.position);
  } else {
    w.Key("topic").String(letter.origin.source);
    w.Key("partition").Int(letter.origin.partition);
    w.Key("offset").Int(letter.origin.position);
  }
  w.EndObject();
  if (IsValidUtf8(letter.raw)) {
    w.Key("raw").String(letter.raw);
  } else {
    w.Key("raw_base64").String(Base64(letter.raw));
  }
  w.EndObject();
  return w.Take();
}

}  // namespace fugong
