// A few threads kept for the life of their owner, to run fork-join steps many times a second.
//
// The ingest runs a parse step and an apply step for every few megabytes of input: thousands of
// steps per backfill. Starting threads per step (ParallelFor) is cheap, but cutting a step into
// exactly one piece per thread is not: whenever another thread (the file read-ahead, the RocksDB
// writer, a flush) takes a core, the piece on it finishes late and the other core waits. A pool
// runs a step as many small tasks that its threads take in turn, so a thread that was held up
// just takes fewer of them.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace fugong {

class WorkerPool {
 public:
  // `threads` counts the caller, which works too: threads - 1 are started (none for 1).
  explicit WorkerPool(int threads);
  ~WorkerPool();
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  int threads() const { return static_cast<int>(workers_.size()) + 1; }

  // Runs task(0) .. task(tasks - 1), each once, on the pool's threads and the caller's, and
  // returns when all are done. Tasks are started in order by whichever thread is free, so they
  // must not depend on each other. Not reentrant: one Run at a time, from the owner's thread.
  // A task must not throw (a throw on a pool thread ends the program, as on any std::thread).
  void Run(int tasks, const std::function<void(int)>& task);

 private:
  void WorkerLoop();
  void TakeTasks();

  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable start_;  // a new step, or stop
  std::condition_variable done_;   // the last worker left the step
  uint64_t step_ = 0;              // guarded by mu_: which step the workers are to join
  int working_ = 0;                // guarded by mu_: workers still in the current step
  bool stop_ = false;              // guarded by mu_
  // The current step, written under mu_ before the workers are woken.
  const std::function<void(int)>* task_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_{0};  // the next task to take
};

}  // namespace fugong
