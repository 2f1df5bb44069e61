// What the streaming service reports while it runs, for the surfaces that show it (metrics, the
// HTTP API, the live feed). Calls come from the service's threads (the loop, the commit thread,
// the index follower): an observer does its own locking.
#pragma once

#include <vector>

#include "connectors/kafka/kafka_stream_consumer.h"
#include "engine/job/outbox.h"
#include "engine/job/stream_job.h"
#include "engine/publish/index_topic_follower.h"
#include "engine/state/state_store.h"

namespace fugong {

class StreamObserver {
 public:
  virtual ~StreamObserver() = default;

  // State is restored (and what a crash left in the outbox is sent): it may be read from now
  // until OnStateClosing.
  virtual void OnStateOpened(const StateStore& state) {}
  // About once a second and after every commit: the job's figures, the consumer's partitions
  // (empty while none is assigned), and when the last message came (Unix seconds, 0: none yet).
  virtual void OnProgress(const StreamStatus& status,
                          const std::vector<PartitionStatus>& partitions, uint64_t state_bytes,
                          double last_input_unix_seconds) {}
  // Output records the brokers acknowledged.
  virtual void OnDelivered(const std::vector<OutboxRecord>& records) {}
  // Days closed by a commit were published: seconds from the close to the last acknowledgement.
  virtual void OnDaysPublished(double seconds) {}
  // The loop stopped on an error it cannot go on from (e.g. "state write failed in DIR: ... No
  // space left on device"): it consumes no more and the process exits 1. Comes before
  // OnStateClosing; may come twice (the second with more words).
  virtual void OnFailed(const Status& why) {}
  // The index follower (app/index_follower.h): records of the index topic that are now the
  // state's (key, bytes), with the follower's running counts and whether it has caught up with
  // the topic as it was when it started. The first call, at start, has no records and
  // caught_up false; the call that reports catching up has no records either (read the state).
  virtual void OnIndexFollowed(const std::vector<std::pair<std::string, std::string>>& records,
                               const FollowCounts& counts, bool caught_up) {}
  // The loop is about to close the state: stop reading it.
  virtual void OnStateClosing() {}
};

}  // namespace fugong
