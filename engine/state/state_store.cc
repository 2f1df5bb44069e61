#include "engine/state/state_store.h"

#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <iterator>
#include <vector>

#include "engine/state/meter_day_merge_operator.h"

namespace fugong {

namespace {

const char* const kStoreNames[] = {"meter_day", "enterprise_day", "baseline", "group_day",
                                   "progress",  "dead_letter",    "stats",    "meta",
                                   "registry",  "weather",        "outbox",   "delivered"};
static_assert(std::size(kStoreNames) == static_cast<size_t>(Store::kCount));

Status FromRocks(const rocksdb::Status& s, const std::string& what) {
  if (s.ok()) return Status::OK();
  if (s.IsNotFound()) return Status::NotFound(what);
  if (s.IsCorruption()) return Status::Corruption(what + ": " + s.ToString());
  return Status::IOError(what + ": " + s.ToString());
}

}  // namespace

void StateBatch::Put(Store s, std::string_view key, std::string_view value) {
  batch_.Put(store_->handle(s), rocksdb::Slice(key.data(), key.size()),
             rocksdb::Slice(value.data(), value.size()));
}

void StateBatch::Merge(Store s, std::string_view key, std::string_view value) {
  batch_.Merge(store_->handle(s), rocksdb::Slice(key.data(), key.size()),
               rocksdb::Slice(value.data(), value.size()));
}

void StateBatch::Delete(Store s, std::string_view key) {
  batch_.Delete(store_->handle(s), rocksdb::Slice(key.data(), key.size()));
}

StateStore::~StateStore() {
  for (auto* h : handles_) {
    if (h != nullptr && db_) db_->DestroyColumnFamilyHandle(h);
  }
}

Result<std::unique_ptr<StateStore>> StateStore::Open(const std::string& dir) {
  rocksdb::DBOptions db_options;
  db_options.create_if_missing = true;
  db_options.create_missing_column_families = true;
  db_options.max_background_jobs = 2;
  db_options.max_open_files = 512;

  std::vector<rocksdb::ColumnFamilyDescriptor> descriptors;
  for (int i = 0; i < static_cast<int>(Store::kCount); ++i) {
    rocksdb::ColumnFamilyOptions cf;
    cf.compression = rocksdb::kLZ4Compression;
    cf.level_compaction_dynamic_level_bytes = true;
    if (static_cast<Store>(i) == Store::kMeterDay) {
      cf.merge_operator = std::make_shared<MeterDayMergeOperator>();
      cf.write_buffer_size = 128 << 20;
      cf.max_write_buffer_number = 3;
      cf.target_file_size_base = 64 << 20;
    }
    descriptors.emplace_back(kStoreNames[i], cf);
  }
  descriptors.emplace_back(rocksdb::kDefaultColumnFamilyName, rocksdb::ColumnFamilyOptions());

  std::vector<rocksdb::ColumnFamilyHandle*> handles;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(db_options, dir, descriptors, &handles, &raw);
  if (!s.ok()) return FromRocks(s, "cannot open state in " + dir);
  std::unique_ptr<StateStore> store(new StateStore());
  store->db_.reset(raw);
  for (int i = 0; i < static_cast<int>(Store::kCount); ++i) store->handles_[i] = handles[i];
  raw->DestroyColumnFamilyHandle(handles.back());  // the unused default family
  return store;
}

Status StateStore::Write(StateBatch* batch) {
  rocksdb::WriteOptions options;
  return FromRocks(db_->Write(options, &batch->batch_), "state write");
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
