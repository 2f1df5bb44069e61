#include "engine/reference/csv_table.h"

namespace fugong {

bool SplitCsvLine(std::string_view line, char sep, std::vector<std::string>* fields) {
  fields->clear();
  std::string field;
  bool in_quotes = false;
  bool was_quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (in_quotes) {
      if (c == '"') {
        if (i + 1 < line.size() && line[i + 1] == '"') {
          field.push_back('"');
          ++i;
        } else {
          in_quotes = false;
        }
      } else {
        field.push_back(c);
      }
    } else if (c == '"' && field.empty() && !was_quoted) {
      in_quotes = true;
      was_quoted = true;
    } else if (c == sep) {
      fields->push_back(std::move(field));
      field.clear();
      was_quoted = false;
    } else if (c != '\r' || i + 1 != line.size()) {
      field.push_back(c);
    }
  }
  if (in_quotes) return false;
  fields->push_back(std::move(field));
  return true;
}

Result<CsvTable> CsvTable::Parse(std::string_view text, const std::string& source, char sep) {
  if (text.substr(0, 3) == "\xEF\xBB\xBF") text.remove_prefix(3);
  CsvTable table;
  bool have_header = false;
  int line_no = 0;
  std::vector<std::string> fields;
  size_t pos = 0;
  while (pos < text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    pos = end + 1;
    ++line_no;
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    if (line.empty() || line[0] == '#') continue;
    if (!SplitCsvLine(line, sep, &fields)) {
      return Status::InvalidArgument(source + ":" + std::to_string(line_no) +
                                     ": unterminated quote");
    }
    for (std::string& f : fields) {
      while (!f.empty() && (f.back() == ' ' || f.back() == '\t')) f.pop_back();
      size_t start = f.find_first_not_of(" \t");
      f = start == std::string::npos ? std::string() : f.substr(start);
    }
    if (!have_header) {
      table.header_ = fields;
      have_header = true;
      continue;
    }
    if (fields.size() != table.header_.size()) {
      return Status::InvalidArgument(source + ":" + std::to_string(line_no) + ": expected " +
                                     std::to_string(table.header_.size()) + " fields, found " +
                                     std::to_string(fields.size()));
    }
    table.rows_.push_back(fields);
    table.lines_.push_back(line_no);
  }
  if (!have_header) return Status::InvalidArgument(source + ": empty table, no header");
  return table;
}

int CsvTable::Column(std::string_view name) const {
  for (size_t i = 0; i < header_.size(); ++i) {
    if (header_[i] == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace fugong
