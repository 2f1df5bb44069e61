// The index records of a backfill as messages of the index topic (`backfill --publish`): key
// `DATE|LEVEL|CODE`, value the record's bytes exactly as the output file has them (revision and
// computed_at included), produced as they are written. The producer is idempotent (a retry never
// writes a record twice) and partitions keys as the streaming service does, so a backfill's
// record lands in the partition of the stream's record of the same key and replaces it there.
//
// The backfill writes its whole index on every run, unchanged records included. A record whose
// exact bytes this topic of this cluster already acknowledged (DeliveryLedger, in the backfill's
// state) is not sent again, so a rerun that changes nothing sends nothing and a correction sends
// only the records it revised. A record is marked only once acknowledged: what a failed run did
// not deliver is sent by the next run.
//
// A delivery failure does not stop the backfill (its output file is still written in full); it
// is reported by Close, with the broker's error.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_producer.h"
#include "engine/job/delivery_ledger.h"
#include "engine/job/sinks.h"
#include "engine/state/state_store.h"

namespace fugong {

class KafkaIndexSink final : public IndexSink {
 public:
  struct Options {
    // Send every record, also those the topic acknowledged before (after the topic was emptied
    // or re-created under the same name: the ledger cannot see that).
    bool resend_all = false;
    // librdkafka's transient client errors (a broker down, ...), for a log.
    std::function<void(std::string_view)> on_error;
  };
  struct Counts {
    uint64_t sent = 0;       // produced in this run
    uint64_t delivered = 0;  // of those, acknowledged
    uint64_t failed = 0;     // of those, refused or timed out
    uint64_t held = 0;       // not sent: the topic acknowledged these bytes in an earlier run
  };

  // Connects (fails at once when the cluster does not answer within message.timeout.ms, or the
  // topic does not exist) and reads the cluster's id, which with the topic names the ledger.
  // `config` names bootstrap.servers; producer defaults are filled in where it sets nothing.
  static Result<std::unique_ptr<KafkaIndexSink>> Create(KafkaConfig config,
                                                        const std::string& topic, StateStore* state,
                                                        Options options);

  Status Write(std::string_view key, std::string_view value) override;
  // Waits for every acknowledgement, records them in the ledger, and returns an IOError naming
  // the first broker error if any record was not delivered.
  Status Close() override;

  Counts counts() const;
  const std::string& topic() const { return topic_; }
  // "<cluster id>/<topic>": the ledger's name for this destination.
  const std::string& destination() const { return destination_; }

 private:
  KafkaIndexSink() = default;

  std::string topic_;
  std::string destination_;
  Options options_;
  std::chrono::milliseconds flush_timeout_{0};
  // The ledger outlives the producer, whose delivery reports it hears.
  std::unique_ptr<DeliveryLedger> ledger_;
  std::unique_ptr<KafkaProducer> producer_;
  uint64_t held_ = 0;
  uint64_t writes_ = 0;
  Status fatal_;  // a producer that cannot go on: later records are not sent
  bool closed_ = false;
};

}  // namespace fugong
