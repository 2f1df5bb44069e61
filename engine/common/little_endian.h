// Fixed-width little-endian integers, for the byte encodings sent between instances (partial
// sums and their messages). State keys use key_codec.h's big-endian forms, which sort.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace fugong {

// Appends the low `bytes` bytes of `value`, lowest first.
inline void AppendLittleEndian(uint64_t value, int bytes, std::string* out) {
  for (int i = 0; i < bytes; ++i) out->push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// The value of `bytes` (at most 8), lowest byte first.
inline uint64_t ReadLittleEndian(std::string_view bytes) {
  uint64_t value = 0;
  for (size_t i = 0; i < bytes.size(); ++i) {
    value |= static_cast<uint64_t>(static_cast<unsigned char>(bytes[i])) << (8 * i);
  }
  return value;
}

}  // namespace fugong
