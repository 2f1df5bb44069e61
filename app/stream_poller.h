// The consumer side of the service's pipeline: a thread that polls the Kafka consumer and hands
// each poll's messages to the job thread through a short queue. A batch holds its messages in
// librdkafka's fetch buffers (HeldMessages) until the job thread recycles it: read where they
// lie, never copied.
// While the job thread adds and commits one batch, this thread polls the next, so librdkafka's
// fetchers are drained (and keep fetching) during the job's work instead of stalling behind it.
//
// The poller thread owns the consumer while it runs: every call to it (Poll, TakeGaps,
// Partitions, CommitAsync) is made there, and what the job thread needs of it travels with the
// batches (gaps, the assignment) or through a request (offsets to commit). Callbacks the consumer
// makes inside Poll (StartOffset, the revoke callback) therefore run on the poller thread; the
// revoke callback asks the job thread to commit with `CommitOnJobThread` and waits for it.
//
// Stop() ends the thread and gives the consumer back to the caller (for CommitAsync and Close).
// Nothing the poller did changes what is durable: the job's state and offsets only move with the
// job thread's commits, so batches polled but never added are read again after a restart.
#pragma once

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "connectors/kafka/held_messages.h"
#include "connectors/kafka/kafka_stream_consumer.h"
#include "engine/common/status.h"
#include "engine/job/stream_message.h"

namespace fugong {

// What one Poll gave, holding its messages.
struct PolledBatch {
  Status status;                        // not OK: the consumer cannot go on
  std::vector<StreamMessage> messages;  // views into `held`
  std::vector<PartitionGap> gaps;       // found by this poll, to add before its messages
  // The assignment after this poll (empty: none): the group's partitions, then the global ones.
  std::vector<PartitionStatus> partitions;
  // The sum of both consumers' assignment_generation after it: changes when either changes.
  uint64_t assignment_generation = 0;
  // The group consumer's rebalancing() after it.
  bool rebalancing = false;
  std::chrono::steady_clock::time_point polled_at;
  HeldMessages held;  // the messages themselves, librdkafka's until released
};

class StreamPoller {
 public:
  using Offsets = std::vector<std::tuple<std::string, int32_t, int64_t>>;

  // `consumer` (the group's) must outlive the poller; `max_messages` per Poll; `depth` batches
  // may wait. `global` (optional, also outliving the poller) reads the global tables' topics: it
  // is polled first, without waiting, and its messages come at the front of the batch, so that a
  // reading's enterprise is registered, where it can be, before the reading is added.
  StreamPoller(KafkaStreamConsumer* consumer, size_t max_messages, size_t depth,
               KafkaStreamConsumer* global = nullptr);
  ~StreamPoller();  // Stop()
  StreamPoller(const StreamPoller&) = delete;
  StreamPoller& operator=(const StreamPoller&) = delete;

  void Start();

  // Job thread: the next batch, in poll order; empty when none came within `timeout` (then the
  // caller also serves revoke requests, see ServeRevoke). A commit requested by a revoke is run
  // through `commit` before this returns.
  template <typename Commit>
  std::optional<PolledBatch> Next(std::chrono::milliseconds timeout, Commit commit);

  // Job thread: a batch it is done with. The poller thread gives its messages back to
  // librdkafka (100,000 rd_kafka_message_destroy calls are not for the job thread's path) and
  // reuses its vectors (fresh ones for every batch cost page faults).
  void Recycle(PolledBatch batch);

  // Job thread: offsets to commit to the group (for lag tools) on the next poll.
  void CommitAsync(Offsets offsets);

  // Poller thread, inside Poll (the revoke callback): has the job thread commit what it has
  // added (every batch handed out before this one) and returns its result.
  Status CommitOnJobThread() { return RunOnJobThread(nullptr); }
  // Poller thread, inside Poll (an assignment): has the job thread run `work` (null: the
  // commit), after it has added every batch handed out before, and returns its result. How a
  // task's changelogs are restored before its partition is read.
  Status RunOnJobThread(std::function<Status()> work);
  bool OnPollerThread() const { return std::this_thread::get_id() == thread_.get_id(); }

  // Job thread: ends the poller thread, serving its revoke requests through `commit` until it
  // has ended; batches not taken are dropped (their offsets were never committed).
  template <typename Commit>
  void Stop(Commit commit);
  void Stop() {
    Stop([] { return Status::OK(); });
  }

 private:
  void Run();
  // One Poll, its batch queued; false when the Poll failed.
  bool PollOnce();
  // Releases the recycled batches' messages and returns one to poll into (fresh if none).
  PolledBatch TakeBatch();
  void Push(PolledBatch batch);
  // With mu_ held: runs the pending revoke commit, if any.
  template <typename Commit>
  void ServeRevokeLocked(std::unique_lock<std::mutex>& lock, Commit& commit);

  KafkaStreamConsumer* consumer_;
  KafkaStreamConsumer* global_;
  std::vector<StreamMessage> global_messages_;  // scratch: one poll of `global_`
  const size_t max_messages_;
  const size_t depth_;
  std::thread thread_;

  std::mutex mu_;
  std::condition_variable changed_;
  std::deque<PolledBatch> queue_;
  std::vector<PolledBatch> recycled_;  // from the job thread, messages not yet released
  std::vector<PolledBatch> spare_;     // released, at most depth_ + 1
  bool stop_ = false;
  bool ended_ = false;
  std::optional<Offsets> to_commit_;
  bool revoke_requested_ = false;
  std::function<Status()> requested_work_;  // null: the commit
  std::optional<Status> revoke_result_;
};

template <typename Commit>
void StreamPoller::ServeRevokeLocked(std::unique_lock<std::mutex>& lock, Commit& commit) {
  if (!revoke_requested_ || revoke_result_) return;
  // Everything handed out before the revocation must be added first: the request comes from
  // inside a Poll whose batch is not queued yet, so the queue holds only earlier batches. The
  // job thread takes those before it commits (Next returns them first).
  if (!queue_.empty()) return;
  std::function<Status()> work = requested_work_;
  lock.unlock();
  Status result = work ? work() : commit();
  lock.lock();
  revoke_result_ = std::move(result);
  changed_.notify_all();
}

template <typename Commit>
std::optional<PolledBatch> StreamPoller::Next(std::chrono::milliseconds timeout, Commit commit) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait_for(lock, timeout, [&] {
    return !queue_.empty() || ended_ || (revoke_requested_ && !revoke_result_);
  });
  ServeRevokeLocked(lock, commit);
  if (queue_.empty()) return std::nullopt;
  PolledBatch batch = std::move(queue_.front());
  queue_.pop_front();
  changed_.notify_all();
  return batch;
}

template <typename Commit>
void StreamPoller::Stop(Commit commit) {
  if (!thread_.joinable()) return;
  std::unique_lock<std::mutex> lock(mu_);
  stop_ = true;
  changed_.notify_all();
  while (!ended_) {
    queue_.clear();  // not added: read again after a restart
    ServeRevokeLocked(lock, commit);
    changed_.wait(
        lock, [&] { return ended_ || !queue_.empty() || (revoke_requested_ && !revoke_result_); });
  }
  queue_.clear();
  lock.unlock();
  thread_.join();
  // The consumer is closed next: librdkafka wants its messages back first.
  recycled_.clear();
  spare_.clear();
}

}  // namespace fugong
