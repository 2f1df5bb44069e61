// Where input records come from. The engine sees batches of raw records and positions; files,
// gzip and Kafka are the connectors' business.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

struct SourceBatch {
  std::vector<std::string_view> records;  // views valid until the next call to Next
  int64_t first_position = 0;             // position of records[0]; the rest follow by one
};

class RecordSource {
 public:
  virtual ~RecordSource() = default;

  // A stable name: the file path, or topic/partition. Used in dead letters and progress keys.
  virtual const std::string& name() const = 0;
  // The CSV header line (empty for sources of self-describing records).
  virtual std::string_view header() const = 0;

  // Continues after `checkpoint` (as returned by Checkpoint(); empty = from the start).
  // Returns an error when the checkpoint does not fit the input (e.g. another file).
  virtual Status Resume(std::string_view checkpoint) = 0;
  // The next records; an empty batch at the end.
  virtual Status Next(SourceBatch* batch) = 0;
  // The position after everything handed out so far.
  virtual std::string Checkpoint() const = 0;

  // For progress lines: units done and in all (e.g. bytes on disk).
  virtual uint64_t work_done() const = 0;
  virtual uint64_t work_total() const = 0;
};

}  // namespace fugong
