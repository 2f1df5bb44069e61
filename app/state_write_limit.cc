#include "app/state_write_limit.h"

#include <rocksdb/file_system.h>
#include <unistd.h>

#include <charconv>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string_view>

#include "engine/state/write_limited_file_system.h"
#include "engine/state/write_pausing_file_system.h"

namespace fugong {

namespace {

struct BytesAndName {
  uint64_t bytes = 0;
  std::string name_part;
};

// The variable's BYTES[:NAME_PART]; nullopt when it is not set.
Result<std::optional<BytesAndName>> ReadVariable(const char* name) {
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') return std::optional<BytesAndName>();
  const std::string_view text(value);
  const std::string_view bytes = text.substr(0, text.find(':'));
  BytesAndName out;
  const auto [end, error] = std::from_chars(bytes.data(), bytes.data() + bytes.size(), out.bytes);
  if (error != std::errc() || end != bytes.data() + bytes.size() || bytes.empty()) {
    return Status::InvalidArgument(std::string(name) + " must be BYTES[:NAME_PART], got '" +
                                   std::string(text) + "'");
  }
  if (bytes.size() < text.size()) out.name_part = std::string(text.substr(bytes.size() + 1));
  return std::optional<BytesAndName>(std::move(out));
}

}  // namespace

Result<StateStoreOptions> StateOptionsFromEnvironment() {
  StateStoreOptions options;
  Result<std::optional<BytesAndName>> limit = ReadVariable("FUGONG_TEST_STATE_WRITE_LIMIT");
  if (!limit.ok()) return limit.status();
  Result<std::optional<BytesAndName>> pause = ReadVariable("FUGONG_TEST_STATE_WRITE_PAUSE");
  if (!pause.ok()) return pause.status();
  if (!*limit && !*pause) return options;
  std::shared_ptr<rocksdb::FileSystem> fs = rocksdb::FileSystem::Default();
  if (*limit) {
    fs = std::make_shared<WriteLimitedFileSystem>(
        fs, WriteLimit{(*limit)->bytes, std::move((*limit)->name_part)});
  }
  if (*pause) {
    WritePause p{(*pause)->bytes, std::move((*pause)->name_part), [] {
                   // Straight to the descriptor: the test reads it while the process hangs.
                   static constexpr char kLine[] = "state write paused\n";
                   [[maybe_unused]] const ssize_t n = write(STDOUT_FILENO, kLine, sizeof kLine - 1);
                 }};
    fs = std::make_shared<WritePausingFileSystem>(fs, std::move(p));
  }
  options.file_system = std::move(fs);
  return options;
}

}  // namespace fugong
