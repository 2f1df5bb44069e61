// The CSV steps every side-input decoder shares (registry, weather, risk chart): reading a
// header's column names, finding a column, splitting a line into its fields.
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"
#include "engine/decode/reading_csv_decoder.h"

namespace fugong {

// The column names of a header line (a UTF-8 byte order mark and spaces around names dropped).
Status ReadHeader(std::string_view line, std::vector<std::string>* names);
// The position of `name` among `names`, -1 when absent.
int IndexOf(const std::vector<std::string>& names, std::string_view name);
// Splits a data line into exactly `columns` fields; a parse_error verdict otherwise.
bool SplitFields(std::string_view line, size_t columns, std::vector<std::string>* fields,
                 DecodeError* error);
// Fields are read without the spaces around them (`E1, 330102`), in CSV and JSON alike.
std::string_view TrimSpaces(std::string_view s);
std::optional<std::string_view> TrimSpaces(std::optional<std::string_view> s);

}  // namespace fugong
