#include "engine/job/task_changelog.h"

#include <rocksdb/write_batch.h>

#include "engine/job/outbox.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// meta: a task's changelog positions, BE32 task -> one BE64 next offset per changelog.
constexpr std::string_view kPositionsPrefix("clog\0", 5);

std::string PositionsKey(int32_t task) {
  std::string key(kPositionsPrefix);
  AppendFixed32(static_cast<uint32_t>(task), &key);
  return key;
}

std::optional<ChangelogStore> LoggedStoreOf(Store store) {
  for (ChangelogStore logged : kChangelogStores) {
    if (StateStoreOf(logged) == store) return logged;
  }
  return std::nullopt;
}

// The rows of a batch, as RocksDB replays them.
class RowVisitor final : public rocksdb::WriteBatch::Handler {
 public:
  using Visit = std::function<void(uint32_t, std::string_view, const std::string_view*)>;
  explicit RowVisitor(Visit visit) : visit_(std::move(visit)) {}
  rocksdb::Status PutCF(uint32_t cf, const rocksdb::Slice& key,
                        const rocksdb::Slice& value) override {
    const std::string_view v(value.data(), value.size());
    visit_(cf, std::string_view(key.data(), key.size()), &v);
    return rocksdb::Status::OK();
  }
  rocksdb::Status MergeCF(uint32_t cf, const rocksdb::Slice& key,
                          const rocksdb::Slice& value) override {
    return PutCF(cf, key, value);
  }
  rocksdb::Status DeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    visit_(cf, std::string_view(key.data(), key.size()), nullptr);
    return rocksdb::Status::OK();
  }
  rocksdb::Status SingleDeleteCF(uint32_t cf, const rocksdb::Slice& key) override {
    return DeleteCF(cf, key);
  }

 private:
  Visit visit_;
};

}  // namespace

TaskChangelog::TaskChangelog(StateStore* state, const TaskPartialsSender* tasks,
                             std::string readings_topic)
    : state_(state), tasks_(tasks), readings_topic_(std::move(readings_topic)) {}

std::string TaskChangelog::WhyNotARowOfTask(ChangelogStore store, int32_t task,
                                            std::string_view key,
                                            const std::string_view* value) const {
  switch (store) {
    case ChangelogStore::kMeterDay: {
      MeterDayKeyParts parts;
      if (!ParseMeterDayKey(key, &parts)) return "has a key that is not a meter-day's";
      MeterDayRecord record;
      int received = 0;
      MicroKwh sum = 0;
      if (value != nullptr && !record.DecodeTotals(*value, &received, &sum)) {
        return "has a value that is not a meter-day record";
      }
      return "";
    }
    case ChangelogStore::kTask:
      return TaskPartialsSender::IsRowOfTask(key, value, task)
                 ? ""
                 : "is not an enterprise's task row, span or sequence of this task";
    case ChangelogStore::kProgress: {
      std::string_view topic;
      int32_t partition = 0;
      if (!ParseProgressKey(key, &topic, &partition) || topic != readings_topic_ ||
          partition != task) {
        return "is not the progress of " + readings_topic_ + "[" + std::to_string(task) + "]";
      }
      if (value != nullptr && value->size() < 8) return "has a progress value that is too short";
      return "";
    }
  }
  return "is of no logged store";
}

std::optional<int32_t> TaskChangelog::TaskOfRow(Store store, std::string_view key,
                                                const std::string_view* value) const {
  switch (store) {
    case Store::kMeterDay: {
      MeterDayKeyParts parts;
      if (!ParseMeterDayKey(key, &parts)) return std::nullopt;
      return tasks_->TaskOf(parts.enterprise);
    }
    case Store::kMeta:
      return tasks_->TaskOfMetaRow(key, value);
    case Store::kProgress: {
      std::string_view topic;
      int32_t partition = 0;
      if (!ParseProgressKey(key, &topic, &partition) || topic != readings_topic_) {
        return std::nullopt;
      }
      return partition;
    }
    default:
      return std::nullopt;
  }
}

void TaskChangelog::BeforeWrite(StateBatch* batch) {
  struct Marker {
    int32_t task;
    ChangelogStore store;
    std::string key;
  };
  std::vector<Marker> markers;
  std::string last_enterprise;  // meter-days come by enterprise: one lookup for its meters
  std::optional<int32_t> last_task;
  RowVisitor visitor([&](uint32_t cf, std::string_view key, const std::string_view* value) {
    const Store store = state_->StoreOf(cf);
    const std::optional<ChangelogStore> logged = LoggedStoreOf(store);
    if (!logged) return;
    std::optional<int32_t> task;
    if (store == Store::kMeterDay) {
      MeterDayKeyParts parts;
      if (!ParseMeterDayKey(key, &parts)) return;
      if (parts.enterprise != last_enterprise) {
        last_enterprise.assign(parts.enterprise);
        last_task = tasks_->TaskOf(parts.enterprise);
      }
      task = last_task;
    } else {
      task = TaskOfRow(store, key, value);
    }
    if (!task || logged_.count(*task) == 0) return;
    markers.push_back({*task, *logged, std::string(key)});
  });
  // The batch's own Iterate cannot fail on the handler above (every column family op is
  // served); a malformed batch would fail its write just after with RocksDB's error.
  batch->changes().Iterate(&visitor).PermitUncheckedError();
  if (markers.empty()) return;
  const uint64_t write = ++writes_;
  for (const Marker& m : markers) PutChangelogMarker(batch, m.task, m.store, m.key, write);
}

