// A measurement, not a check (built in benchmarks/, not run by ctest): the raw librdkafka consume
// rate of a readings topic on this machine, by a plain consumer that only touches each message:
// per-message rd_kafka_consumer_poll against rd_kafka_consume_batch_queue, with librdkafka's
// default consumer properties and with SetStreamConsumerDefaults. 2 M readings (the JSON of `fugong
// produce`, ~113 bytes) go into 80 partitions first: 25,000 a partition, ~3.3 MB, within the mock's
// 5 MiB per partition, which the test verifies (no partition's log start moved).
//   build/benchmarks/kafka_consume_rate_measure
// FUGONG_KAFKA_* variables apply to the consumers (e.g. FUGONG_KAFKA_FETCH_WAIT_MAX_MS=500).
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/csv_message_encoder.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/kafka_producer.h"

namespace fugong {
namespace {

using Clock = std::chrono::steady_clock;

constexpr int kMessages = 2000000;
constexpr int kPartitions = 80;
constexpr int kBatch = 4096;
constexpr const char* kTopic = "fugong.readings";

KafkaHandlePtr NewAssignedConsumer(const std::string& bootstrap, const std::string& group,
                                   bool stream_defaults) {
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap);
  config.Set("group.id", group);
  config.Set("enable.auto.commit", "false");
  config.ApplyEnvironment(environ);  // FUGONG_KAFKA_* variables, to try other properties
  if (stream_defaults) SetStreamConsumerDefaults(&config);
  Result<KafkaConfPtr> conf = config.Build();
  EXPECT_TRUE(conf.ok());
  char errstr[512];
  KafkaHandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->release(), errstr, sizeof errstr));
  EXPECT_NE(rk, nullptr) << errstr;
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(kPartitions));
  for (int p = 0; p < kPartitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), kTopic, p)->offset = RD_KAFKA_OFFSET_BEGINNING;
  }
  EXPECT_EQ(rd_kafka_assign(rk.get(), list.get()), RD_KAFKA_RESP_ERR_NO_ERROR);
  return rk;
}

struct Pass {
  double seconds = 0;  // from the first message to the last (connection setup left out)
  uint64_t messages = 0;
  uint64_t bytes = 0;
  unsigned checksum = 0;
};

// "Touching" a message: its size and one byte of its payload.
void Touch(const rd_kafka_message_t* m, Pass* pass) {
  ++pass->messages;
  pass->bytes += m->len;
  if (m->len > 0) pass->checksum ^= static_cast<const unsigned char*>(m->payload)[m->len / 2];
}

Pass PollEach(rd_kafka_t* rk) {
  Pass pass;
  Clock::time_point first{};
  while (pass.messages < kMessages) {
    rd_kafka_message_t* m = rd_kafka_consumer_poll(rk, 1000);
    if (m == nullptr) continue;
    if (m->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (pass.messages == 0) first = Clock::now();
      Touch(m, &pass);
    }
    rd_kafka_message_destroy(m);
  }
  pass.seconds = std::chrono::duration<double>(Clock::now() - first).count();
  return pass;
}

Pass ConsumeBatches(rd_kafka_t* rk) {
  KafkaQueuePtr queue(rd_kafka_queue_get_consumer(rk));
  std::vector<rd_kafka_message_t*> batch(kBatch);
  Pass pass;
  Clock::time_point first{};
  while (pass.messages < kMessages) {
    // The call returns when the batch is full or the timeout passed, so a long timeout would
    // add itself to the last, partial batch: ask for no more than what is left.
    const size_t want = std::min<uint64_t>(kBatch, kMessages - pass.messages);
    const ssize_t n = rd_kafka_consume_batch_queue(queue.get(), 100, batch.data(), want);
    for (ssize_t i = 0; i < n; ++i) {
      if (batch[i]->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
        if (pass.messages == 0) first = Clock::now();
        Touch(batch[i], &pass);
      }
      rd_kafka_message_destroy(batch[i]);
    }
  }
  pass.seconds = std::chrono::duration<double>(Clock::now() - first).count();
  return pass;
}

