#include "engine/state/state_store.h"

#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>
#include <rocksdb/write_buffer_manager.h>

#include <algorithm>
#include <iterator>
#include <stdexcept>
#include <vector>

#include "engine/state/meter_day_merge_operator.h"
#include "engine/state/state_log_file.h"

namespace fugong {

namespace {

const char* const kStoreNames[] = {
    "meter_day", "enterprise_day", "baseline", "group_day", "progress",  "dead_letter",     "stats",
    "meta",      "registry",       "weather",  "outbox",    "delivered", "pending_rescore", "risk"};
static_assert(std::size(kStoreNames) == static_cast<size_t>(Store::kCount));

// RocksDB's log of a read-only open goes nowhere: the directory belongs to its writer.
class SilentLogger : public rocksdb::Logger {
 public:
  using rocksdb::Logger::Logv;
  void Logv(const char* /*format*/, va_list /*ap*/) override {}
};

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(what);
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

const char* ReasonText(rocksdb::BackgroundErrorReason reason) {
  switch (reason) {
    case rocksdb::BackgroundErrorReason::kFlush:
    case rocksdb::BackgroundErrorReason::kFlushNoWAL:
      return "a background flush";
    case rocksdb::BackgroundErrorReason::kCompaction:
      return "a background compaction";
    case rocksdb::BackgroundErrorReason::kManifestWrite:
    case rocksdb::BackgroundErrorReason::kManifestWriteNoWAL:
      return "a write of the MANIFEST";
    case rocksdb::BackgroundErrorReason::kWriteCallback:
    case rocksdb::BackgroundErrorReason::kMemTable:
      break;
  }
  return nullptr;  // the write itself: its own message says it all
}

}  // namespace

// Hears of RocksDB's background errors: remembers which background job failed first (the next
// write fails with its error, which does not say where it came from), and turns off RocksDB's
// automatic recovery from a full disk. That recovery polls for free space and resumes by itself;
// we stop at the first failed write instead and let a restart recover from the WAL, so nothing
// runs on (or waits for space) behind the stop.
class StateWriteErrorListener : public rocksdb::EventListener {
 public:
  const char* Name() const override { return "StateWriteErrorListener"; }

  void OnBackgroundError(rocksdb::BackgroundErrorReason reason,
                         rocksdb::Status* bg_error) override {
    std::lock_guard<std::mutex> lock(mutex_);
    if (first_ == nullptr) first_ = ReasonText(reason);
  }
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/, rocksdb::Status bg_error,
                            bool* auto_recovery) override {
    bg_error.PermitUncheckedError();
    *auto_recovery = false;
  }
  // "a background flush", or null when no background job failed.
  const char* first_failure() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return first_;
  }

 private:
  mutable std::mutex mutex_;
  const char* first_ = nullptr;
};

void StateBatch::Put(Store s, std::string_view key, std::string_view value) {
  stores_added_to_ |= 1u << static_cast<int>(s);
  batch_.Put(store_->handle(s), rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()));
}

void StateBatch::Merge(Store s, std::string_view key, std::string_view value) {
  stores_added_to_ |= 1u << static_cast<int>(s);
  batch_.Merge(store_->handle(s), rocksdb::Slice(key.data(), key.size()),
               rocksdb::Slice(value.data(), value.size()));
}

void StateBatch::Delete(Store s, std::string_view key) {
  batch_.Delete(store_->handle(s), rocksdb::Slice(key.data(), key.size()));
}

namespace {

// Copies the records of one write batch into another (the column family ids of this store).
class BatchAppender : public rocksdb::WriteBatch::Handler {
 public:
  BatchAppender(const StateStore* store, rocksdb::WriteBatch* to) : to_(to) {
    // Indexed by column family id, looked up once per record appended.
    for (int s = 0; s < static_cast<int>(Store::kCount); ++s) {
      rocksdb::ColumnFamilyHandle* h = store->handle(static_cast<Store>(s));
      if (h->GetID() >= by_id_.size()) by_id_.resize(h->GetID() + 1, nullptr);
      by_id_[h->GetID()] = h;
    }
  }
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* h = Handle(cf);
    return h == nullptr ? NotAStore() : to_->Put(h, key, value);
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    rocksdb::ColumnFamilyHandle* h = Handle(cf);
    return h == nullptr ? NotAStore() : to_->Merge(h, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    rocksdb::ColumnFamilyHandle* h = Handle(cf);
    return h == nullptr ? NotAStore() : to_->Delete(h, key);
  }

