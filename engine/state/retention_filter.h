// Drops the rows of days older than the retention cutoff when RocksDB compacts a store whose keys
// lead with the day (meter_day, enterprise_day): retention costs the service loop nothing, and
// the state on disk stops growing with the days once they are older than retention_days.
//
// The cutoff only moves forward. Until a compaction reaches them, old rows may still be read;
// readers therefore never read a day before the cutoff (engine/job/live_index.cc), so what they
// see does not depend on when compactions ran.
#pragma once

#include <rocksdb/compaction_filter.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "engine/common/date.h"

namespace fugong {

class RetentionFilter : public rocksdb::CompactionFilter {
 public:
  // Rows of days before `day` may be dropped from now on.
  void set_cutoff(Day day) { cutoff_.store(day, std::memory_order_relaxed); }
  Day cutoff() const { return cutoff_.load(std::memory_order_relaxed); }

  Decision FilterV2(int level, const rocksdb::Slice& key, ValueType value_type,
                    const rocksdb::Slice& existing_value, std::string* new_value,
                    std::string* skip_until) const override;
  const char* Name() const override { return "fugong.RetentionFilter"; }

 private:
  std::atomic<Day> cutoff_{INT32_MIN};
};

}  // namespace fugong
