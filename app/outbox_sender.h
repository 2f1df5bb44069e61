// Sends the service's outbox (engine/job/outbox.h) to the output topics: index records, dead
// letters and partials until the outbox has none left, each slice produced, flushed, and deleted
// from the outbox only when every message of it was acknowledged. A failure leaves the slice in
// the outbox (sent again on the next call or after a restart: identical bytes, never lost).
//
// Changelog records are pipelined: each call first waits for the acknowledgements of the
// changelog records the call before sent (their markers are then deleted, unless a write marked
// the row again meanwhile, and the tasks' positions move past them), then sends the rows marked
// now and returns without waiting for them, so the brokers take them in while the next commit
// is written. A task's progress row, read with its rows, is sent only once those rows are
// acknowledged (the next call): the progress in a changelog is never ahead of its rows, so a
// restore never skips readings whose rows the changelog lacks. Drain() waits for everything:
// before a task's partition is given away or restored, and at the end.
#pragma once

#include <atomic>
#include <cstdint>
#include <vector>

#include "app/stream_observer.h"
#include "app/task_restorer.h"
#include "connectors/kafka/kafka_producer.h"
#include "engine/job/stream_job.h"

namespace fugong {

class OutboxSender {
 public:
  OutboxSender(StreamJob* job, KafkaProducer* index, KafkaProducer* dead_letters,
               StreamObserver* observer, KafkaProducer* partials = nullptr)
      : job_(job),
        index_(index),
        dead_letters_(dead_letters),
        partials_(partials),
        observer_(observer) {}

  // The changelog records go through `producer` (TrackDeliveredOffsets on) to `topics`.
  void SendChangelogsThrough(KafkaProducer* producer, const ChangelogTopics* topics) {
    changelogs_ = producer;
    changelog_topics_ = topics;
  }

  // Adds what it sent to `index_sent` and `dead_sent`.
  Status SendAll(uint64_t* index_sent, uint64_t* dead_sent);
  // SendAll, then waits for the changelog records it sent.
  Status Drain(uint64_t* index_sent, uint64_t* dead_sent);

  // Partials messages acknowledged so far. Any thread: the loop reads it while the commit
  // thread sends.
  uint64_t partials_delivered() const {
    return partials_delivered_.load(std::memory_order_relaxed);
  }

 private:
  // Waits for the changelog records in flight and takes them out of the outbox.
  Status FinishChangelogs();
  Status SendChangelogs();
  // Produces a changelog record (and drops its value, no longer needed).
  Status Produce(OutboxRecord& r);
  Status SendOthers(uint64_t* index_sent, uint64_t* dead_sent);
  uint64_t OthersFailed()
      const;  // refusals counted by the index, dead-letter and partials producers

  StreamJob* job_;
  KafkaProducer* index_;
  KafkaProducer* dead_letters_;
  KafkaProducer* partials_;              // null: totals are local
  KafkaProducer* changelogs_ = nullptr;  // null: no changelogs
  const ChangelogTopics* changelog_topics_ = nullptr;
  StreamObserver* observer_;
  std::vector<OutboxRecord> in_flight_;         // changelog records sent, not yet acknowledged
  std::vector<OutboxRecord> pending_progress_;  // progress rows read with in_flight_'s rows
  uint64_t failed_before_flight_ = 0;
  std::atomic<uint64_t> partials_delivered_{0};
};

}  // namespace fugong
