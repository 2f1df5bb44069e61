#include "app/task_restorer.h"

#include <algorithm>
#include <array>
#include <set>
#include <utility>
#include <vector>

#include "connectors/kafka/topic_metadata.h"
#include "engine/common/decimal.h"

namespace fugong {

Result<ChangelogTopics> CheckChangelogTopics(const KafkaConfig& config, const std::string& group,
                                             size_t partitions) {
  ChangelogTopics topics;
  for (ChangelogStore store : kChangelogStores) {
    const std::string topic = ChangelogTopic(group, store);
    const std::string create = "create it with " + std::to_string(partitions) +
                               " partitions (as many as the readings topic) and "
                               "cleanup.policy=compact (docs/scale-out.md)";
    Result<std::vector<int32_t>> found = TopicPartitionsOf(config, topic, std::chrono::seconds(10));
    if (!found.ok()) {
      return Status::InvalidArgument("changelog topic " + topic + ": " + found.status().message() +
                                     "; " + create);
    }
    if (found->size() != partitions) {
      return Status::InvalidArgument("changelog topic " + topic + " has " +
                                     std::to_string(found->size()) + " partitions: " + create);
    }
    topics[static_cast<size_t>(store)] = topic;
  }
  return topics;
}

TaskRestorer::TaskRestorer(KafkaConfig config, ChangelogTopics topics, StreamJob* job,
                           std::function<void()> report,
                           std::function<void(const std::string&)> log)
    : config_(std::move(config)),
      topics_(std::move(topics)),
      job_(job),
      report_(std::move(report)),
      log_(std::move(log)) {}

Status TaskRestorer::Restore(const std::vector<int32_t>& tasks) {
  if (tasks.empty()) return Status::OK();
  const auto started = std::chrono::steady_clock::now();
  if (reader_ == nullptr) {
    Result<std::unique_ptr<PartitionsReader>> made = PartitionsReader::Create(config_);
    if (!made.ok()) return made.status();
    reader_ = std::move(made).value();
  }
  // A task without positions is wiped and read from the beginning.
  std::vector<ChangelogPositions> positions;
  std::vector<bool> from_start;
  std::set<int32_t> wipe;
  for (int32_t task : tasks) {
    const std::optional<ChangelogPositions> at = job_->RestorePositions(task);
    positions.push_back(at.value_or(ChangelogPositions{0, 0, 0}));
    from_start.push_back(!at);
    if (!at) wipe.insert(task);
  }
  FUGONG_RETURN_IF_ERROR(job_->WipeTasks(wipe));
  std::vector<int64_t> ends;
  Status read = Assign(tasks, positions, &ends);
  // A copy whose changelogs were written past its positions (another instance held the task
  // since, or this one was killed before the acknowledgement of records it had sent) cannot be
  // completed from the tail: its own unsent changes may be newer or older than what is there, and
  // its progress may be ahead of the changelogs'. It is read again whole, and the changelogs'
  // progress says where its readings go on.
  wipe.clear();
  for (size_t i = 0; read.ok() && i < tasks.size(); ++i) {
    bool moved_on = false;
    for (size_t k = 0; k < kChangelogStores.size(); ++k) {
      moved_on |= ends[i * kChangelogStores.size() + k] > positions[i][k];
    }
    if (from_start[i] || !moved_on) continue;
    positions[i] = ChangelogPositions{0, 0, 0};
    from_start[i] = true;
    wipe.insert(tasks[i]);
  }
  if (read.ok() && !wipe.empty()) {
    FUGONG_RETURN_IF_ERROR(job_->WipeTasks(wipe));
    read = Assign(tasks, positions, &ends);
  }
  std::vector<RestoredTask> restored(tasks.size());
  if (read.ok()) read = ReadChangelogs(tasks, positions, ends, &restored);
  job_->SetRestoreProgress("", 0);
  if (!read.ok()) {
    std::string names;
    for (int32_t task : tasks) names += (names.empty() ? "0_" : ", 0_") + std::to_string(task);
    return Status::IOError("cannot restore task(s) " + names +
                           " from their changelogs, so their partitions are not read and no "
                           "total that needs them is published: " +
                           read.message());
  }
  uint64_t records = 0;
  for (size_t i = 0; i < tasks.size(); ++i) restored[i].task = tasks[i];
  FUGONG_RETURN_IF_ERROR(job_->FinishRestore(restored));
  for (size_t i = 0; i < tasks.size(); ++i) {
    records += restored[i].records;
    log_("restored task 0_" + std::to_string(tasks[i]) + " from its changelogs (" +
         (from_start[i] ? "from the beginning" : "the tail after this instance's copy") +
         "): " + std::to_string(restored[i].records) + " records, " +
         std::to_string(restored[i].meter_days.size()) + " meter-days");
  }
  report_();
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  log_("restored " + std::to_string(tasks.size()) + " tasks: " + std::to_string(records) +
       " changelog records in " + FormatFixed(seconds, 3) + " s");
  return Status::OK();
}

Status TaskRestorer::Assign(const std::vector<int32_t>& tasks,
                            const std::vector<ChangelogPositions>& positions,
                            std::vector<int64_t>* ends) {
  // Start j reads store j % 3 of task j / 3.
  std::vector<PartitionsReader::Start> starts;
  for (size_t i = 0; i < tasks.size(); ++i) {
    for (size_t k = 0; k < kChangelogStores.size(); ++k) {
      starts.push_back({topics_[k], tasks[i], positions[i][k]});
    }
  }
  return reader_->Assign(starts, std::chrono::seconds(10), ends);
}

Status TaskRestorer::ReadChangelogs(const std::vector<int32_t>& tasks,
                                    const std::vector<ChangelogPositions>& positions,
                                    const std::vector<int64_t>& ends,
                                    std::vector<RestoredTask>* restored) {
  constexpr size_t kStores = kChangelogStores.size();
  std::vector<int64_t> at;
  for (const ChangelogPositions& p : positions) at.insert(at.end(), p.begin(), p.end());
  const auto remaining = [&] {
    int64_t left = 0;
    for (size_t j = 0; j < at.size(); ++j) left += std::max<int64_t>(0, ends[j] - at[j]);
    return left;
  };
  uint64_t applied = 0;
  std::vector<std::pair<size_t, LogRecord>> polled;
  std::vector<std::vector<LogRecord>> by_start(at.size());
  auto last_progress = std::chrono::steady_clock::now();
  while (remaining() > 0) {
    polled.clear();
    FUGONG_RETURN_IF_ERROR(reader_->Poll(std::chrono::milliseconds(200), 20000, &polled));
    for (auto& [j, record] : polled) {
      // Only what the changelog held when the restore began (and nothing before the position).
      if (record.offset < at[j] || record.offset >= ends[j]) continue;
      by_start[j].push_back(std::move(record));
    }
    bool moved = false;
    for (size_t j = 0; j < at.size(); ++j) {
      if (at[j] >= ends[j]) continue;
      int64_t next = by_start[j].empty() ? at[j] : by_start[j].back().offset + 1;
      // Compaction leaves gaps in the offsets: the reader's position passes them.
      next = std::max(next, std::min(reader_->Position(j), ends[j]));
      if (next == at[j] && by_start[j].empty()) continue;
      FUGONG_RETURN_IF_ERROR(job_->ApplyRestored(tasks[j / kStores], kChangelogStores[j % kStores],
                                                 by_start[j], next, &(*restored)[j / kStores]));
      applied += by_start[j].size();
      by_start[j].clear();
      at[j] = next;
      moved = true;
    }
    if (!moved) {
      if (std::chrono::steady_clock::now() - last_progress > stall) {
        return Status::IOError(
            "the changelogs gave nothing for " + std::to_string(stall.count() / 1000) + " s with " +
            std::to_string(remaining()) + " records still to read: " + reader_->last_error());
      }
      continue;
    }
    last_progress = std::chrono::steady_clock::now();
    job_->SetRestoreProgress(std::to_string(tasks.size()) + " task(s): " + std::to_string(applied) +
                                 " changelog records read, " + std::to_string(remaining()) +
                                 " to go",
                             static_cast<uint64_t>(remaining()));
    report_();
  }
  // The positions also where there was nothing to read: the copy is trusted up to the ends.
  for (size_t j = 0; j < at.size(); ++j) {
    if (at[j] == positions[j / kStores][j % kStores]) {
      FUGONG_RETURN_IF_ERROR(job_->ApplyRestored(tasks[j / kStores], kChangelogStores[j % kStores],
                                                 {}, ends[j], &(*restored)[j / kStores]));
    }
  }
  return Status::OK();
}

}  // namespace fugong
