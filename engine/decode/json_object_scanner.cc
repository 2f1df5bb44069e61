#include "engine/decode/json_object_scanner.h"

#include <array>
#include <bit>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fugong {

namespace {

// Bytes that end the fast run through a string: the closing quote, an escape, a control byte
// (which JSON forbids raw inside strings).
constexpr std::array<bool, 256> kStringStop = [] {
  std::array<bool, 256> t{};
  for (int c = 0; c < 0x20; ++c) t[c] = true;
  t['"'] = true;
  t['\\'] = true;
  return t;
}();

// Eight bytes at a time: a mask with the high bit set in each byte that is a quote, a backslash
// or below 0x20. (A byte can also be flagged wrongly, but only above a truly flagged one, by the
// borrow of the subtraction; the lowest flag is always right, and that is the only one used.)
constexpr uint64_t kOnes = 0x0101010101010101ULL;
constexpr uint64_t kHighs = 0x8080808080808080ULL;
inline uint64_t StopBytes(const char* p) {
  uint64_t v;
  std::memcpy(&v, p, 8);
  const uint64_t quote = v ^ (kOnes * '"');
  const uint64_t backslash = v ^ (kOnes * '\\');
  return (((quote - kOnes) & ~quote) | ((backslash - kOnes) & ~backslash) |
          ((v - kOnes * 0x20) & ~v)) &
         kHighs;
}

#if defined(__SSE2__)
// The same for sixteen bytes, one bit per byte: most names and values of a reading end within
// one such step, so the loop's exit is predictable.
inline uint32_t StopBytes16(const char* p) {
  const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
  const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
  const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
  const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);  // v <= 0x1F
  return static_cast<uint32_t>(
      _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
}
#endif

// Containers nested deeper than this are refused rather than followed: the depth is kept in a
// fixed bit stack, so a hostile message cannot make the scanner allocate or recurse.
constexpr int kMaxDepth = 1024;

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// Reads the 4 hex digits at p (bounds checked by the caller).
bool Hex4(const char* p, uint32_t* out) {
  uint32_t v = 0;
  for (int i = 0; i < 4; ++i) {
    const int h = HexValue(p[i]);
    if (h < 0) return false;
    v = v << 4 | static_cast<uint32_t>(h);
  }
  *out = v;
  return true;
}

char* AppendUtf8(uint32_t cp, char* o) {
  if (cp < 0x80) {
    *o++ = static_cast<char>(cp);
  } else if (cp < 0x800) {
    *o++ = static_cast<char>(0xC0 | cp >> 6);
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    *o++ = static_cast<char>(0xE0 | cp >> 12);
    *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    *o++ = static_cast<char>(0xF0 | cp >> 18);
    *o++ = static_cast<char>(0x80 | (cp >> 12 & 0x3F));
    *o++ = static_cast<char>(0x80 | (cp >> 6 & 0x3F));
    *o++ = static_cast<char>(0x80 | (cp & 0x3F));
  }
  return o;
}

}  // namespace

void JsonObjectScanner::Reset(std::string_view json) {
  begin_ = json.data();
  end_ = json.data() + json.size();
  pos_ = begin_;
  state_ = State::kStart;
  error_ = "";
  error_offset_ = 0;
  scratch_used_ = 0;
}

JsonObjectScanner::Step JsonObjectScanner::Fail(const char* p, const char* why) {
  error_ = why;
  error_offset_ = static_cast<size_t>(p - begin_);
  state_ = State::kFailed;
  return Step::kError;
}

const char* JsonObjectScanner::SkipWhitespace(const char* p) const {
  // Compact JSON has none: one comparison says so.
  while (p != end_ && static_cast<unsigned char>(*p) <= ' ' &&
         (*p == ' ' || *p == '\n' || *p == '\r' || *p == '\t')) {
    ++p;
  }
  return p;
}

