#include "app/commit_thread.h"

#include <chrono>
#include <exception>
#include <string>
#include <utility>

namespace fugong {

CommitThread::~CommitThread() {
  if (running_.valid()) running_.wait();
}

void CommitThread::Start(std::function<Status()> task) {
  // A thread per task, as StateWriteBehind: a commit is tens of milliseconds or more, starting a
  // thread tens of microseconds, and nothing is left running between commits.
  running_ = std::async(std::launch::async, [task = std::move(task)]() -> Status {
    try {
      return task();
    } catch (const std::exception& e) {
      return Status::IOError(std::string("the commit thread failed: ") + e.what());
    } catch (...) {
      return Status::IOError("the commit thread failed");
    }
  });
}

bool CommitThread::done() const {
  return running_.valid() &&
         running_.wait_for(std::chrono::seconds(0)) == std::future_status::ready;
}

Status CommitThread::Wait() {
  if (!running_.valid()) return Status::OK();
  return running_.get();
}

}  // namespace fugong
