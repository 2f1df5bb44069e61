// Decides the revision of each record against what was published before (kept in the group_day
// store): a new record gets revision 1, a changed one the next revision, an unchanged one keeps
// its revision and its bytes, computed_at included. Re-running on the same inputs therefore
// publishes nothing new.
#pragma once

#include <optional>
#include <string>

#include "engine/common/date.h"
#include "engine/state/state_store.h"

namespace fugong {

struct PublishedRecord {
  uint32_t revision = 0;
  EpochSeconds computed_at = 0;
  std::string content;  // IndexRecordContent

  std::string Encode() const;
  bool Decode(std::string_view bytes);
  // The parts of an index record as published (FinishIndexRecord's inverse); false for bytes
  // FinishIndexRecord would not have written.
  bool FromIndexRecord(std::string_view record);
};

class IndexPublisher {
 public:
  IndexPublisher(StateStore* state, EpochSeconds now) : state_(state), now_(now) {}

  // Records `content` under `key` in `batch` if it differs from what was published; returns
  // whether it did, and the full record in `record`.
  Result<bool> Publish(const std::string& key, const std::string& content, StateBatch* batch,
                       std::string* record);

  // Whether any record of `day` was ever published (one seek: a day before the state's first
  // saves a lookup per group).
  Result<bool> HasDay(Day day) const;
  // The content last published under `key` (IndexRecordContent), if any.
  Result<std::optional<std::string>> PublishedContent(const std::string& key) const;

  uint64_t new_records() const { return new_records_; }
  uint64_t revised_records() const { return revised_records_; }

 private:
  StateStore* state_;
  EpochSeconds now_;
  uint64_t new_records_ = 0;
  uint64_t revised_records_ = 0;
};

}  // namespace fugong