Status TaskChangelog::DropUnsent(int32_t task, StateBatch* batch) const {
  std::string prefix(1, static_cast<char>(OutputKind::kChangelog));
  AppendFixed32(static_cast<uint32_t>(task), &prefix);
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kOutbox);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    batch->Delete(Store::kOutbox, std::string_view(it->key().data(), it->key().size()));
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

std::optional<ChangelogPositions> TaskChangelog::Positions(int32_t task) const {
  std::string bytes;
  if (!state_->Get(Store::kMeta, PositionsKey(task), &bytes).ok() ||
      bytes.size() != 8 * kChangelogStores.size()) {
    return std::nullopt;
  }
  ChangelogPositions positions;
  for (size_t i = 0; i < positions.size(); ++i) {
    positions[i] = static_cast<int64_t>(ReadFixed64(bytes.data() + 8 * i));
  }
  return positions;
}

void TaskChangelog::Advance(int32_t task, const ChangelogPositions& next, StateBatch* batch) const {
  ChangelogPositions positions = Positions(task).value_or(ChangelogPositions{0, 0, 0});
  for (size_t i = 0; i < positions.size(); ++i) {
    if (next[i] > positions[i]) positions[i] = next[i];
  }
  std::string bytes;
  for (int64_t p : positions) AppendFixed64(static_cast<uint64_t>(p), &bytes);
  batch->Put(Store::kMeta, PositionsKey(task), bytes);
}

Status TaskChangelog::Wipe(const std::set<int32_t>& tasks) {
  for (int32_t task : tasks) {
    if (logged_.count(task) > 0) {
      return Status::InvalidArgument("task 0_" + std::to_string(task) +
                                     " is held: its rows cannot be wiped");
    }
  }
  constexpr size_t kRowsPerBatch = 50000;
  for (const ChangelogStore logged : kChangelogStores) {
    const Store store = StateStoreOf(logged);
    StateBatch batch(state_);
    std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(store);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      const std::string_view key(it->key().data(), it->key().size());
      const std::string_view value(it->value().data(), it->value().size());
      const std::optional<int32_t> task = TaskOfRow(store, key, &value);
      if (!task || tasks.count(*task) == 0) continue;
      batch.Delete(store, key);
      if (batch.Count() >= kRowsPerBatch) {
        FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
        batch.Clear();
      }
    }
    if (!it->status().ok()) return Status::IOError(it->status().ToString());
    FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
  }
  // Their positions, and the markers of rows that are gone (they would send tombstones).
  StateBatch rest(state_);
  for (int32_t task : tasks) {
    rest.Delete(Store::kMeta, PositionsKey(task));
    FUGONG_RETURN_IF_ERROR(DropUnsent(task, &rest));
  }
  return state_->Write(&rest);
}

Status TaskChangelog::Apply(int32_t task, ChangelogStore store,
                            const std::vector<LogRecord>& records, int64_t next_offset,
                            RestoredTask* restored) {
  if (logged_.count(task) > 0) {
    return Status::InvalidArgument("task 0_" + std::to_string(task) +
                                   " is held: it cannot be restored");
  }
  const Store target = StateStoreOf(store);
  StateBatch batch(state_);
  for (const LogRecord& r : records) {
    const auto refuse = [&](const std::string& why) {
      return Status::Corruption("the record at offset " + std::to_string(r.offset) + " of the " +
                                std::string(ChangelogStoreName(store)) + " changelog of task 0_" +
                                std::to_string(task) + " " + why);
    };
    if (r.value && (r.value->empty() || (*r.value)[0] != kChangelogFormat)) {
      return refuse("is not in a format this version reads");
    }
    std::optional<std::string_view> value;
    if (r.value) value = std::string_view(*r.value).substr(1);
    // Nothing that could not have been written by a task 0_<task> enters the state: a record
    // of another group's or task's changelog, or a damaged one, stops the restore with its
    // offset rather than failing later, far from its cause.
    const std::string why = WhyNotARowOfTask(store, task, r.key, value ? &*value : nullptr);
    if (!why.empty()) return refuse(why);
    if (value) {
      batch.Put(target, r.key, *value);
    } else {
      batch.Delete(target, r.key);
    }
    ++restored->records;
    if (store != ChangelogStore::kMeterDay || !value) continue;
    MeterDayKeyParts parts;
    ParseMeterDayKey(r.key, &parts);  // checked above
    restored->meter_days.emplace_back(std::string(parts.enterprise), parts.day);
    if (!restored->day_span) {
      restored->day_span = std::make_pair(parts.day, parts.day);
    } else {
      restored->day_span->first = std::min(restored->day_span->first, parts.day);
      restored->day_span->second = std::max(restored->day_span->second, parts.day);
    }
  }
  ChangelogPositions next{-1, -1, -1};
  next[static_cast<size_t>(store)] = next_offset;
  Advance(task, next, &batch);
  return state_->Write(&batch);
}

}  // namespace fugong