// `open` is at the opening quote. Checks the string and returns where its closing quote is, or
// nullptr; escaped_ says whether it has escapes. (Positions are returned, not string_views written
// through pointers: a view stored as two words and read back as one stalls store forwarding,
// which once cost this scanner half its time.)
const char* JsonObjectScanner::ScanString(const char* open) {
  const char* q = open + 1;
  escaped_ = false;
  while (true) {
#if defined(__SSE2__)
    while (end_ - q >= 16) {
      const uint32_t stops = StopBytes16(q);
      if (stops != 0) {
        q += std::countr_zero(stops);
        goto stop;
      }
      q += 16;
    }
#endif
    if constexpr (std::endian::native == std::endian::little) {
      while (end_ - q >= 8) {
        const uint64_t stops = StopBytes(q);
        if (stops != 0) {
          q += std::countr_zero(stops) / 8;
          break;
        }
        q += 8;
      }
    }
    while (q != end_ && !kStringStop[static_cast<unsigned char>(*q)]) ++q;
    if (q == end_) {
      Fail(q, "unterminated string");
      return nullptr;
    }
#if defined(__SSE2__)
  stop:
#endif
    if (*q == '"') break;
    if (*q != '\\') {
      Fail(q, "control character in a string");
      return nullptr;
    }
    escaped_ = true;
    if (end_ - q < 2) {
      Fail(q, "unterminated string");
      return nullptr;
    }
    switch (q[1]) {
      case '"':
      case '\\':
      case '/':
      case 'b':
      case 'f':
      case 'n':
      case 'r':
      case 't':
        q += 2;
        break;
      case 'u': {
        uint32_t cp;
        if (end_ - q < 6 || !Hex4(q + 2, &cp)) {
          Fail(q, "bad \\u escape");
          return nullptr;
        }
        if (cp >= 0xDC00 && cp <= 0xDFFF) {
          Fail(q, "unpaired surrogate in a \\u escape");
          return nullptr;
        }
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          if (end_ - q < 12 || q[6] != '\\' || q[7] != 'u' || !Hex4(q + 8, &low) || low < 0xDC00 ||
              low > 0xDFFF) {
            Fail(q, "unpaired surrogate in a \\u escape");
            return nullptr;
          }
          q += 6;
        }
        q += 6;
        break;
      }
      default:
        Fail(q, "invalid escape");
        return nullptr;
    }
  }
  return q;
}

// Decodes the escapes of a string ScanString accepted.
std::string_view JsonObjectScanner::Unescape(std::string_view raw) {
  const size_t input_size = static_cast<size_t>(end_ - begin_);
  if (scratch_used_ == 0 && scratch_.size() < input_size) scratch_.resize(input_size);
  char* const out = scratch_.data() + scratch_used_;
  char* o = out;
  for (size_t i = 0; i < raw.size(); ++i) {
    const char c = raw[i];
    if (c != '\\') {
      *o++ = c;
      continue;
    }
    const char e = raw[++i];
    switch (e) {
      case 'b':
        *o++ = '\b';
        break;
      case 'f':
        *o++ = '\f';
        break;
      case 'n':
        *o++ = '\n';
        break;
      case 'r':
        *o++ = '\r';
        break;
      case 't':
        *o++ = '\t';
        break;
      case 'u': {
        uint32_t cp;
        Hex4(raw.data() + i + 1, &cp);
        i += 4;
        if (cp >= 0xD800 && cp <= 0xDBFF) {
          uint32_t low;
          Hex4(raw.data() + i + 3, &low);
          i += 6;
          cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
        o = AppendUtf8(cp, o);
        break;
      }
      default:  // '"', '\\', '/'
        *o++ = e;
    }
  }
  const size_t n = static_cast<size_t>(o - out);
  scratch_used_ += n;
  return std::string_view(out, n);
}

// `open` is at the opening quote; returns the position after the closing one, or nullptr.
inline const char* JsonObjectScanner::ReadString(const char* open, std::string_view* out) {
#if defined(__SSE2__)
  // Most strings of a record end within 16 bytes without escapes: settled here, inline.
  if (end_ - open > 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(open + 1));
    const __m128i quote = _mm_cmpeq_epi8(v, _mm_set1_epi8('"'));
    const __m128i backslash = _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'));
    const __m128i control = _mm_cmpeq_epi8(_mm_min_epu8(v, _mm_set1_epi8(0x1F)), v);
    const uint32_t quotes = static_cast<uint32_t>(_mm_movemask_epi8(quote));
    const uint32_t stops = static_cast<uint32_t>(
        _mm_movemask_epi8(_mm_or_si128(_mm_or_si128(quote, backslash), control)));
    if ((stops & (0u - stops) & quotes) != 0) {
      const int length = std::countr_zero(stops);
      *out = std::string_view(open + 1, static_cast<size_t>(length));
      return open + 2 + length;
    }
  }
#endif
  const char* const close = ScanString(open);
  if (close == nullptr) return nullptr;
  const std::string_view raw(open + 1, static_cast<size_t>(close - open - 1));
  *out = escaped_ ? Unescape(raw) : raw;
  return close + 1;
}

