#include "app/stream_poller.h"

#include <algorithm>
#include <exception>
#include <utility>

namespace fugong {

StreamPoller::StreamPoller(KafkaStreamConsumer* consumer, size_t max_messages, size_t depth,
                           KafkaStreamConsumer* global)
    : consumer_(consumer),
      global_(global),
      max_messages_(max_messages),
      depth_(depth == 0 ? 1 : depth) {}

StreamPoller::~StreamPoller() { Stop(); }

void StreamPoller::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StreamPoller::Recycle(PolledBatch batch) {
  std::lock_guard<std::mutex> lock(mu_);
  recycled_.push_back(std::move(batch));
}

PolledBatch StreamPoller::TakeBatch() {
  std::vector<PolledBatch> recycled;
  {
    std::lock_guard<std::mutex> lock(mu_);
    recycled.swap(recycled_);
  }
  for (PolledBatch& b : recycled) b.held.Release();  // outside the lock: this takes a while
  PolledBatch batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (PolledBatch& b : recycled) {
      if (spare_.size() <= depth_) spare_.push_back(std::move(b));
    }
    if (!spare_.empty()) {
      batch = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  // Room for a whole poll at once: growing by doubling would copy and fault in twice as much.
  batch.messages.reserve(max_messages_);
  return batch;
}

void StreamPoller::CommitAsync(Offsets offsets) {
  std::lock_guard<std::mutex> lock(mu_);
  to_commit_ = std::move(offsets);
}

Status StreamPoller::RunOnJobThread(std::function<Status()> work) {
  std::unique_lock<std::mutex> lock(mu_);
  requested_work_ = std::move(work);
  revoke_requested_ = true;
  revoke_result_.reset();
  changed_.notify_all();
  changed_.wait(lock, [&] { return revoke_result_.has_value(); });
  Status result = std::move(*revoke_result_);
  revoke_requested_ = false;
  requested_work_ = nullptr;
  revoke_result_.reset();
  return result;
}

void StreamPoller::Push(PolledBatch batch) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return stop_ || queue_.size() < depth_; });
  if (stop_) return;
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

bool StreamPoller::PollOnce() {
  PolledBatch batch = TakeBatch();
  batch.gaps.clear();
  global_messages_.clear();
  Status global_status;
  if (global_ != nullptr) {
    // What the global topics have fetched already; their messages are few (a registry, a day's
    // weather), so a tenth of a batch is room enough.
    global_status = global_->Poll(std::chrono::milliseconds(0),
                                  std::max<size_t>(max_messages_ / 10, 1), &global_messages_);
    global_->HandOver(&batch.held);
  }
  batch.status = consumer_->Poll(std::chrono::milliseconds(100), max_messages_, &batch.messages);
  if (batch.status.ok()) batch.status = global_status;
  batch.polled_at = std::chrono::steady_clock::now();
  consumer_->HandOver(&batch.held);  // the views stay valid until Recycle
  batch.messages.insert(batch.messages.begin(), global_messages_.begin(), global_messages_.end());
  batch.gaps = consumer_->TakeGaps();
  batch.partitions = consumer_->Partitions();
  batch.assignment_generation = consumer_->assignment_generation();
  batch.rebalancing = consumer_->rebalancing();
  if (global_ != nullptr) {
    for (PartitionGap& gap : global_->TakeGaps()) batch.gaps.push_back(std::move(gap));
    for (PartitionStatus& p : global_->Partitions()) batch.partitions.push_back(std::move(p));
    batch.assignment_generation += global_->assignment_generation();
  }
  std::optional<Offsets> offsets;
  {
    std::lock_guard<std::mutex> lock(mu_);
    offsets.swap(to_commit_);
  }
  if (offsets) consumer_->CommitAsync(*offsets);
  const bool ok = batch.status.ok();
  Push(std::move(batch));
  return ok;
}

void StreamPoller::Run() {
  Status failure;
  try {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) break;
      }
      // A failed Poll is final (every later one returns it): the job thread has it, stop here.
      if (!PollOnce()) break;
    }
  } catch (const std::exception& e) {
    failure = Status::IOError(std::string("the Kafka poller thread failed: ") + e.what());
  } catch (...) {
    failure = Status::IOError("the Kafka poller thread failed");
  }
  std::lock_guard<std::mutex> lock(mu_);
  if (!failure.ok() && !stop_) {
    PolledBatch batch;
    batch.status = std::move(failure);
    queue_.push_back(std::move(batch));
  }
  ended_ = true;
  changed_.notify_all();
}

}  // namespace fugong
