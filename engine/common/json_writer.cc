#include "engine/common/json_writer.h"

#include <cmath>
#include <cstdio>

namespace fugong {

namespace {

constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";  // U+FFFD

// The length of the valid UTF-8 sequence that starts at s[i], or 0 when none does.
size_t Utf8SequenceLength(std::string_view s, size_t i) {
  const unsigned char c = static_cast<unsigned char>(s[i]);
  if (c < 0x80) return 1;
  size_t n;
  uint32_t cp;
  if ((c >> 5) == 0x6) {
    n = 1;
    cp = c & 0x1f;
  } else if ((c >> 4) == 0xe) {
    n = 2;
    cp = c & 0x0f;
  } else if ((c >> 3) == 0x1e) {
    n = 3;
    cp = c & 0x07;
  } else {
    return 0;
  }
  if (i + n >= s.size()) return 0;  // truncated sequence
  for (size_t k = 1; k <= n; ++k) {
    const unsigned char cc = static_cast<unsigned char>(s[i + k]);
    if ((cc >> 6) != 0x2) return 0;
    cp = (cp << 6) | (cc & 0x3f);
  }
  // Reject overlong forms, surrogates and values past U+10FFFF.
  if ((n == 1 && cp < 0x80) || (n == 2 && cp < 0x800) || (n == 3 && cp < 0x10000) ||
      (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    return 0;
  }
  return n + 1;
}

bool IsContinuationByte(char c) { return (static_cast<unsigned char>(c) >> 6) == 0x2; }

}  // namespace

void JsonWriter::Separate() {
  if (after_key_) {
    after_key_ = false;
    return;
  }
  if (need_comma_) out_.push_back(',');
  if (indent_ > 0 && depth_ > 0) {
    out_.push_back('\n');
    out_.append(static_cast<size_t>(depth_ * indent_), ' ');
  }
  container_empty_ = false;
}

void JsonWriter::Open(char bracket) {
  Separate();
  out_.push_back(bracket);
  ++depth_;
  need_comma_ = false;
  container_empty_ = true;
}

void JsonWriter::Close(char bracket) {
  --depth_;
  if (indent_ > 0 && !container_empty_) {
    out_.push_back('\n');
    out_.append(static_cast<size_t>(depth_ * indent_), ' ');
  }
  out_.push_back(bracket);
  need_comma_ = true;
  container_empty_ = false;
}

JsonWriter& JsonWriter::BeginObject() {
  Open('{');
  return *this;
}

JsonWriter& JsonWriter::EndObject() {
  Close('}');
  return *this;
}

JsonWriter& JsonWriter::BeginArray() {
  Open('[');
  return *this;
}

JsonWriter& JsonWriter::EndArray() {
  Close(']');
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view key) {
  Separate();
  AppendJsonEscaped(key, &out_);
  out_.push_back(':');
  if (indent_ > 0) out_.push_back(' ');
  need_comma_ = false;
  after_key_ = true;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  Separate();
  AppendJsonEscaped(value, &out_);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(int64_t value) { return Raw(std::to_string(value)); }

JsonWriter& JsonWriter::Bool(bool value) { return Raw(value ? "true" : "false"); }

JsonWriter& JsonWriter::Null() { return Raw("null"); }

JsonWriter& JsonWriter::Raw(std::string_view text) {
  Separate();
  out_.append(text);
  need_comma_ = true;
  return *this;
}

JsonWriter& JsonWriter::Fixed(double value, int decimals) {
  if (!std::isfinite(value)) return Null();
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, value);
  return Raw(buf);
}

namespace {

// Copies `text` to `out`: each ASCII byte through on_ascii(c), valid multi-byte UTF-8 sequences
// as they are, and invalid bytes as U+FFFD (a bad byte and the continuation bytes after it) or,
// with keep_invalid_bytes, byte for byte.
template <typename OnAscii>
void CopyUtf8(std::string_view text, bool keep_invalid_bytes, std::string* out, OnAscii on_ascii) {
  size_t i = 0;
  while (i < text.size()) {
    const unsigned char c = static_cast<unsigned char>(text[i]);
    if (c < 0x80) {
      on_ascii(c);
      ++i;
      continue;
    }
    const size_t n = Utf8SequenceLength(text, i);
    if (n > 0) {
      out->append(text.substr(i, n));
      i += n;
    } else if (keep_invalid_bytes) {
      out->push_back(static_cast<char>(c));
      ++i;
    } else {
      out->append(kReplacementCharacter);
      ++i;
      while (i < text.size() && IsContinuationByte(text[i])) ++i;
    }
  }
}

void AppendHex(const char* format, unsigned char c, std::string* out) {
  char buf[8];
  std::snprintf(buf, sizeof buf, format, c);
  out->append(buf);
}

void AppendEscaped(std::string_view text, bool keep_invalid_bytes, std::string* out) {
  out->push_back('"');
  CopyUtf8(text, keep_invalid_bytes, out, [out](unsigned char c) {
    switch (c) {
      case '"':
        out->append("\\\"");
        break;
      case '\\':
        out->append("\\\\");
        break;
      case '\n':
        out->append("\\n");
        break;
      case '\r':
        out->append("\\r");
        break;
      case '\t':
        out->append("\\t");
        break;
      default:
        if (c < 0x20) {
          AppendHex("\\u%04x", c, out);
        } else {
          out->push_back(static_cast<char>(c));
        }
    }
  });
  out->push_back('"');
}

}  // namespace

void AppendJsonEscaped(std::string_view text, std::string* out) {
  AppendEscaped(text, /*keep_invalid_bytes=*/false, out);
}

void AppendJsonEscapedKeepingBytes(std::string_view text, std::string* out) {
  AppendEscaped(text, /*keep_invalid_bytes=*/true, out);
}

std::string JsonString(std::string_view text) {
  std::string out;
  AppendJsonEscaped(text, &out);
  return out;
}

std::string JsonErrorBody(std::string_view message) {
  return JsonWriter().BeginObject().Key("error").String(message).EndObject().Take() + "\n";
}

bool IsValidUtf8(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const size_t n = Utf8SequenceLength(s, i);
    if (n == 0) return false;
    i += n;
  }
  return true;
}

std::string PrintableText(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  CopyUtf8(text, /*keep_invalid_bytes=*/false, &out, [&out](unsigned char c) {
    if ((c < 0x20 && c != '\t') || c == 0x7f) {
      AppendHex("\\x%02x", c, &out);
    } else {
      out.push_back(static_cast<char>(c));
    }
  });
  return out;
}

std::string Base64(std::string_view bytes) {
  static const char kAlphabet[] =
      "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
  std::string out;
  size_t i = 0;
  for (; i + 2 < bytes.size(); i += 3) {
    const uint32_t v = (static_cast<unsigned char>(bytes[i]) << 16) |
                       (static_cast<unsigned char>(bytes[i + 1]) << 8) |
                       static_cast<unsigned char>(bytes[i + 2]);
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(kAlphabet[(v >> 6) & 63]);
    out.push_back(kAlphabet[v & 63]);
  }
  if (i < bytes.size()) {
    uint32_t v = static_cast<unsigned char>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) v |= static_cast<unsigned char>(bytes[i + 1]) << 8;
    out.push_back(kAlphabet[v >> 18]);
    out.push_back(kAlphabet[(v >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kAlphabet[(v >> 6) & 63] : '=');
    out.push_back('=');
  }
  return out;
}

}  // namespace fugong
