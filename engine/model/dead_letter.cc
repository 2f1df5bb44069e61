#include "engine/model/dead_letter.h"

#include "engine/common/json_writer.h"

namespace fugong {

std::string_view ReasonCode(DeadLetterReason reason) {
  static constexpr std::array<std::string_view, kDeadLetterReasonCount> kCodes = {
      "parse_error",
      "bad_timestamp",
      "ts_not_aligned",
      "future_timestamp",
      "bad_kwh",
      "negative_kwh",
      "non_finite_kwh",
      "kwh_above_max",
      "bad_kind",
      "register_not_midnight",
      "unknown_enterprise",
      "bad_enterprise",
      "unknown_county",
      "unknown_industry",
      "bad_weather",
      "wrong_type",
      "unknown_field",
      "missing_field",
      "duplicate_field",
      "message_too_large",
      "missing_key",
      "key_mismatch",
      "partition_gap",
      "internal_error",
      "conflicting_registry_line",
      "too_old",
      "bad_risk_level",
      "bad_date"};
  return kCodes[static_cast<size_t>(reason)];
}

namespace {

// `raw` if the bytes are valid UTF-8, else `raw_base64`: a dead letter is always valid JSON.
void WriteRawBytes(std::string_view bytes, JsonWriter* w) {
  if (IsValidUtf8(bytes)) {
    w->Key("raw").String(bytes);
  } else {
    w->Key("raw_base64").String(Base64(bytes));
  }
}

}  // namespace

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
  WriteRawBytes(letter.raw, &w);
  if (letter.superseded_by) {
    w.Key("superseded_by").BeginObject();
    w.Key("line").Int(letter.superseded_by->line);
    WriteRawBytes(letter.superseded_by->raw, &w);
    w.EndObject();
  }
  w.EndObject();
  return w.Take();
}

}  // namespace fugong
