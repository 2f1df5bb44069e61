// Small helpers shared by the fuzz harnesses: how a harness splits its one input into the parts
// it feeds a decoder (a selector byte, a header line, a key, several files).
#pragma once

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace fugong::fuzz {

// The input as text, and its first byte split off: harnesses that cover several decoders use it
// to choose one, so that one run's time is shared between related decoders.
struct SelectedInput {
  uint8_t selector = 0;
  std::string_view rest;
};

inline bool Select(const uint8_t* data, size_t size, SelectedInput* out) {
  if (size == 0) return false;
  out->selector = data[0];
  out->rest = std::string_view(reinterpret_cast<const char*>(data) + 1, size - 1);
  return true;
}

// Splits at every `separator`; always at least one part.
inline std::vector<std::string_view> SplitAll(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  for (;;) {
    const size_t at = text.find(separator);
    parts.push_back(text.substr(0, at));
    if (at == std::string_view::npos) return parts;
    text.remove_prefix(at + 1);
  }
}

// Splits at the first `separator`: {before, after}; `after` is empty when there is none.
inline std::pair<std::string_view, std::string_view> SplitFirst(std::string_view text,
                                                                char separator) {
  const size_t at = text.find(separator);
  if (at == std::string_view::npos) return {text, std::string_view()};
  return {text.substr(0, at), text.substr(at + 1)};
}

}  // namespace fugong::fuzz