 private:
  static rocksdb::Status NotAStore() {
    return rocksdb::Status::InvalidArgument("a column family that is no store");
  }
  rocksdb::ColumnFamilyHandle* Handle(uint32_t id) const {
    return id < by_id_.size() ? by_id_[id] : nullptr;
  }

  std::vector<rocksdb::ColumnFamilyHandle*> by_id_;
  rocksdb::WriteBatch* to_;
};

}  // namespace

void StateBatch::Append(const StateBatch& other) {
  BatchAppender appender(store_, &batch_);
  const rocksdb::Status s = other.batch_.Iterate(&appender);
  // Only a batch of this class, built by Put, Merge and Delete on this store, can be appended.
  if (!s.ok()) throw std::logic_error("StateBatch::Append: " + s.ToString());
  stores_added_to_ |= other.stores_added_to_;
}

StateStore::~StateStore() {
  for (auto* h : handles_) {
    if (h != nullptr && db_) db_->DestroyColumnFamilyHandle(h);
  }
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& dir,
                                                     StateStoreOptions options) {
  std::unique_ptr<StateStore> store(new StateStore());
  store->dir_ = dir;
  store->errors_ = std::make_shared<StateWriteErrorListener>();
  rocksdb::DBOptions db_options;
  if (options.file_system) {
    store->env_ = rocksdb::NewCompositeEnv(options.file_system);
    db_options.env = store->env_.get();
  }
  const std::shared_ptr<rocksdb::FileSystem> fs =
      options.file_system ? options.file_system : rocksdb::FileSystem::Default();
  if (options.read_only) {
    db_options.info_log = std::make_shared<SilentLogger>();
  } else {
    Result<std::shared_ptr<StateLogFile>> log = StateLogFile::Open(fs.get(), dir);
    if (!log.ok()) return log.status();
    db_options.info_log = *log;
  }
  db_options.listeners.push_back(store->errors_);
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.max_open_files = 512;
  // One budget for the memtables of all stores. Without it each store fills its own write buffer
  // (64 MB, meter_day 128 MB) at its own pace, and the stores of published output only start at
  // the window's close: a year's peak RSS grew by 17 % after day 60 (docs/benchmarks.md, "The
  // daily close and a year of streaming"). With it the budget is reached within weeks.
  db_options.write_buffer_manager = std::make_shared<rocksdb::WriteBufferManager>(128 << 20);

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < static_cast<int>(Store::kCount); ++i) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compression = rocksdb::kLZ4Compression;
    cf.level_compaction_dynamic_level_bytes = true;
    if (static_cast<Store>(i) == Store::kMeterDay ||
        static_cast<Store>(i) == Store::kEnterpriseDay) {
      cf.compaction_filter = store->retention_.get();
    }
    if (static_cast<Store>(i) == Store::kMeterDay) {
      cf.merge_operator = std::make_shared<MeterDayMergeOperator>();
      cf.write_buffer_size = 128 << 20;
      cf.max_write_buffer_number = 3;
      cf.target_file_size_base = 64 << 20;
    }
    if (options.write_buffer_bytes > 0) cf.write_buffer_size = options.write_buffer_bytes;
    descriptors.emplace_back(kStoreNames[i], cf);
  }
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s;
  if (options.read_only) {
    // Every store must be there: a reader cannot create the ones an older version lacked.
    std::vector<std::string> present;
    s = rocksdb::DB::ListColumnFamilies(db_options, dir, &present);
    if (!s.ok()) return FromRocks(s, "no state to read in " + dir);
    for (int i = 0; i < static_cast<int>(Store::kCount); ++i) {
      if (std::find(present.begin(), present.end(), kStoreNames[i]) == present.end()) {
        return Status::InvalidArgument("the state in " + dir + " has no store " + kStoreNames[i] +
                                       " (an older version wrote it: open it once with this "
                                       "version's serve or backfill)");
      }
    }
    s = rocksdb::DB::OpenForReadOnly(db_options, dir, descriptors, &handles, &raw);
  } else {
    s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  }
  if (!s.ok()) return FromRocks(s, "cannot open state in " + dir);
  store->db_.reset(raw);
  for (int i = 0; i < static_cast<int>(Store::kCount); ++i) store->handles_[i] = handles[i];
  raw->DestroyColumnFamilyHandle(handles.back());  // the unused default family
  return store;
}

