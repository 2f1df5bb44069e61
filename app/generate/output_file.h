// A file written with large writes and checked errors (a full disk must fail the run, not leave a
// silently truncated data set).
#pragma once

#include <cstdio>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace fugong::synth {

class OutputFile {
 public:
  OutputFile() = default;
  OutputFile(const OutputFile&) = delete;
  OutputFile& operator=(const OutputFile&) = delete;
  OutputFile(OutputFile&& other) noexcept { *this = std::move(other); }
  OutputFile& operator=(OutputFile&& other) noexcept;
  ~OutputFile();

  // Creates or truncates `path`.
  Status Open(const std::string& path);
  Status Write(std::string_view bytes);
  Status Close();
  bool is_open() const { return file_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  std::FILE* file_ = nullptr;
  std::string path_;
};

// Writes a whole small file.
Status WriteFile(const std::string& path, std::string_view bytes);

}  // namespace fugong::synth
