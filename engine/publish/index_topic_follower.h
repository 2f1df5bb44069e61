// The published index as a global table (issue 12, docs/scale-out.md): every instance reads the
// index topic whole into its group_day store, so that its API answers for every record, whoever
// published it, and so that an instance that takes over a group-day's total continues its
// revisions (the index topic is the changelog of group_day, as a GlobalKTable's source topic is
// its changelog in Kafka Streams).
//
// A record read from the topic is written only if it is newer than what the store holds: a
// higher revision. The same revision with the same bytes is what this instance published itself
// (nothing to write); the same revision with other bytes would be a (key, revision) published with
// two contents, which must never happen: it is counted (`conflicts`) and left as it is. Each
// batch and the positions after it are one state write, so a restart resumes where it stopped.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "engine/common/status.h"
#include "engine/job/stream_message.h"
#include "engine/state/state_store.h"

namespace fugong {

struct FollowCounts {
  uint64_t read = 0;       // messages at or after the positions
  uint64_t applied = 0;    // newer than the store's: written
  uint64_t unchanged = 0;  // the revision the store holds (this instance's own, or a repeat)
  uint64_t stale = 0;      // an older revision than the store's
  uint64_t conflicts = 0;  // the store's revision with other bytes: never written
  uint64_t bad = 0;        // not an index record, not its key's, or a tombstone: skipped
};

class IndexTopicFollower {
 public:
  IndexTopicFollower(StateStore* state, std::string topic);

  // The next offset to read of each partition read before (absent: from the log start).
  Result<std::map<int32_t, int64_t>> Positions() const;

  // Applies `messages` (any partitions, in offset order within each) and the positions after
  // them in one state write. Messages below a partition's position are skipped. The records that
  // are now the store's -- written, or the revision it already held (this instance's own) -- are
  // appended to `current` (key, bytes), for the live feed and the maps.
  Status Apply(const std::vector<LogRecord>& messages,
               std::vector<std::pair<std::string, std::string>>* current);

  // The next offset to read of each partition, as the last Apply wrote them (empty before the
  // first Apply).
  const std::map<int32_t, int64_t>& applied_positions() const { return positions_; }

  const FollowCounts& counts() const { return counts_; }

 private:
  std::string PositionKey(int32_t partition) const;

  StateStore* state_;
  std::string topic_;
  std::map<int32_t, int64_t> positions_;
  bool positions_loaded_ = false;
  FollowCounts counts_;
};

}  // namespace fugong
