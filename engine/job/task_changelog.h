// The changelogs of the tasks' state (docs/scale-out.md, "Changelogs and restore"): every change
// to a logged row of a task this instance holds is also written to the store's changelog topic,
// partition = the task; an instance given a task restores its rows from there before it reads
// the task's readings, as a Kafka Streams task restores its stores.
//
// Writing: TaskChangelog taps the state's writes (StateWriteTap). For each row of a logged store
// (changelog_store.h) whose task is held, it adds a marker to the outbox in the same batch, so
// the changelog gets the row exactly when its batch is durable, and after a kill -9 the outbox
// sends it again. The row itself is read when the outbox is sent (outbox.h).
//
// Positions: where this instance's copy of a task agrees with the changelogs (the next offset of
// each), meta rows `clog\0<task>`. Advanced by a restore (in the batch of the rows it applied) and
// by the acknowledgement of this instance's own changelog records; forgotten when the task is
// revoked, since rows of a task not held may then change here (a close scores every enterprise
// it has rows of) without being logged. A task with positions restores only the changelogs'
// tail; one without is wiped and restored from the beginning.
//
// Threads: SetLogged, Wipe and the restore run on the job thread while no commit is written;
// BeforeWrite runs on whichever thread writes, and reads what SetLogged set only for rows of the
// logged stores (the index follower's writes never reach that).
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "engine/common/date.h"
#include "engine/job/changelog_store.h"
#include "engine/job/stream_message.h"
#include "engine/job/task_partials_sender.h"
#include "engine/state/state_store.h"

namespace fugong {

// The next offset to read of each changelog (kChangelogStores order).
using ChangelogPositions = std::array<int64_t, kChangelogStores.size()>;

// What a restore applied, for the job to take the task on (StreamJob::FinishRestore).
struct RestoredTask {
  int32_t task = -1;
  uint64_t records = 0;
  // The enterprise-days of the meter-day rows restored: closed work they reach is done again.
  std::vector<std::pair<std::string, Day>> meter_days;
  std::optional<std::pair<Day, Day>> day_span;
};

class TaskChangelog final : public StateWriteTap {
 public:
  TaskChangelog(StateStore* state, const TaskPartialsSender* tasks, std::string readings_topic);

  // The tasks whose changes are logged from now on (the readings partitions held).
  void SetLogged(std::set<int32_t> tasks) { logged_ = std::move(tasks); }
  bool logged(int32_t task) const { return logged_.count(task) > 0; }
  // Stops logging `task` (revoked). Its positions stay: the logged rows of a task not held are
  // never changed here (only its readings, its enterprises' task rows, its partials and its
  // progress write them), so the copy still agrees with the changelogs up to them.
  void Release(int32_t task) { logged_.erase(task); }
  // Deletes the outbox's changelog markers of `task` in `batch` (a wipe: their rows are gone).
  Status DropUnsent(int32_t task, StateBatch* batch) const;

  void BeforeWrite(StateBatch* batch) override;

  // The task's positions; none when this instance has no copy of the task it can trust.
  std::optional<ChangelogPositions> Positions(int32_t task) const;
  // In `batch`: the positions after this instance's own records of `task`, acknowledged at
  // `next` (only those given: -1 leaves a changelog's position as it is).
  void Advance(int32_t task, const ChangelogPositions& next, StateBatch* batch) const;

  // Deletes every row of `tasks` this instance has, with their positions and unsent markers, in
  // one pass over the logged stores (a restore from the beginning follows). InvalidArgument
  // while one of them is logged.
  Status Wipe(const std::set<int32_t>& tasks);
  // Applies changelog records of `task` (read from `positions` on) and writes them with the
  // positions after them in one batch.
  Status Apply(int32_t task, ChangelogStore store, const std::vector<LogRecord>& records,
               int64_t next_offset, RestoredTask* restored);

 private:
  // Empty when a changelog record (value: null for a tombstone) is a well-formed row of
  // `store` that task 0_<task> could have written; otherwise why not.
  std::string WhyNotARowOfTask(ChangelogStore store, int32_t task, std::string_view key,
                               const std::string_view* value) const;
  // The task a row belongs to, when it belongs to one (value: null for a delete).
  std::optional<int32_t> TaskOfRow(Store store, std::string_view key,
                                   const std::string_view* value) const;

  StateStore* state_;
  const TaskPartialsSender* tasks_;
  const std::string readings_topic_;
  std::set<int32_t> logged_;
  std::atomic<uint64_t> writes_{0};  // numbers the markers (PutChangelogMarker)
};

}  // namespace fugong
