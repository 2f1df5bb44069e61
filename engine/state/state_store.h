// The engine's state on disk: one RocksDB database, one column family per store.
//
// clang-format off
// | store          | key                          | value                                        |
// |----------------|------------------------------|----------------------------------------------|
// | meter_day      | enterprise, meter, day       | MeterDayRecord (merged, never read-modified) |
// | enterprise_day | enterprise, day              | energy and status                            |
// | baseline       | enterprise, window           | BaselineModel                                |
// | group_day      | DATE|LEVEL|CODE              | the published record: revision, computed_at  |
// | progress       | source (file, topic+part.)   | how far that input has been consumed         |
// | dead_letter    | source, partition, position  | the dead letter (JSON)                       |
// | stats          | counter name                 | int64 count                                  |
// | meta           | name                         | e.g. the config fingerprint, closed days     |
// | registry       | enterprise id                | the enterprise's latest message (stream)     |
// | weather        | county, date                 | the latest weather message (stream)          |
// | outbox         | kind, key                    | a record to publish, deleted once acked      |
// | delivered      | destination, DATE|LEVEL|CODE | hash of the record bytes it acknowledged     |
// clang-format on
//
// Everything one input batch changes, the progress marker included, goes into one StateBatch:
// that is what makes a kill -9 harmless.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <memory>
#include <string>
#include <string_view>

#include "engine/common/status.h"

namespace fugong {

enum class Store : int {
  kMeterDay,
  kEnterpriseDay,
  kBaseline,
  kGroupDay,
  kProgress,
  kDeadLetter,
  kStats,
  kMeta,
  kRegistry,   // streaming: enterprise id -> its latest message (the compacted registry topic)
  kWeather,    // streaming: county, date -> its latest message
  kOutbox,     // streaming: records committed but not yet acknowledged by the output topics
  kDelivered,  // backfill --publish: what each topic acknowledged (engine/job/delivery_ledger.h)
  kCount,
};

class StateStore;

// Changes to apply atomically.
class StateBatch {
 public:
  explicit StateBatch(StateStore* store) : store_(store) {}
  void Put(Store s, std::string_view key, std::string_view value);
  void Merge(Store s, std::string_view key, std::string_view value);
  void Delete(Store s, std::string_view key);
  size_t Count() const { return batch_.Count(); }
  size_t ByteSize() const { return batch_.GetDataSize(); }

 private:
  friend class StateStore;
  StateStore* store_;
  rocksdb::WriteBatch batch_;
};

class StateStore {
 public:
  ~StateStore();
  // Opens (creating if needed) the database in `dir`.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& dir);

  Status Write(StateBatch* batch);
  // NotFound when absent.
  Status Get(Store s, std::string_view key, std::string* value) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(Store s) const;

  // Counters in the stats store.
  int64_t GetCounter(std::string_view name) const;

  // Approximate bytes on disk, for the summary.
  uint64_t ApproximateSize() const;

  rocksdb::ColumnFamilyHandle* handle(Store s) const { return handles_[static_cast<int>(s)]; }

 private:
  StateStore() = default;
  std::unique_ptr<rocksdb::DB> db_;
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<int>(Store::kCount)> handles_{};
};

}  // namespace fugong
