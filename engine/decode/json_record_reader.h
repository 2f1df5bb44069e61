// The message-level checks that every JSON record decoder (readings, enterprises, weather) makes
// before it looks at field values, so that all three topics dead-letter bad messages alike.
// Checked in this order, first failure wins:
//   message_too_large  the value is above the size limit
//   parse_error        the value is not one JSON object (malformed anywhere, or another type)
//   unknown_field      a member that is not a field of the kind
//   duplicate_field    a field named twice
//   missing_field      a required field absent
//   wrong_type         a field that is not a string (or, for a numeric field, a number or string)
//   missing_key        the message has no key
// After the fields are decoded, CheckKey() gives key_mismatch when the key differs from the key
// field's text.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "engine/decode/json_object_scanner.h"
#include "engine/decode/reading_csv_decoder.h"

namespace fugong {

struct JsonFieldSpec {
  std::string_view name;
  bool required;
  // kwh and temp_mean_c: a JSON number, or a string whose text is parsed as the CSV field's is
  // (`fugong produce` writes the file's text as a number when it is one, else as a string).
  bool numeric;
};

class JsonRecordReader {
 public:
  static constexpr size_t kMaxFields = 8;

  // `fields` (at most kMaxFields) must outlive the reader; `key_field` indexes it.
  JsonRecordReader(std::span<const JsonFieldSpec> fields, size_t key_field,
                   size_t max_message_bytes);

  // Scans one message and makes the checks above. Field texts are valid until the next Read.
  bool Read(std::optional<std::string_view> key, std::string_view value, DecodeError* error);

  // The text of field `i` of the last Read (strings unescaped, numbers as written); nullopt when
  // the message does not have it.
  std::optional<std::string_view> field(size_t i) const {
    if ((present_ >> i & 1) == 0) return std::nullopt;
    return text(i);
  }
  // Only for required fields, which Read guarantees present.
  std::string_view required(size_t i) const { return text(i); }

  // key_mismatch unless `key` equals the key field's text byte for byte.
  bool CheckKey(std::string_view key, DecodeError* error) const {
    return key == text(key_field_) || KeyMismatch(key, error);
  }

 private:
  // Names longer than this are never fields (and are not looked up).
  static constexpr size_t kMaxNameLength = 31;

  // The index of the field called `name`, or -1.
  int FieldIndex(std::string_view name) const;
  bool KeyMismatch(std::string_view key, DecodeError* error) const;

  std::span<const JsonFieldSpec> fields_;
  // Bit i of [n] is set when field i's name has n bytes: a member's name is compared only with
  // the names of its length (most often one), without a library call.
  std::array<uint32_t, kMaxNameLength + 1> fields_of_length_{};
  size_t key_field_;
  size_t max_message_bytes_;
  uint32_t required_mask_ = 0;
  JsonObjectScanner scanner_;
  std::string_view text(size_t i) const { return std::string_view(text_data_[i], text_size_[i]); }
  // The texts of the fields, as pointers and sizes apart (see Read).
  std::array<const char*, kMaxFields> text_data_{};
  std::array<size_t, kMaxFields> text_size_{};
  std::array<JsonKind, kMaxFields> kind_{};
  uint32_t present_ = 0;
};

}  // namespace fugong