TEST(KafkaConsumeRate, RawConsumeRateOfAReadingsTopic) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok());
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  ASSERT_TRUE((*cluster)->CreateTopic(kTopic, kPartitions).ok());

  // Readings as `fugong generate` writes them, through the encoder of `fugong produce`.
  Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(
      TopicRecordKind::kReadings, "meter_id,enterprise_id,ts,kwh,kind");
  ASSERT_TRUE(encoder.ok());
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap);
  SetReplayProducerDefaults(&config);
  Result<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Create(config, kTopic);
  ASSERT_TRUE(producer.ok()) << producer.status().ToString();
  const Clock::time_point produce_start = Clock::now();
  char line[160];
  uint64_t value_bytes = 0;
  for (int i = 0; i < kMessages; ++i) {
    const int enterprise = i % 30000;
    const int slot = i / 30000 + 1;  // 15-minute intervals from 2020-02-16 00:15
    std::snprintf(line, sizeof line, "M%07d,E%06d,2020-02-%02dT%02d:%02d:00+08:00,%d.%03d,interval",
                  enterprise * 2 + 1, enterprise, 16 + slot / 96, slot % 96 / 4, slot % 4 * 15,
                  i % 53, i % 1000);
    const CsvMessageEncoder::Message m = encoder->Encode(line);
    value_bytes += m.value.size();
    ASSERT_TRUE((*producer)->Produce(m.key, m.value).ok());
  }
  ASSERT_TRUE((*producer)->Flush(std::chrono::minutes(2)).ok());
  const double produce_seconds =
      std::chrono::duration<double>(Clock::now() - produce_start).count();
  ASSERT_EQ((*producer)->counts().delivered, static_cast<uint64_t>(kMessages));
  producer->reset();
  {
    KafkaHandlePtr rk = NewAssignedConsumer(bootstrap, "rate-check", false);
    for (int p = 0; p < kPartitions; ++p) {
      int64_t low = -1, high = -1;
      ASSERT_EQ(rd_kafka_query_watermark_offsets(rk.get(), kTopic, p, &low, &high, 10000),
                RD_KAFKA_RESP_ERR_NO_ERROR);
      ASSERT_EQ(low, 0) << "the mock dropped the oldest messages of partition " << p;
    }
  }
  std::printf(
      "[          ] produced %d readings (values %.1f bytes on average) into %d "
      "partitions in %.2f s: %.2f M/s\n",
      kMessages, static_cast<double>(value_bytes) / kMessages, kPartitions, produce_seconds,
      kMessages / produce_seconds / 1e6);

  unsigned checksum = 0;
  bool have_checksum = false;
  int group = 0;
  for (const bool stream_defaults : {false, true}) {
    for (int run = 0; run < 2; ++run) {
      for (const bool batched : {false, true}) {
        KafkaHandlePtr rk =
            NewAssignedConsumer(bootstrap, "rate-" + std::to_string(group++), stream_defaults);
        const Pass pass = batched ? ConsumeBatches(rk.get()) : PollEach(rk.get());
        EXPECT_EQ(pass.messages, static_cast<uint64_t>(kMessages));
        if (!have_checksum) checksum = pass.checksum;
        have_checksum = true;
        EXPECT_EQ(pass.checksum, checksum);
        std::printf("[          ] %-24s %-35s %5.2f s %5.2f M msg/s %4.0f MB/s\n",
                    stream_defaults ? "stream consumer defaults" : "librdkafka defaults",
                    batched ? "rd_kafka_consume_batch_queue(4096)" : "rd_kafka_consumer_poll",
                    pass.seconds, pass.messages / pass.seconds / 1e6,
                    pass.bytes / pass.seconds / 1e6);
      }
    }
  }
}

}  // namespace
}  // namespace fugong
