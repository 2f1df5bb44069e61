// A small reader for the reference tables: RFC 4180 CSV with a header row, UTF-8, an optional
// BOM, `#` comment lines. Reference tables are small; readings never go through this class.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

class CsvTable {
 public:
  // Parses `text`; `source` names it in error messages.
  static Result<CsvTable> Parse(std::string_view text, const std::string& source,
                                char separator = ',');

  const std::vector<std::string>& header() const { return header_; }
  const std::vector<std::vector<std::string>>& rows() const { return rows_; }
  // Index of a header column, or -1.
  int Column(std::string_view name) const;
  // The 1-based line number of row i in the source text (for error messages).
  int LineOf(size_t row) const { return lines_[row]; }

 private:
  std::vector<std::string> header_;
  std::vector<std::vector<std::string>> rows_;
  std::vector<int> lines_;
};

// Splits one CSV record (no embedded newlines) into fields, honouring double quotes.
// Returns false on an unterminated quote.
bool SplitCsvLine(std::string_view line, char separator, std::vector<std::string>* fields);

}  // namespace fugong
