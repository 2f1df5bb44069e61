// Restores a task's state from its changelogs before the task's readings are read
// (docs/scale-out.md, "Changelogs and restore"), as Kafka Streams' StoreChangelogReader restores
// a task's stores: each changelog's partition = the task, from the position this instance's
// copy has (the tail) or, with no trusted copy, from the beginning (the task's rows are wiped
// first), up to the end offset it had when the restore began.
//
// Runs on the job thread with no commit under way and the outbox sent (the service asks for it
// from inside the consumer's assignment, through StreamPoller::RunOnJobThread): the partition is
// assigned at the offset the restored progress gives, so no reading of it is read before its
// state is whole.
#pragma once

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/partitions_reader.h"
#include "engine/common/status.h"
#include "engine/job/changelog_store.h"
#include "engine/job/stream_job.h"

namespace fugong {

// The changelog topic of each logged store (kChangelogStores order).
using ChangelogTopics = std::array<std::string, kChangelogStores.size()>;

// The changelog topics of `group`, checked to exist with `partitions` partitions each (one per
// readings partition): InvalidArgument naming what to create otherwise. Kafka Streams creates
// its internal topics itself; the mock cluster has no CreateTopics, so here the deployment
// creates them (deploy/, `fugong broker`), and the service only checks.
Result<ChangelogTopics> CheckChangelogTopics(const KafkaConfig& config, const std::string& group,
                                             size_t partitions);

class TaskRestorer {
 public:
  // `report` is called after every applied slice (the job's status shows the restore);
  // `log` hears one line per restored task.
  TaskRestorer(KafkaConfig config, ChangelogTopics topics, StreamJob* job,
               std::function<void()> report, std::function<void(const std::string&)> log);

  // Restores `tasks` (those of one assignment, together: one restore consumer assignment and one
  // offsets request for all their changelog partitions); StreamJob::StartOffset then gives where
  // each one's readings go on. An error when a changelog cannot be read whole (deleted,
  // truncated, unreachable for `stall` with no progress): the tasks' state would be wrong, so
  // the service stops and says why.
  Status Restore(const std::vector<int32_t>& tasks);

  std::chrono::milliseconds stall = std::chrono::seconds(60);

 private:
  // Reads each task's changelog partitions from its `positions` to their ends into the job.
  // Assigns the restore consumer each task's changelog partitions at `positions`.
  Status Assign(const std::vector<int32_t>& tasks, const std::vector<ChangelogPositions>& positions,
                std::vector<int64_t>* ends);
  // Reads them up to `ends` into the job.
  Status ReadChangelogs(const std::vector<int32_t>& tasks,
                        const std::vector<ChangelogPositions>& positions,
                        const std::vector<int64_t>& ends, std::vector<RestoredTask>* restored);

  KafkaConfig config_;
  ChangelogTopics topics_;
  StreamJob* job_;
  std::function<void()> report_;
  std::function<void(const std::string&)> log_;
  std::unique_ptr<PartitionsReader> reader_;  // made at the first restore, kept for the next
};

}  // namespace fugong
