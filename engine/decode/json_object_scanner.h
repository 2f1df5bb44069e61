// Scans one flat JSON object (a Kafka message value) member by member, without building a DOM.
// The streaming hot path decodes every reading through this, so it allocates nothing unless a
// string has escapes (and then only to grow a buffer it keeps), and checks the whole of RFC 8259's
// grammar as it goes: a message either scans to the end or is reported malformed.
//
//   JsonObjectScanner s;
//   s.Reset(R"({"a":"x","b":1.50,"c":[1,{}]})");
//   JsonMember m;
//   while (s.Next(&m) == JsonObjectScanner::Step::kMember) { ... }  // then kEnd or kError
//
// Bytes of strings are passed through as they are (not checked to be UTF-8): the values are the
// bytes of CSV fields, which a backfill takes as they are too.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace fugong {

enum class JsonKind : uint8_t {
  kString,  // text is the unescaped value
  kNumber,  // text is the number exactly as written (`1.250`, `3.5e2`)
  kOther,   // object, array, true, false or null; text is its source text
};

struct JsonMember {
  std::string_view name;  // unescaped
  JsonKind kind = JsonKind::kOther;
  std::string_view text;
};

class JsonObjectScanner {
 public:
  enum class Step : uint8_t {
    kMember,  // *member is the next member
    kEnd,     // the object closed and only whitespace follows it
    kError,   // malformed or not an object: see error() and error_offset()
  };

  // Starts on `json`, which must outlive the scan. Views handed out by Next() point into `json`
  // or into this scanner, and stay valid until the next Reset().
  void Reset(std::string_view json);

  Step Next(JsonMember* member);

  // Why the scan failed (a static string), and the byte offset where it did.
  const char* error() const { return error_; }
  size_t error_offset() const { return error_offset_; }

 private:
  enum class State : uint8_t { kStart, kInObject, kDone, kFailed };

  Step Fail(const char* p, const char* why);
  const char* SkipWhitespace(const char* p) const;
  const char* ScanString(const char* open);
  const char* ScanNumber(const char* p);
  bool ScanLiteral(const char** p);
  bool SkipContainer(const char** p);
  std::string_view Unescape(std::string_view raw);
  const char* ReadString(const char* open, std::string_view* out);
  Step Finish(const char* p);

  const char* begin_ = nullptr;
  const char* end_ = nullptr;
  const char* pos_ = nullptr;
  State state_ = State::kDone;
  bool escaped_ = false;  // whether the string ScanString last checked has escapes
  const char* error_ = "";
  size_t error_offset_ = 0;
  // Unescaped strings of the current object. Sized to the whole input at the first escape, which
  // bounds everything the object's strings can unescape to, so earlier views never move.
  std::string scratch_;
  size_t scratch_used_ = 0;
};

}  // namespace fugong