// -?(0|[1-9][0-9]*)(.[0-9]+)?([eE][+-]?[0-9]+)?: returns where the number ends, or nullptr.
const char* JsonObjectScanner::ScanNumber(const char* q) {
  if (*q == '-') ++q;
  if (q == end_ || !IsDigit(*q)) {
    Fail(q, "bad number");
    return nullptr;
  }
  if (*q == '0') {
    ++q;
  } else {
    while (q != end_ && IsDigit(*q)) ++q;
  }
  if (q != end_ && *q == '.') {
    ++q;
    if (q == end_ || !IsDigit(*q)) {
      Fail(q, "bad number");
      return nullptr;
    }
    while (q != end_ && IsDigit(*q)) ++q;
  }
  if (q != end_ && (*q == 'e' || *q == 'E')) {
    ++q;
    if (q != end_ && (*q == '+' || *q == '-')) ++q;
    if (q == end_ || !IsDigit(*q)) {
      Fail(q, "bad number");
      return nullptr;
    }
    while (q != end_ && IsDigit(*q)) ++q;
  }
  if (q != end_ && (IsDigit(*q) || *q == '.')) {
    Fail(q, "bad number");  // a leading zero (`01`, `-00`) or a second point
    return nullptr;
  }
  return q;
}

bool JsonObjectScanner::ScanLiteral(const char** p) {
  const size_t left = static_cast<size_t>(end_ - *p);
  for (std::string_view word : {"true", "false", "null"}) {
    if (left >= word.size() && std::string_view(*p, word.size()) == word) {
      *p += word.size();
      return true;
    }
  }
  Fail(*p, "expected a value");
  return false;
}

