#include "engine/common/worker_pool.h"

namespace fugong {

WorkerPool::WorkerPool(int threads) {
  for (int i = 1; i < threads; ++i) workers_.emplace_back([this] { WorkerLoop(); });
}

WorkerPool::~WorkerPool() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stop_ = true;
  }
  start_.notify_all();
  for (std::thread& t : workers_) t.join();
}

void WorkerPool::Run(int tasks, const std::function<void(int)>& task) {
  if (tasks <= 0) return;
  if (workers_.empty() || tasks == 1) {
    for (int i = 0; i < tasks; ++i) task(i);
    return;
  }
  {
    std::lock_guard<std::mutex> lock(mu_);
    task_ = &task;
    tasks_ = tasks;
    next_.store(0, std::memory_order_relaxed);
    working_ = static_cast<int>(workers_.size());
    ++step_;
  }
  start_.notify_all();
  TakeTasks();
  // Every worker leaves the step before Run returns, so none can still read task_ or take a
  // task of the next step with the old function.
  std::unique_lock<std::mutex> lock(mu_);
  done_.wait(lock, [this] { return working_ == 0; });
}

void WorkerPool::TakeTasks() {
  for (int i = next_.fetch_add(1, std::memory_order_relaxed); i < tasks_;
       i = next_.fetch_add(1, std::memory_order_relaxed)) {
    (*task_)(i);
  }
}

void WorkerPool::WorkerLoop() {
  uint64_t seen = 0;
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mu_);
      start_.wait(lock, [&] { return stop_ || step_ != seen; });
      if (stop_) return;
      seen = step_;
    }
    TakeTasks();
    std::lock_guard<std::mutex> lock(mu_);
    if (--working_ == 0) done_.notify_one();
  }
}

}  // namespace fugong
