// Where results go. The engine hands over finished bytes; files, Kafka and HTTP are connectors.
#pragma once

#include <string_view>

#include "engine/common/status.h"

namespace fugong {

// Index records: key `DATE|LEVEL|CODE`, value the JSON of SPEC's output record.
class IndexSink {
 public:
  virtual ~IndexSink() = default;
  virtual Status Write(std::string_view key, std::string_view value) = 0;
  virtual Status Close() = 0;
};

// Dead letters, one JSON document each.
class DeadLetterSink {
 public:
  virtual ~DeadLetterSink() = default;
  virtual Status Write(std::string_view json) = 0;
  virtual Status Close() = 0;
};

// Progress of long work, for a progress line; `done` and `total` are in the same unit.
class ProgressListener {
 public:
  virtual ~ProgressListener() = default;
  virtual void OnProgress(std::string_view phase, uint64_t records, uint64_t done,
                          uint64_t total) = 0;
  virtual void OnPhaseDone(std::string_view phase) = 0;
};

}  // namespace fugong