// *p is at '{' or '['. Checks the whole container, however nested, and leaves *p after it.
bool JsonObjectScanner::SkipContainer(const char** p) {
  uint64_t is_object[kMaxDepth / 64] = {};
  int depth = 0;
  auto push = [&](bool object) {
    const uint64_t bit = uint64_t{1} << (depth % 64);
    if (object) {
      is_object[depth / 64] |= bit;
    } else {
      is_object[depth / 64] &= ~bit;
    }
    ++depth;
  };
  auto closer = [&]() {
    return (is_object[(depth - 1) / 64] >> ((depth - 1) % 64) & 1) ? '}' : ']';
  };

  const char* q = *p;
  push(*q == '{');
  ++q;
  bool first = true;  // just after an opening bracket, where it may close at once
  while (true) {
    q = SkipWhitespace(q);
    if (q == end_) {
      Fail(q, "unterminated object or array");
      return false;
    }
    if (first && *q == closer()) {
      ++q;
      --depth;
    } else {
      if (closer() == '}') {
        if (*q != '"') {
          Fail(q, "expected a member name");
          return false;
        }
        const char* const close = ScanString(q);
        if (close == nullptr) return false;
        q = close + 1;
        q = SkipWhitespace(q);
        if (q == end_ || *q != ':') {
          Fail(q, "expected ':'");
          return false;
        }
        ++q;
        q = SkipWhitespace(q);
        if (q == end_) {
          Fail(q, "expected a value");
          return false;
        }
      }
      if (*q == '{' || *q == '[') {
        if (depth == kMaxDepth) {
          Fail(q, "objects or arrays nested too deeply");
          return false;
        }
        push(*q == '{');
        ++q;
        first = true;
        continue;
      }
      bool ok;
      if (*q == '"') {
        const char* const close = ScanString(q);
        ok = close != nullptr;
        if (ok) q = close + 1;
      } else if (*q == '-' || IsDigit(*q)) {
        const char* const number_end = ScanNumber(q);
        ok = number_end != nullptr;
        if (ok) q = number_end;
      } else {
        ok = ScanLiteral(&q);
      }
      if (!ok) return false;
    }
    // After a value: close what ends here, or go on past a comma.
    while (true) {
      if (depth == 0) {
        *p = q;
        return true;
      }
      q = SkipWhitespace(q);
      if (q == end_) {
        Fail(q, "unterminated object or array");
        return false;
      }
      if (*q == ',') {
        ++q;
        first = false;
        break;
      }
      if (*q != closer()) {
        Fail(q, "expected ',' or a closing bracket");
        return false;
      }
      ++q;
      --depth;
    }
  }
}

JsonObjectScanner::Step JsonObjectScanner::Finish(const char* p) {
  p = SkipWhitespace(p);
  if (p != end_) return Fail(p, "bytes after the object");
  pos_ = p;
  state_ = State::kDone;
  return Step::kEnd;
}

JsonObjectScanner::Step JsonObjectScanner::Next(JsonMember* member) {
  const char* p = pos_;
  switch (state_) {
    case State::kStart:
      p = SkipWhitespace(p);
      if (p == end_ || *p != '{') return Fail(p, "not a JSON object");
      ++p;
      p = SkipWhitespace(p);
      if (p != end_ && *p == '}') return Finish(p + 1);
      break;
    case State::kInObject:
      p = SkipWhitespace(p);
      if (p == end_) return Fail(p, "unterminated object");
      if (*p == '}') return Finish(p + 1);
      if (*p != ',') return Fail(p, "expected ',' or '}'");
      ++p;
      p = SkipWhitespace(p);
      break;
    case State::kDone:
      return Step::kEnd;
    case State::kFailed:
      return Step::kError;
  }
  if (p == end_ || *p != '"') return Fail(p, "expected a member name");
  p = ReadString(p, &member->name);
  if (p == nullptr) return Step::kError;
  p = SkipWhitespace(p);
  if (p == end_ || *p != ':') return Fail(p, "expected ':'");
  ++p;
  p = SkipWhitespace(p);
  if (p == end_) return Fail(p, "expected a value");
  const char* const value = p;
  switch (*p) {
    case '"':
      p = ReadString(p, &member->text);
      if (p == nullptr) return Step::kError;
      member->kind = JsonKind::kString;
      break;
    case '-':
    case '0':
    case '1':
    case '2':
    case '3':
    case '4':
    case '5':
    case '6':
    case '7':
    case '8':
    case '9':
      p = ScanNumber(p);
      if (p == nullptr) return Step::kError;
      member->kind = JsonKind::kNumber;
      member->text = std::string_view(value, static_cast<size_t>(p - value));
      break;
    case '{':
    case '[':
      if (!SkipContainer(&p)) return Step::kError;
      member->kind = JsonKind::kOther;
      member->text = std::string_view(value, static_cast<size_t>(p - value));
      break;
    default:
      if (!ScanLiteral(&p)) return Step::kError;
      member->kind = JsonKind::kOther;
      member->text = std::string_view(value, static_cast<size_t>(p - value));
  }
  pos_ = p;
  state_ = State::kInObject;
  return Step::kMember;
}

}  // namespace fugong