Status StateStore::Write(StateBatch* batch) {
  // After a failure RocksDB is not asked again: its writer of the file that failed must not be
  // used again (Debian's librocksdb asserts on it), and a write that succeeded after a lost one
  // would leave a state no run could have made.
  if (write_failed_.load()) return write_failure();
  if (tap_ != nullptr) tap_->BeforeWrite(batch);
  const rocksdb::Status s = db_->Write(rocksdb::WriteOptions(), &batch->batch_);
  if (s.ok()) {
    for (int i = 0; i < static_cast<int>(Store::kCount); ++i) {
      if (batch->stores_added_to_ & (1u << i)) writes_adding_to_[i].fetch_add(1);
    }
    return Status::OK();
  }
  return RecordWriteFailure(s);
}

Store StateStore::StoreOf(uint32_t column_family_id) const {
  for (int i = 0; i < static_cast<int>(Store::kCount); ++i) {
    if (handles_[i] != nullptr && handles_[i]->GetID() == column_family_id) {
      return static_cast<Store>(i);
    }
  }
  return Store::kCount;
}

Status StateStore::RecordWriteFailure(const rocksdb::Status& s) {
  std::lock_guard<std::mutex> lock(failure_mutex_);
  if (!write_failed_.load()) {
    std::string message = "state write failed in " + dir_;
    if (const char* where = errors_->first_failure()) message += std::string(" (") + where + ")";
    message += ": " + s.ToString();
    write_failure_ = s.IsCorruption() ? Status::Corruption(message) : Status::IOError(message);
    write_failed_ = true;
  }
  return write_failure_;
}

Status StateStore::write_failure() const {
  std::lock_guard<std::mutex> lock(failure_mutex_);
  return write_failure_;
}

Status StateStore::Get(Store s, std::string_view key, std::string* value) const {
  return FromRocks(
      db_->Get(rocksdb::ReadOptions(), handle(s), rocksdb::Slice(key.data(), key.size()), value),
      std::string(kStoreNames[static_cast<int>(s)]) + " key");
}

std::unique_ptr<rocksdb::Iterator> StateStore::NewIterator(Store s) const {
  rocksdb::ReadOptions options;
  options.readahead_size = 2 << 20;
  return std::unique_ptr<rocksdb::Iterator>(db_->NewIterator(options, handle(s)));
}

int64_t StateStore::GetCounter(std::string_view name) const {
  std::string value;
  if (!Get(Store::kStats, name, &value).ok() || value.size() != 8) return 0;
  int64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<unsigned char>(value[i]);
  return v;
}

uint64_t StateStore::ApproximateSize() const {
  uint64_t total = 0;
  for (auto* h : handles_) {
    uint64_t size = 0;
    db_->GetIntProperty(h, "rocksdb.total-sst-files-size", &size);
    total += size;
    db_->GetIntProperty(h, "rocksdb.cur-size-all-mem-tables", &size);
    total += size;
  }
  return total;
}

}  // namespace fugong

namespace fugong {

void StateStore::SetRetentionCutoff(Day day) {
  if (day > retention_->cutoff()) retention_->set_cutoff(day);
}

Status StateStore::CompactAll() {
  if (write_failed()) return write_failure();
  rocksdb::CompactRangeOptions options;
  // Rewrite the last level too, so that the filter sees every row.
  options.bottommost_level_compaction = rocksdb::BottommostLevelCompaction::kForce;
  for (auto* h : handles_) {
    const rocksdb::Status s = db_->CompactRange(options, h, nullptr, nullptr);
    if (!s.ok()) return RecordWriteFailure(s);
  }
  return Status::OK();
}

}  // namespace fugong
