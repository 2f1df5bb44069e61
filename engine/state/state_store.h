// The engine's state on disk: one RocksDB database, one column family per store.
//
// clang-format off
// | store          | key                          | value                                        |
// |----------------|------------------------------|----------------------------------------------|
// | meter_day      | day, enterprise, meter       | MeterDayRecord (merged, never read-modified) |
// | enterprise_day | day, enterprise              | E, status and score (DayScore)               |
// | baseline       | window, enterprise           | WindowBaseline: its meters and models        |
// | pending_rescore| day, enterprise              | closed days that late input changed (stream) |
// | group_day      | DATE|LEVEL|CODE              | the published record: revision, computed_at  |
// | progress       | source (file, topic+part.)   | how far that input has been consumed         |
// | dead_letter    | source, partition, position  | the dead letter (JSON)                       |
// | stats          | counter name                 | int64 count                                  |
// | meta           | name                         | e.g. the config fingerprint, closed days     |
// | registry       | enterprise id                | the enterprise's latest message (stream)     |
// | weather        | county, date                 | the latest weather message (stream)          |
// | risk           | county, date                 | the latest risk chart message (stream)       |
// | outbox         | kind, key                    | a record to publish, deleted once acked      |
// | delivered      | destination, DATE|LEVEL|CODE | hash of the record bytes it acknowledged     |
// clang-format on
//
// Everything one input batch changes, the progress marker included, goes into one StateBatch:
// that is what makes a kill -9 harmless.
//
// A write that fails (a full disk, an I/O error, or an earlier failure of a background flush or
// compaction, which RocksDB reports on the next write) ends the store's writing life: that write
// and every later one return the same IOError, naming the directory and the OS error, and
// RocksDB is not asked to write again. The caller stops its work and reports it; the process
// then leaves as after a kill -9 (see LeaveAfterStateWriteFailure in app/) and a rerun resumes
// from the last batch that was written.
#pragma once

#include <rocksdb/db.h>
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>
#include <rocksdb/write_batch.h>

#include <array>
#include <atomic>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/state/retention_filter.h"

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
  kRescore,    // streaming: (day, enterprise) whose closed score late input may have changed
  kRisk,       // streaming: county, date -> its latest risk chart message
  kCount,
};

class StateBatch;
class StateStore;
class StateWriteErrorListener;

// Sees every batch just before it is written, and may add to it: how the changelog of a task's
// rows is kept (engine/job/task_changelog.h) without every writer of those rows knowing of it.
// Called on the thread that writes; the tap must be safe for the store's writers.
class StateWriteTap {
 public:
  virtual ~StateWriteTap() = default;
  virtual void BeforeWrite(StateBatch* batch) = 0;
};

// How the state is opened; the defaults are what the commands use.
struct StateStoreOptions {
  // Testing: the file system RocksDB writes through, in place of the default one (e.g. a
  // WriteLimitedFileSystem that runs out of space on purpose).
  std::shared_ptr<rocksdb::FileSystem> file_system;
  // Testing: the memtable size of every store (0: the defaults, 64 MB and 128 MB for meter_day),
  // small so that RocksDB flushes and compacts in the background within a small test.
  size_t write_buffer_bytes = 0;
  // Opens an existing state for reading only (`fugong bulletin --state`): nothing in the
  // directory is created or written, not even RocksDB's log, so it can be read beside the
  // process that owns it (as of the moment it is opened). Write() then fails.
  bool read_only = false;
};

