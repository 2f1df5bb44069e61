// The sending side of totals across tasks (docs/scale-out.md, sub-topology 0's last step): which
// task (readings partition) each enterprise's readings come on, which tasks this instance holds,
// and for each day the close sums, each held task's ScoredSums cut by owner into the outbox,
// then after the close each held task's watermark. The owners (TotalsPublisher, one per
// partials partition) add them up into the records.
//
// Threads: Note is called on the job thread while a commit may run; what it notes is used from
// the next Seal on (ApplyNoted), so the close on the commit thread reads the task of each
// enterprise as of its sealed input. SetHeld also runs at Seal. SendDay and SendWatermarks run
// in the close.
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "engine/common/date.h"
#include "engine/groups/group_membership.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/score/day_score.h"
#include "engine/state/state_store.h"

namespace fugong {

class TaskPartialsSender {
 public:
  // `owners`: the partials topic's partition count.
  TaskPartialsSender(StateStore* state, int32_t owners);

  // Restores the task of each enterprise, each task's data span and sequence from state.
  Status Load();

  // Job thread: a reading of `id` came on readings partition `task`. A new or changed task is
  // written to `batch` (the next commit's) and used from the next ApplyNoted.
  void Note(std::string_view id, int32_t task, StateBatch* batch);
  // Job thread, at a seal: what was noted since, and the tasks held with their committed
  // readings offsets (the sequences of what is sent grow with them).
  void ApplyNoted();
  void SetHeld(std::map<int32_t, int64_t> committed_offsets) {
    held_ = std::move(committed_offsets);
  }

  // The close: each held task's partials of `day` from the day's scores (sorted by id; those of
  // enterprises in tasks not held are stale state and are left out) into the outbox, in
  // `batch`, with the tasks' spans and sequences.
  void SendDay(Day day, const std::vector<ScoredEnterprise>& scores,
               const EnterpriseRegistry& registry, GroupMembership* membership, StateBatch* batch);
  // Each held task's watermark, to every owner, in `batch`: closed through `closed_through`, or
  // for a task in `limits` through no later than its limit. A task this instance was just given
  // is behind (its partition has unread messages): the days this instance closed before it read
  // them lack the task's enterprises, whose partials come as late input once read. Its watermark
  // must not say those days are closed before then.
  void SendWatermarks(Day closed_through, const std::map<int32_t, Day>& limits, StateBatch* batch);

  // The task of `id` as of the last ApplyNoted, if known.
  std::optional<int32_t> TaskOf(std::string_view id) const;
  // The task a meta row of this class belongs to (its task row, span or sequence); none for
  // other meta rows. `value` is null for a delete.
  std::optional<int32_t> TaskOfMetaRow(std::string_view key, const std::string_view* value) const;
  // Whether a meta row is a well-formed row of this class of `task`: the task row of an
  // enterprise in `task`, or `task`'s span or sequence (`value` null: a delete, of which only the
  // key is checked). What a restore checks before it applies a task changelog's record.
  static bool IsRowOfTask(std::string_view key, const std::string_view* value, int32_t task);
  // Forgets what it knows of `task` (its rows are being wiped); Load takes it in again.
  void ForgetTask(int32_t task);

  int32_t owners() const { return owners_; }
  uint64_t partials_sent() const { return partials_sent_; }

 private:
  int64_t NextSequence(int32_t task, StateBatch* batch);

  StateStore* state_;
  const int32_t owners_;
  std::unordered_map<std::string, int32_t> task_of_;  // read by the close, changed at seals
  std::unordered_map<std::string, int32_t> noted_;    // job thread: since the last seal
  std::map<int32_t, int64_t> held_;                   // task -> committed readings offset
  std::map<int32_t, std::pair<Day, Day>> span_;       // task -> first and last day with data
  std::map<int32_t, int64_t> sequence_;               // task -> last sequence sent
  uint64_t partials_sent_ = 0;
};

}  // namespace fugong
