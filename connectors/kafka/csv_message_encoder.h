// Turns CSV data lines into Kafka messages: a key (the record's partitioning field) and a
// compact JSON object of the record's fields. A reading is keyed by its enterprise_id:
//   {"meter_id":"M1","enterprise_id":"E1","ts":"2020-02-16T00:15:00+08:00","kwh":1.25,
//    "kind":"interval"}                                                  (on one line)
// Field values keep the file's text: strings are JSON-escaped bytes, and a numeric field (kwh,
// temp_mean_c) is written as a JSON number with its original digits when its text is one,
// otherwise as a JSON string of that text, so that the consumer reaches the same verdict as a
// backfill of the file (a kwh of "abc" is bad_kwh either way, never a JSON syntax error).
// A line that does not split into the header's fields becomes a raw message: no key, the
// line's bytes as value, for the consumer to dead-letter as parse_error with its original bytes.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

// What a topic carries; decides the fields, their order and the key.
enum class TopicRecordKind { kReadings, kEnterprises, kWeather, kRisk };

bool ParseTopicRecordKind(std::string_view text, TopicRecordKind* kind);
std::string_view TopicRecordKindName(TopicRecordKind kind);

class CsvMessageEncoder {
 public:
  // Reads the column layout from the header line; InvalidArgument when a required column of
  // the kind is missing (the engine's CSV decoders require the same ones).
  static Result<CsvMessageEncoder> FromHeader(TopicRecordKind kind, std::string_view header_line);

  struct Message {
    std::string_view key;  // views valid until the next Encode
    std::string_view value;
    bool raw = false;  // true: the value is the line itself, and there is no key
  };
  // Encodes one data line (without its '\n').
  Message Encode(std::string_view line);

  // Header columns that are not fields of the kind and are left out of the messages (a
  // consumer dead-letters unknown fields).
  const std::vector<std::string>& ignored_columns() const { return ignored_; }

 private:
  struct Field {
    std::string_view name;  // points to a string literal
    int column = -1;
    bool numeric = false;
  };

  std::vector<Field> fields_;  // in output order, present columns only
  int key_column_ = -1;
  int columns_ = 0;
  std::vector<std::string> ignored_;
  std::vector<std::string_view> views_;
  std::vector<std::string> quoted_;
  std::string value_;
};

// Whether `text` is a number in JSON's grammar (-?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?).
bool IsJsonNumber(std::string_view text);

}  // namespace fugong