// Changes to apply atomically.
class StateBatch {
 public:
  explicit StateBatch(StateStore* store) : store_(store) {}
  // With room for `reserved_bytes` of changes: a batch of a bulk commit (tens of MB) then does
  // not grow, and copy itself, by doubling.
  StateBatch(StateStore* store, size_t reserved_bytes) : store_(store), batch_(reserved_bytes) {}
  void Put(Store s, std::string_view key, std::string_view value);
  void Merge(Store s, std::string_view key, std::string_view value);
  void Delete(Store s, std::string_view key);
  // Adds every change of `other` (a batch of the same store) after this batch's own.
  void Append(const StateBatch& other);
  size_t Count() const { return batch_.Count(); }
  bool HasMerge() const { return batch_.HasMerge(); }
  // Empties the batch, keeping its memory for the next one: a bulk commit's tens of MB are then
  // not fresh pages (page faults) each time.
  void Clear() {
    batch_.Clear();
    stores_added_to_ = 0;
  }
  size_t ByteSize() const { return batch_.GetDataSize(); }
  // The changes, for a StateWriteTap to read (column family ids: StateStore::StoreOf).
  const rocksdb::WriteBatch& changes() const { return batch_; }

 private:
  friend class StateStore;
  StateStore* store_;
  rocksdb::WriteBatch batch_;
  uint32_t stores_added_to_ = 0;  // bit s: a Put or Merge into store s
};

class StateStore {
 public:
  ~StateStore();
  // Opens (creating if needed) the database in `dir`.
  static Result<std::unique_ptr<StateStore>> Open(const std::string& dir,
                                                  StateStoreOptions options = {});

  // Applies the batch atomically. The first failure is final (see the top of this file):
  // "state write failed in DIR: IO error: No space left on device: ...".
  Status Write(StateBatch* batch);
  // OK until a write failed; then that failure. Any thread may ask.
  Status write_failure() const;
  bool write_failed() const { return write_failed_.load(); }
  const std::string& dir() const { return dir_; }
  // NotFound when absent.
  Status Get(Store s, std::string_view key, std::string* value) const;
  std::unique_ptr<rocksdb::Iterator> NewIterator(Store s) const;

  // How many successful writes have put or merged rows into store `s` since it was opened: a
  // reader that found a store empty at count N knows it is still empty while the count is N
  // (the service's outbox is read after every commit, and is empty nearly always).
  uint64_t WritesAddingTo(Store s) const {
    return writes_adding_to_[static_cast<int>(s)].load(std::memory_order_acquire);
  }

  // Counters in the stats store.
  int64_t GetCounter(std::string_view name) const;

  // Approximate bytes on disk, for the summary.
  uint64_t ApproximateSize() const;

  // Rows of meter_day and enterprise_day of days before `day` may be dropped from now on (by
  // compaction: engine/state/retention_filter.h). Only moves forward.
  void SetRetentionCutoff(Day day);
  Day retention_cutoff() const { return retention_->cutoff(); }
  // Compacts every store now (tests, and an operator reclaiming space at once).
  Status CompactAll();

  rocksdb::ColumnFamilyHandle* handle(Store s) const { return handles_[static_cast<int>(s)]; }
  // The store of a column family id (as a WriteBatch::Handler sees it); kCount if none.
  Store StoreOf(uint32_t column_family_id) const;

  // Installs `tap` (null: none) for every later Write. Set while nothing writes (before the
  // job opens, after it stops); the tap must outlive its use.
  void SetWriteTap(StateWriteTap* tap) { tap_ = tap; }

 private:
  StateStore() = default;
  Status RecordWriteFailure(const rocksdb::Status& s);

  std::string dir_;
  // Declared before the database, which uses them until it is closed.
  std::unique_ptr<rocksdb::Env> env_;  // only with options.file_system
  std::shared_ptr<StateWriteErrorListener> errors_;
  std::unique_ptr<RetentionFilter> retention_ = std::make_unique<RetentionFilter>();
  std::unique_ptr<rocksdb::DB> db_;
  std::atomic<bool> write_failed_{false};
  mutable std::mutex failure_mutex_;
  Status write_failure_;  // guarded by failure_mutex_
  std::array<rocksdb::ColumnFamilyHandle*, static_cast<int>(Store::kCount)> handles_{};
  std::array<std::atomic<uint64_t>, static_cast<int>(Store::kCount)> writes_adding_to_{};
  StateWriteTap* tap_ = nullptr;
};

}  // namespace fugong
