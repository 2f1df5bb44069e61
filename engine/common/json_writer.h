// The one way Fugong writes JSON: index records, dead letters, Kafka messages, HTTP answers,
// summaries. A fixed field order and locale-free numbers, so the same record always gives the
// same bytes (nlohmann::json sorts keys and formats doubles its own way), and it never throws:
// bytes that are not valid UTF-8 are written as U+FFFD, so anything that came from outside (a
// request path, a Kafka key, a file line) is safe to echo. nlohmann's dump() throws on invalid
// UTF-8, which is why nothing that Fugong emits goes through it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fugong {

class JsonWriter {
 public:
  // indent 0: compact, one line (records, messages). indent n: a member or element per line,
  // n spaces a level, as people read a summary file.
  explicit JsonWriter(int indent = 0) : indent_(indent) {}

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  JsonWriter& Key(std::string_view key);
  JsonWriter& String(std::string_view value);
  JsonWriter& Int(int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();
  // Text that is JSON already: a number formatted by FormatFixed, "null", or a whole record.
  JsonWriter& Raw(std::string_view text);
  // A number with `decimals` digits after the point ("null" when not finite).
  JsonWriter& Fixed(double value, int decimals);
  std::string Take() { return std::move(out_); }

 private:
  // Before a member or an element: the comma after the previous one, and its line when indented.
  void Separate();
  void Open(char bracket);
  void Close(char bracket);
  std::string out_;
  int indent_ = 0;
  int depth_ = 0;
  bool need_comma_ = false;
  bool after_key_ = false;       // a value follows its key on the same line
  bool container_empty_ = true;  // nothing written in the innermost object or array yet
};

// Appends `text` as a JSON string (quotes included). Control characters are escaped; invalid
// UTF-8 (stray continuation bytes, overlong forms, surrogates, truncated sequences) is replaced
// by U+FFFD (one for a bad byte and the continuation bytes after it), so the result is always
// valid JSON.
void AppendJsonEscaped(std::string_view text, std::string* out);
// As AppendJsonEscaped, but bytes that are not UTF-8 are kept as they are. Only for carrying
// someone else's bytes to a decoder that must judge them as they were (`fugong produce` replays a
// CSV line as a message, and the service must give it the verdict the backfill gives the line);
// never for what Fugong itself says.
void AppendJsonEscapedKeepingBytes(std::string_view text, std::string* out);
// `text` as a JSON string.
std::string JsonString(std::string_view text);
// `{"error":message}` followed by a newline.
std::string JsonErrorBody(std::string_view message);

bool IsValidUtf8(std::string_view text);
// `text` with every invalid UTF-8 sequence replaced by U+FFFD, and control characters other
// than tab shown as \xNN: safe to print in a log line.
std::string PrintableText(std::string_view text);

std::string Base64(std::string_view bytes);

}  // namespace fugong
