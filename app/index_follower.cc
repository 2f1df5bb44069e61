#include "app/index_follower.h"

#include <chrono>
#include <map>
#include <vector>

#include "connectors/kafka/whole_topic_reader.h"
#include "engine/publish/index_topic_follower.h"

namespace fugong {

IndexFollower::IndexFollower(StateStore* state, std::string topic, KafkaConfig kafka,
                             StreamObserver* observer, std::function<void(const std::string&)> log)
    : state_(state),
      topic_(std::move(topic)),
      kafka_(std::move(kafka)),
      observer_(observer),
      log_(std::move(log)) {
  if (observer_ != nullptr) observer_->OnIndexFollowed({}, {}, false);
  thread_ = std::thread([this] { Run(); });
}

IndexFollower::~IndexFollower() {
  stop_ = true;
  thread_.join();
}

void IndexFollower::Pause(int ms) {
  for (int waited = 0; waited < ms && !stop_; waited += 50) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
}

void IndexFollower::Run() {
  IndexTopicFollower follower(state_, topic_);
  std::unique_ptr<WholeTopicReader> reader;
  std::map<int32_t, int64_t> caught_up_at;
  bool caught_up = false, said_missing = false;
  std::vector<LogRecord> polled;
  std::vector<std::pair<std::string, std::string>> current;
  while (!stop_) {
    if (reader == nullptr) {
      Result<std::map<int32_t, int64_t>> stored = follower.Positions();
      if (!stored.ok()) {
        log_("index follower stopped: " + stored.status().ToString());
        return;
      }
      Result<std::unique_ptr<WholeTopicReader>> opened =
          WholeTopicReader::Open(kafka_, topic_, *stored, std::chrono::seconds(5));
      if (!opened.ok()) {
        if (!said_missing) log_("index follower waits: " + opened.status().ToString());
        said_missing = true;
        Pause(1000);
        continue;
      }
      reader = std::move(opened).value();
      caught_up_at = reader->end_offsets_at_open();
    }
    polled.clear();
    if (Status st = reader->Poll(std::chrono::milliseconds(200), 10000, &polled); !st.ok()) {
      log_("index follower reopens: " + st.ToString());
      reader.reset();
      continue;
    }
    current.clear();
    if (Status st = follower.Apply(polled, &current); !st.ok()) {
      log_("index follower stopped: " + st.ToString());
      return;
    }
    if (!caught_up) {
      const std::map<int32_t, int64_t>& positions = follower.applied_positions();
      caught_up = true;
      for (const auto& [partition, end] : caught_up_at) {
        auto at = positions.find(partition);
        if (end > 0 && (at == positions.end() || at->second < end)) caught_up = false;
      }
      if (caught_up) {
        caught_up_ = true;
        log_("index follower caught up with " + topic_ + " (" +
             std::to_string(follower.counts().read) + " records read, " +
             std::to_string(follower.counts().applied) + " new to this instance)");
      }
      // Before it has caught up, what it reads is history: the observer reads it from the
      // state once (the whole day's maps and gauges), not record by record.
      if (observer_ != nullptr && caught_up)
        observer_->OnIndexFollowed({}, follower.counts(), true);
      continue;
    }
    if (observer_ != nullptr && (!current.empty() || !polled.empty())) {
      observer_->OnIndexFollowed(current, follower.counts(), true);
    }
  }
}

}  // namespace fugong
