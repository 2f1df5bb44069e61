#include "connectors/kafka/csv_message_encoder.h"

#include <algorithm>

#include "engine/common/json_writer.h"
#include "engine/reference/csv_table.h"

namespace fugong {

namespace {

struct FieldSchema {
  std::string_view name;
  bool required;
  bool numeric;
};

// The fields of each kind in message order (SPEC "Inputs").
constexpr FieldSchema kReadingFields[] = {{"meter_id", true, false},
                                          {"enterprise_id", true, false},
                                          {"ts", true, false},
                                          {"kwh", true, true},
                                          {"kind", false, false}};
constexpr FieldSchema kEnterpriseFields[] = {
    {"enterprise_id", true, false}, {"county_code", true, false}, {"industry", true, false},
    {"scale", true, false},         {"tags", false, false},       {"active_from", false, false},
    {"active_to", false, false}};
constexpr FieldSchema kWeatherFields[] = {
    {"county_code", true, false}, {"date", true, false}, {"temp_mean_c", true, true}};
constexpr FieldSchema kRiskFields[] = {
    {"county_code", true, false}, {"date", true, false}, {"level", true, false}};

std::string_view KeyField(TopicRecordKind kind) {
  const bool by_county = kind == TopicRecordKind::kWeather || kind == TopicRecordKind::kRisk;
  return by_county ? "county_code" : "enterprise_id";
}

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

}  // namespace

bool ParseTopicRecordKind(std::string_view text, TopicRecordKind* kind) {
  if (text == "readings") {
    *kind = TopicRecordKind::kReadings;
  } else if (text == "enterprises") {
    *kind = TopicRecordKind::kEnterprises;
  } else if (text == "weather") {
    *kind = TopicRecordKind::kWeather;
  } else if (text == "risk") {
    *kind = TopicRecordKind::kRisk;
  } else {
    return false;
  }
  return true;
}

std::string_view TopicRecordKindName(TopicRecordKind kind) {
  switch (kind) {
    case TopicRecordKind::kReadings:
      return "readings";
    case TopicRecordKind::kEnterprises:
      return "enterprises";
    case TopicRecordKind::kWeather:
      return "weather";
    case TopicRecordKind::kRisk:
      return "risk";
  }
  return "?";
}

bool IsJsonNumber(std::string_view s) {
  size_t i = 0;
  const size_t n = s.size();
  if (i < n && s[i] == '-') ++i;
  if (i >= n) return false;
  if (s[i] == '0') {
    ++i;
  } else if (IsDigit(s[i])) {
    while (i < n && IsDigit(s[i])) ++i;
  } else {
    return false;
  }
  if (i < n && s[i] == '.') {
    ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  if (i < n && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < n && (s[i] == '+' || s[i] == '-')) ++i;
    if (i >= n || !IsDigit(s[i])) return false;
    while (i < n && IsDigit(s[i])) ++i;
  }
  return i == n;
}

Result<CsvMessageEncoder> CsvMessageEncoder::FromHeader(TopicRecordKind kind,
                                                        std::string_view header_line) {
  if (header_line.substr(0, 3) == "\xEF\xBB\xBF") header_line.remove_prefix(3);
  while (!header_line.empty() && (header_line.back() == '\r' || header_line.back() == '\n')) {
    header_line.remove_suffix(1);
  }
  std::vector<std::string> names;
  if (!SplitCsvLine(header_line, ',', &names)) {
    return Status::InvalidArgument("bad CSV header (unterminated quote): " +
                                   std::string(header_line));
  }
  // The engine's decoders accept names padded with spaces; so does this.
  for (std::string& name : names) {
    name.erase(0, name.find_first_not_of(' '));
    name.erase(name.find_last_not_of(' ') + 1);
  }
  const FieldSchema* schema = kReadingFields;
  size_t schema_size = std::size(kReadingFields);
  if (kind == TopicRecordKind::kEnterprises) {
    schema = kEnterpriseFields;
    schema_size = std::size(kEnterpriseFields);
  } else if (kind == TopicRecordKind::kWeather) {
    schema = kWeatherFields;
    schema_size = std::size(kWeatherFields);
  } else if (kind == TopicRecordKind::kRisk) {
    schema = kRiskFields;
    schema_size = std::size(kRiskFields);
  }
  CsvMessageEncoder encoder;
  encoder.columns_ = static_cast<int>(names.size());
  std::string missing;
  for (size_t f = 0; f < schema_size; ++f) {
    const auto it = std::find(names.begin(), names.end(), schema[f].name);
    if (it == names.end()) {
      if (schema[f].required) {
        missing += (missing.empty() ? "" : ", ") + std::string(schema[f].name);
      }
      continue;
    }
    const int column = static_cast<int>(it - names.begin());
    encoder.fields_.push_back({schema[f].name, column, schema[f].numeric});
    if (schema[f].name == KeyField(kind)) encoder.key_column_ = column;
  }
  if (!missing.empty()) {
    return Status::InvalidArgument(std::string(TopicRecordKindName(kind)) +
                                   " header lacks column(s) " + missing +
                                   "; got: " + std::string(header_line));
  }
  for (const std::string& name : names) {
    const bool known = std::any_of(encoder.fields_.begin(), encoder.fields_.end(),
                                   [&](const Field& f) { return f.name == name; });
    if (!known) encoder.ignored_.push_back(name);
  }
  encoder.views_.resize(names.size());
  return encoder;
}

CsvMessageEncoder::Message CsvMessageEncoder::Encode(std::string_view line) {
  std::string_view text = line;
  if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
  int n = 0;
  if (text.find('"') == std::string_view::npos) {
    // The common case: plain commas, fields viewed in place.
    size_t start = 0;
    while (true) {
      if (n == columns_) {
        n = columns_ + 1;  // more fields than the header
        break;
      }
      const size_t comma = text.find(',', start);
      if (comma == std::string_view::npos) {
        views_[n++] = text.substr(start);
        break;
      }
      views_[n++] = text.substr(start, comma - start);
      start = comma + 1;
    }
  } else if (SplitCsvLine(text, ',', &quoted_)) {
    n = static_cast<int>(quoted_.size());
    if (n == columns_) {
      for (int i = 0; i < n; ++i) views_[i] = quoted_[i];
    }
  } else {
    n = -1;  // unterminated quote
  }
  if (n != columns_) return Message{{}, line, true};

  value_.clear();
  value_.push_back('{');
  for (const Field& field : fields_) {
    if (value_.size() > 1) value_.push_back(',');
    value_.push_back('"');
    value_.append(field.name);
    value_.append("\":");
    const std::string_view v = views_[field.column];
    if (field.numeric && IsJsonNumber(v)) {
      value_.append(v);
    } else {
      // The line's own bytes, invalid UTF-8 included: the service must see what the backfill
      // sees, so both give the record the same verdict.
      AppendJsonEscapedKeepingBytes(v, &value_);
    }
  }
  value_.push_back('}');
  return Message{views_[key_column_], value_, false};
}

}  // namespace fugong
