// The service's commit thread: runs one task at a time (a commit's state write, its close and
// the outbox's sends) while the job thread adds the next batch (docs/streaming.md, "Threads").
//
// At most one task is under way: Start requires the one before to have been waited for, so the
// tasks run in the order they were started and never overlap each other. Whatever a task throws
// is caught on its thread and comes back from Wait as an IOError: nothing escapes it.
//
// Not StateWriteBehind (engine/state/state_write_behind.h): that writes batches only, and the
// close that follows a commit's write must run after it on the same side of the pipeline.
#pragma once

#include <functional>
#include <future>

#include "engine/common/status.h"

namespace fugong {

class CommitThread {
 public:
  CommitThread() = default;
  // Waits for the task under way (its status is dropped: the caller is leaving on another error).
  ~CommitThread();
  CommitThread(const CommitThread&) = delete;
  CommitThread& operator=(const CommitThread&) = delete;

  // Starts `task` on a thread of its own. Requires !busy().
  void Start(std::function<Status()> task);
  // A task was started and not waited for yet.
  bool busy() const { return running_.valid(); }
  // A task was started and has ended: Wait will not block.
  bool done() const;
  // Waits for the task under way and returns its status (OK when none is).
  Status Wait();

 private:
  std::future<Status> running_;
};

}  // namespace fugong
