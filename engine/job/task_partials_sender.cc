#include "engine/job/task_partials_sender.h"

#include "engine/common/little_endian.h"
#include "engine/groups/day_group_sums.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/job/outbox.h"

namespace fugong {

namespace {

// meta rows: the task of an enterprise, a task's data span, a task's last sequence.
constexpr std::string_view kTaskOf = std::string_view("task\0", 5);
constexpr std::string_view kSpan = std::string_view("pspan\0", 6);
constexpr std::string_view kSequence = std::string_view("pseq\0", 5);

std::string TaskKey(std::string_view prefix, int32_t task) {
  std::string key(prefix);
  AppendLittleEndian(static_cast<uint32_t>(task), 4, &key);
  return key;
}

}  // namespace

TaskPartialsSender::TaskPartialsSender(StateStore* state, int32_t owners)
    : state_(state), owners_(owners) {}

Status TaskPartialsSender::Load() {
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeta);
  for (const std::string_view prefix : {kTaskOf, kSpan, kSequence}) {
    for (it->Seek(rocksdb::Slice(prefix.data(), prefix.size()));
         it->Valid() && it->key().starts_with(rocksdb::Slice(prefix.data(), prefix.size()));
         it->Next()) {
      const std::string_view key(it->key().data() + prefix.size(),
                                 it->key().size() - prefix.size());
      const std::string_view value(it->value().data(), it->value().size());
      if (prefix == kTaskOf) {
        if (value.size() != 4) return Status::Corruption("bad task row");
        task_of_[std::string(key)] = static_cast<int32_t>(ReadLittleEndian(value));
        continue;
      }
      if (key.size() != 4) return Status::Corruption("bad partials task key");
      const int32_t task = static_cast<int32_t>(ReadLittleEndian(key));
      if (prefix == kSpan) {
        if (value.size() != 8) return Status::Corruption("bad partials span");
        span_[task] = {static_cast<Day>(static_cast<int32_t>(ReadLittleEndian(value.substr(0, 4)))),
                       static_cast<Day>(static_cast<int32_t>(ReadLittleEndian(value.substr(4))))};
      } else {
        if (value.size() != 8) return Status::Corruption("bad partials sequence");
        sequence_[task] = static_cast<int64_t>(ReadLittleEndian(value));
      }
    }
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

std::optional<int32_t> TaskPartialsSender::TaskOf(std::string_view id) const {
  const auto it = task_of_.find(std::string(id));
  if (it == task_of_.end()) return std::nullopt;
  return it->second;
}

std::optional<int32_t> TaskPartialsSender::TaskOfMetaRow(std::string_view key,
                                                         const std::string_view* value) const {
  if (key.starts_with(kTaskOf)) {
    if (value != nullptr) {
      if (value->size() != 4) return std::nullopt;
      return static_cast<int32_t>(ReadLittleEndian(*value));
    }
    return TaskOf(key.substr(kTaskOf.size()));
  }
  for (const std::string_view prefix : {kSpan, kSequence}) {
    if (key.starts_with(prefix) && key.size() == prefix.size() + 4) {
      return static_cast<int32_t>(ReadLittleEndian(key.substr(prefix.size())));
    }
  }
  return std::nullopt;
}

bool TaskPartialsSender::IsRowOfTask(std::string_view key, const std::string_view* value,
                                     int32_t task) {
  if (key.starts_with(kTaskOf)) {
    if (key.size() == kTaskOf.size()) return false;  // no enterprise id
    return value == nullptr ||
           (value->size() == 4 && static_cast<int32_t>(ReadLittleEndian(*value)) == task);
  }
  for (const std::string_view prefix : {kSpan, kSequence}) {
    if (key.starts_with(prefix)) {
      return key.size() == prefix.size() + 4 &&
             static_cast<int32_t>(ReadLittleEndian(key.substr(prefix.size()))) == task &&
             (value == nullptr || value->size() == 8);
    }
  }
  return false;
}

void TaskPartialsSender::ForgetTask(int32_t task) {
  std::erase_if(task_of_, [&](const auto& entry) { return entry.second == task; });
  span_.erase(task);
  sequence_.erase(task);
}

void TaskPartialsSender::Note(std::string_view id, int32_t task, StateBatch* batch) {
  const std::string key(id);
  if (auto it = noted_.find(key); it != noted_.end()) {
    if (it->second == task) return;
  } else if (auto known = task_of_.find(key); known != task_of_.end() && known->second == task) {
    return;
  }
  noted_[key] = task;
  std::string value;
  AppendLittleEndian(static_cast<uint32_t>(task), 4, &value);
  batch->Put(Store::kMeta, std::string(kTaskOf) + key, value);
}

void TaskPartialsSender::ApplyNoted() {
  for (auto& [id, task] : noted_) task_of_[id] = task;
  noted_.clear();
}

int64_t TaskPartialsSender::NextSequence(int32_t task, StateBatch* batch) {
  // Grows with the task's progress, also across instances: the committed readings offset in the
  // high bits, and a count of messages sent at that offset below.
  const auto held = held_.find(task);
  const int64_t floor = (held != held_.end() ? held->second : 0) << 20;
  int64_t& last = sequence_[task];
  last = std::max(last + 1, floor);
  std::string value;
  AppendLittleEndian(static_cast<uint64_t>(last), 8, &value);
  batch->Put(Store::kMeta, TaskKey(kSequence, task), value);
  return last;
}

void TaskPartialsSender::SendDay(Day day, const std::vector<ScoredEnterprise>& scores,
                                 const EnterpriseRegistry& registry, GroupMembership* membership,
                                 StateBatch* batch) {
  if (held_.empty()) return;
  std::map<int32_t, std::vector<ScoredEnterprise>> by_task;
  for (const auto& [task, offset] : held_) by_task[task];
  for (const ScoredEnterprise& s : scores) {
    const auto task = task_of_.find(s.id);
    if (task == task_of_.end()) continue;
    auto held = by_task.find(task->second);
    if (held != by_task.end()) held->second.push_back(s);
  }
  for (const auto& [task, held] : by_task) {
    bool has_data = false;
    const std::vector<ExactGroupSums> sums = ScoredSums(day, registry, held, membership, &has_data);
    if (has_data) {
      auto [span, fresh] = span_.try_emplace(task, day, day);
      if (!fresh) {
        span->second.first = std::min(span->second.first, day);
        span->second.second = std::max(span->second.second, day);
      }
      std::string value;
      AppendLittleEndian(static_cast<uint32_t>(span->second.first), 4, &value);
      AppendLittleEndian(static_cast<uint32_t>(span->second.second), 4, &value);
      batch->Put(Store::kMeta, TaskKey(kSpan, task), value);
    }
    const int64_t sequence = NextSequence(task, batch);
    const std::vector<TaskDayPartial> cut =
        SplitByPartialsPartition(day, task, sequence, sums, membership->catalog(), owners_);
    for (int32_t q = 0; q < owners_; ++q) {
      PutPartial(batch, q, PartialKey(cut[q]), PartialValue(cut[q]));
      ++partials_sent_;
    }
  }
}

void TaskPartialsSender::SendWatermarks(Day closed_through, const std::map<int32_t, Day>& limits,
                                        StateBatch* batch) {
  for (const auto& [task, offset] : held_) {
    TaskWatermark w;
    w.task = task;
    w.sequence = NextSequence(task, batch);
    w.closed_through = closed_through;
    if (auto limit = limits.find(task); limit != limits.end()) {
      w.closed_through = std::min(closed_through, limit->second);
    }
    if (auto span = span_.find(task); span != span_.end()) w.data_span = span->second;
    const std::string value = WatermarkValue(w);
    for (int32_t q = 0; q < owners_; ++q) PutPartial(batch, q, WatermarkKey(task), value);
  }
}

}  // namespace fugong
