// An append-only byte buffer and the hand-written number formatting of the readings hot path
// (hundreds of millions of lines: no printf, no iostream, no allocation per line).
#pragma once

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <memory>
#include <string_view>

namespace fugong::synth {

class ByteBuffer {
 public:
  ByteBuffer() = default;
  ByteBuffer(ByteBuffer&&) = default;
  ByteBuffer& operator=(ByteBuffer&&) = default;

  // Makes room for `extra` more bytes after end(). Unlike std::string, nothing is zero-filled.
  void Reserve(size_t extra) {
    if (size_ + extra > capacity_) Grow(size_ + extra);
  }
  // Writing position; valid until the next Reserve.
  char* end() { return data_.get() + size_; }
  void SetEnd(const char* end) { size_ = static_cast<size_t>(end - data_.get()); }
  void Append(std::string_view text) {
    Reserve(text.size());
    std::memcpy(end(), text.data(), text.size());
    size_ += text.size();
  }

  // Empties the buffer but keeps its memory, so a recycled buffer costs no page faults.
  void Clear() { size_ = 0; }

  const char* data() const { return data_.get(); }
  size_t size() const { return size_; }
  std::string_view view() const { return {data_.get(), size_}; }

 private:
  void Grow(size_t need) {
    const size_t capacity = std::max({need, capacity_ * 2, size_t{1} << 12});
    std::unique_ptr<char[]> bigger(new char[capacity]);
    if (size_ > 0) std::memcpy(bigger.get(), data_.get(), size_);
    data_ = std::move(bigger);
    capacity_ = capacity;
  }

  std::unique_ptr<char[]> data_;
  size_t size_ = 0;
  size_t capacity_ = 0;
};

// Decimal digits of v; returns the new end.
inline char* WriteUint(char* p, uint64_t v) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  while (n > 0) *p++ = tmp[--n];
  return p;
}

// Zero-padded to `width` digits (more if v needs them).
inline char* WritePadded(char* p, uint64_t v, int width) {
  char tmp[20];
  int n = 0;
  do {
    tmp[n++] = static_cast<char>('0' + v % 10);
    v /= 10;
  } while (v != 0);
  for (int i = n; i < width; ++i) *p++ = '0';
  while (n > 0) *p++ = tmp[--n];
  return p;
}

// A non-negative count of 1e-3 kWh as kWh with exactly 3 decimals: 12345 -> "12.345".
inline char* WriteMilli(char* p, int64_t milli) {
  const uint64_t m = static_cast<uint64_t>(milli);
  p = WriteUint(p, m / 1000);
  const unsigned frac = static_cast<unsigned>(m % 1000);
  p[0] = '.';
  p[1] = static_cast<char>('0' + frac / 100);
  p[2] = static_cast<char>('0' + frac / 10 % 10);
  p[3] = static_cast<char>('0' + frac % 10);
  return p + 4;
}

}  // namespace fugong::synth
