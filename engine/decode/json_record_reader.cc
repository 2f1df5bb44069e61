#include "engine/decode/json_record_reader.h"

#include <bit>
#include <string>

namespace fugong {

namespace {

// Message text quoted in a detail, cut short: a detail is for a person, and a message may be
// 64 KiB of nested arrays.
std::string Excerpt(std::string_view text) {
  constexpr size_t kMax = 64;
  if (text.size() <= kMax) return std::string(text);
  return std::string(text.substr(0, kMax)) + "...";
}

}  // namespace

JsonRecordReader::JsonRecordReader(std::span<const JsonFieldSpec> fields, size_t key_field,
                                   size_t max_message_bytes)
    : fields_(fields), key_field_(key_field), max_message_bytes_(max_message_bytes) {
  for (size_t i = 0; i < fields_.size() && i < kMaxFields; ++i) {
    if (fields_[i].required) required_mask_ |= uint32_t{1} << i;
    if (fields_[i].name.size() <= kMaxNameLength) {
      fields_of_length_[fields_[i].name.size()] |= uint32_t{1} << i;
    }
  }
}

inline int JsonRecordReader::FieldIndex(std::string_view name) const {
  if (name.size() > kMaxNameLength) return -1;
  for (uint32_t candidates = fields_of_length_[name.size()]; candidates != 0;
       candidates &= candidates - 1) {
    const int i = std::countr_zero(candidates);
    const char* expected = fields_[i].name.data();
    size_t k = 0;
    while (k < name.size() && name[k] == expected[k]) ++k;
    if (k == name.size()) return i;
  }
  return -1;
}

bool JsonRecordReader::Read(std::optional<std::string_view> key, std::string_view value,
                            DecodeError* error) {
  if (value.size() > max_message_bytes_) {
    *error = {DeadLetterReason::kMessageTooLarge, "message of " + std::to_string(value.size()) +
                                                      " bytes is above the limit of " +
                                                      std::to_string(max_message_bytes_)};
    return false;
  }
  present_ = 0;
  // The first unknown and the first repeated name; reported only once the whole message is
  // known to be JSON, so that a malformed message is always parse_error.
  std::optional<std::string_view> unknown, duplicate;
  scanner_.Reset(value);
  JsonMember member;
  while (true) {
    const JsonObjectScanner::Step step = scanner_.Next(&member);
    if (step == JsonObjectScanner::Step::kEnd) break;
    if (step == JsonObjectScanner::Step::kError) {
      *error = {DeadLetterReason::kParseError, std::string("not a JSON object: ") +
                                                   scanner_.error() + " at byte " +
                                                   std::to_string(scanner_.error_offset())};
      return false;
    }
    const int i = FieldIndex(member.name);
    if (i < 0) {
      if (!unknown) unknown = member.name;
      continue;
    }
    if (present_ >> i & 1) {
      if (!duplicate) duplicate = member.name;
      continue;
    }
    present_ |= uint32_t{1} << i;
    // Word by word: the scanner stored these as two words, and reading them back as one wider
    // load would stall on store forwarding (measured: a third of this loop's time).
    text_data_[i] = member.text.data();
    text_size_[i] = member.text.size();
    kind_[i] = member.kind;
  }
  if (unknown) {
    *error = {DeadLetterReason::kUnknownField, "unknown field '" + Excerpt(*unknown) + "'"};
    return false;
  }
  if (duplicate) {
    *error = {DeadLetterReason::kDuplicateField, "field '" + std::string(*duplicate) + "' twice"};
    return false;
  }
  if ((present_ & required_mask_) != required_mask_) {
    for (size_t i = 0; i < fields_.size(); ++i) {
      if ((required_mask_ & ~present_) >> i & 1) {
        *error = {DeadLetterReason::kMissingField,
                  "missing field '" + std::string(fields_[i].name) + "'"};
        return false;
      }
    }
  }
  for (size_t i = 0; i < fields_.size(); ++i) {
    if ((present_ >> i & 1) == 0 || kind_[i] == JsonKind::kString) continue;
    if (kind_[i] == JsonKind::kNumber && fields_[i].numeric) continue;
    *error = {DeadLetterReason::kWrongType,
              std::string(fields_[i].name) +
                  (fields_[i].numeric ? " must be a number or a string" : " must be a string") +
                  ", got " + Excerpt(text(i))};
    return false;
  }
  if (!key) {
    *error = {DeadLetterReason::kMissingKey, "message has no key"};
    return false;
  }
  return true;
}

bool JsonRecordReader::KeyMismatch(std::string_view key, DecodeError* error) const {
  *error = {DeadLetterReason::kKeyMismatch, "key '" + Excerpt(key) + "' differs from " +
                                                std::string(fields_[key_field_].name) + " '" +
                                                Excerpt(text(key_field_)) + "'"};
  return false;
}

}  // namespace fugong
