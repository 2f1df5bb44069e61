#include "app/stream_poller.h"

#include <exception>
#include <utility>

namespace fugong {

StreamPoller::StreamPoller(KafkaStreamConsumer* consumer, size_t max_messages, size_t depth)
    : consumer_(consumer), max_messages_(max_messages), depth_(depth == 0 ? 1 : depth) {}

StreamPoller::~StreamPoller() { Stop(); }

void StreamPoller::Start() {
  thread_ = std::thread([this] { Run(); });
}

void StreamPoller::Recycle(PolledBatch batch) {
  std::lock_guard<std::mutex> lock(mu_);
  if (spare_.size() <= depth_) spare_.push_back(std::move(batch));
}

void StreamPoller::CommitAsync(Offsets offsets) {
  std::lock_guard<std::mutex> lock(mu_);
  to_commit_ = std::move(offsets);
}

Status StreamPoller::CommitOnJobThread() {
  std::unique_lock<std::mutex> lock(mu_);
  revoke_requested_ = true;
  revoke_result_.reset();
  changed_.notify_all();
  changed_.wait(lock, [&] { return revoke_result_.has_value(); });
  Status result = std::move(*revoke_result_);
  revoke_requested_ = false;
  revoke_result_.reset();
  return result;
}

std::string_view StreamPoller::Intern(std::string_view topic) {
  for (const std::string& t : topics_) {
    if (t == topic) return t;
  }
  return topics_.emplace_back(topic);
}

void StreamPoller::Push(PolledBatch batch) {
  std::unique_lock<std::mutex> lock(mu_);
  changed_.wait(lock, [&] { return stop_ || queue_.size() < depth_; });
  if (stop_) return;
  queue_.push_back(std::move(batch));
  changed_.notify_all();
}

bool StreamPoller::PollOnce(std::vector<StreamMessage>* scratch) {
  PolledBatch batch;
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (!spare_.empty()) {
      batch = std::move(spare_.back());
      spare_.pop_back();
    }
  }
  batch.messages.clear();
  batch.gaps.clear();
  batch.bytes.clear();  // keeps its capacity
  batch.status = consumer_->Poll(std::chrono::milliseconds(100), max_messages_, scratch);
  batch.polled_at = std::chrono::steady_clock::now();
  // The views die with the next Poll: copy the bytes into one buffer the batch owns.
  size_t bytes = 0;
  for (const StreamMessage& m : *scratch) bytes += m.value.size() + (m.key ? m.key->size() : 0);
  batch.bytes.reserve(bytes);  // no reallocation below: the views stay valid
  batch.messages.reserve(scratch->size());
  std::string_view last_topic, interned;
  for (const StreamMessage& m : *scratch) {
    StreamMessage& copy = batch.messages.emplace_back();
    if (m.topic.data() != last_topic.data() || m.topic.size() != last_topic.size()) {
      last_topic = m.topic;
      interned = Intern(m.topic);
    }
    copy.topic = interned;
    copy.partition = m.partition;
    copy.offset = m.offset;
    if (m.key) {
      const size_t at = batch.bytes.size();
      batch.bytes.append(*m.key);
      copy.key = std::string_view(batch.bytes.data() + at, m.key->size());
    }
    const size_t at = batch.bytes.size();
    batch.bytes.append(m.value);
    copy.value = std::string_view(batch.bytes.data() + at, m.value.size());
  }
  batch.gaps = consumer_->TakeGaps();
  batch.partitions = consumer_->Partitions();
  batch.assignment_generation = consumer_->assignment_generation();
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
  std::vector<StreamMessage> scratch;
  Status failure;
  try {
    while (true) {
      {
        std::lock_guard<std::mutex> lock(mu_);
        if (stop_) break;
      }
      // A failed Poll is final (every later one returns it): the job thread has it, stop here.
      if (!PollOnce(&scratch)) break;
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
