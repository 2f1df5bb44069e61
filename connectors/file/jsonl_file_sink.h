// Index records or dead letters as a JSONL file, one JSON document a line. The file is written
// to `<path>.tmp` and renamed on Close, so a reader never sees half a file; a sink destroyed
// without Close (a failed run) removes its `.tmp` and leaves `<path>` as it was.
#pragma once

#include <cstdio>
#include <memory>
#include <string>

#include "engine/job/sinks.h"

namespace fugong {

class JsonlFileSink final : public IndexSink, public DeadLetterSink {
 public:
  static Result<std::unique_ptr<JsonlFileSink>> Create(const std::string& path);
  ~JsonlFileSink() override;

  // IndexSink: the value is the line; the key is in the value (date, level, code).
  Status Write(std::string_view key, std::string_view value) override;
  // DeadLetterSink.
  Status Write(std::string_view json) override;
  Status Close() override;

  uint64_t lines() const { return lines_; }

 private:
  JsonlFileSink() = default;
  std::string path_;
  FILE* file_ = nullptr;
  uint64_t lines_ = 0;
};

}  // namespace fugong
