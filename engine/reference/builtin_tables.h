// The reference tables of schemas/, compiled into the binary (see cmake/embed_tables.cmake).
#pragma once

#include <string_view>

namespace fugong {

// The bytes of schemas/<file_name>, or an empty view when there is no such table.
std::string_view BuiltinTable(std::string_view file_name);

}  // namespace fugong
