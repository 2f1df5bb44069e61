#include "app/state_write_limit.h"

#include <rocksdb/file_system.h>

#include <charconv>
#include <cstdlib>
#include <string_view>

#include "engine/state/write_limited_file_system.h"

namespace fugong {

Result<StateStoreOptions> StateOptionsFromEnvironment() {
  StateStoreOptions options;
  const char* value = std::getenv("FUGONG_TEST_STATE_WRITE_LIMIT");
  if (value == nullptr || *value == '\0') return options;
  const std::string_view text(value);
  const std::string_view bytes = text.substr(0, text.find(':'));
  WriteLimit limit;
  const auto [end, error] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), limit.bytes);
  if (error != std::errc() || end != bytes.data() + bytes.size() || bytes.empty()) {
    return Status::InvalidArgument(
        "FUGONG_TEST_STATE_WRITE_LIMIT must be BYTES[:NAME_PART], got '" + std::string(text) + "'");
  }
  if (bytes.size() < text.size()) limit.name_part = std::string(text.substr(bytes.size() + 1));
  options.file_system =
      std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(), std::move(limit));
  return options;
}

}  // namespace fugong
