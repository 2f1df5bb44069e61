// The published index followed into this instance's state, on a thread of its own for as long as
// the service runs (docs/scale-out.md, "global tables"): a WholeTopicReader reads every partition
// of the index topic from the positions in state, and IndexTopicFollower writes the records newer
// than the state's into group_day. So the API, the maps, the bulletin and the live feed of any
// instance show every record, whoever published it.
//
// It tells the observer (OnIndexFollowed) once at start, not caught up, before anything is read;
// then after each batch once it has caught up with the topic as it was when it started. A topic
// that does not exist yet is looked for again every second; a state write that fails stops the
// follower (the service loop fails on the same store and says why).
#pragma once

#include <atomic>
#include <functional>
#include <string>
#include <thread>

#include "app/stream_observer.h"
#include "connectors/kafka/kafka_config.h"
#include "engine/state/state_store.h"

namespace fugong {

class IndexFollower {
 public:
  // Starts following `topic` into `state`; both, and `observer` (may be null), must outlive it.
  IndexFollower(StateStore* state, std::string topic, KafkaConfig kafka, StreamObserver* observer,
                std::function<void(const std::string&)> log);
  ~IndexFollower();  // stops and joins

  // Whether it has read the topic as it was at start (any thread). An owner of totals publishes
  // only then: its revisions continue those the topic holds (docs/scale-out.md).
  bool caught_up() const { return caught_up_.load(); }
  IndexFollower(const IndexFollower&) = delete;
  IndexFollower& operator=(const IndexFollower&) = delete;

 private:
  void Run();
  // Sleeps up to `ms`, less if told to stop.
  void Pause(int ms);

  StateStore* state_;
  std::string topic_;
  KafkaConfig kafka_;
  StreamObserver* observer_;
  std::function<void(const std::string&)> log_;
  std::atomic<bool> stop_{false};
  std::atomic<bool> caught_up_{false};
  std::thread thread_;
};

}  // namespace fugong
