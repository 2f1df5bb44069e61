#include "engine/decode/csv_fields.h"

#include <algorithm>

#include "engine/reference/csv_table.h"

namespace fugong {

Status ReadHeader(std::string_view line, std::vector<std::string>* names) {
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  while (!line.empty() && (line.back() == '\r' || line.back() == '\n')) line.remove_suffix(1);
  if (!SplitCsvLine(line, ',', names)) return Status::InvalidArgument("bad CSV header");
  for (std::string& n : *names) {
    n.erase(0, n.find_first_not_of(' '));
    n.erase(n.find_last_not_of(' ') + 1);
  }
  return Status::OK();
}

int IndexOf(const std::vector<std::string>& names, std::string_view name) {
  auto it = std::find(names.begin(), names.end(), name);
  return it == names.end() ? -1 : static_cast<int>(it - names.begin());
}

bool SplitFields(std::string_view line, size_t columns, std::vector<std::string>* fields,
                 DecodeError* error) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (!SplitCsvLine(line, ',', fields)) {
    *error = {DeadLetterReason::kParseError, "unterminated quote"};
    return false;
  }
  if (fields->size() != columns) {
    *error = {
        DeadLetterReason::kParseError,
        "expected " + std::to_string(columns) + " fields, found " + std::to_string(fields->size())};
    return false;
  }
  return true;
}

std::string_view TrimSpaces(std::string_view s) {
  const size_t first = s.find_first_not_of(' ');
  if (first == std::string_view::npos) return s.substr(s.size());
  return s.substr(first, s.find_last_not_of(' ') + 1 - first);
}

std::optional<std::string_view> TrimSpaces(std::optional<std::string_view> s) {
  if (!s) return std::nullopt;
  return TrimSpaces(*s);
}

}  // namespace fugong
