// A minimal JSON writer with a fixed field order and locale-free numbers, so that the same
// record always gives the same bytes. (nlohmann::json sorts keys and formats doubles its own way.)
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fugong {

class JsonWriter {
 public:
  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // A number already formatted by FormatFixed (or "null").
  JsonWriter& Raw(std::string_view text);
  std::string Take() { return std::move(out_); }

 private:
  void Separate();
  std::string out_;
  bool need_comma_ = false;
};

void AppendJsonEscaped(std::string_view text, std::string* out);
bool IsValidUtf8(std::string_view text);
std::string Base64(std::string_view bytes);

}  // namespace fugong
