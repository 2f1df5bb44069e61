// The librdkafka properties Fugong's clients need for throughput, measured on the 2-core
// machines against the embedded cluster (docs/kafka.md, "Measured"). Each only fills in what
// the configuration does not set, so a config file or FUGONG_KAFKA_* variable always wins.
#pragma once

#include "connectors/kafka/kafka_config.h"

namespace fugong {

// A producer replaying files: idempotent (a retry after a lost acknowledgement neither
// duplicates nor reorders), batched for throughput, and partitioning keys like Java clients.
void SetReplayProducerDefaults(KafkaConfig* config);

// A consumer reading a high-volume topic (readings). librdkafka 2.0.2 compares its prefetch
// thresholds (queued.min.messages, 100,000; queued.max.messages.kbytes, 64 MiB) with the whole
// consumer queue, not one partition's, and when either is exceeded stops fetching for a fixed
// second (fetch.queue.backoff.ms only arrived in 2.1). A consumer catching up then reads in
// bursts separated by idle seconds: 0.25-0.65 M messages/s instead of 2-4 M. Raised thresholds
// keep it fetching. And the mock answers an empty fetch only after the full fetch.wait.max.ms
// (500 ms by default) even if data arrives meanwhile, so a caught-up consumer waits less.
void SetStreamConsumerDefaults(KafkaConfig* config);

}  // namespace fugong
