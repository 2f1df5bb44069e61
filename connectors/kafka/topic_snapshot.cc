#include "connectors/kafka/topic_snapshot.h"

#include "connectors/kafka/kafka_handles.h"
#include "connectors/kafka/topic_metadata.h"

namespace fugong {

Result<std::vector<TopicRecord>> ReadTopicSnapshot(const KafkaConfig& config,
                                                   const std::string& topic,
                                                   std::chrono::milliseconds timeout) {
  KafkaConfig c = config;
  c.SetDefault("group.id", "fugong-snapshot");  // required by the API; never joined or committed
  c.Set("enable.auto.commit", "false");
  c.SetDefault("fetch.wait.max.ms", "50");
  Result<KafkaConfPtr> conf = c.Build();
  if (!conf.ok()) return conf.status();
  char errstr[512];
  KafkaHandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
  if (rk == nullptr) return Status::InvalidArgument(std::string("Kafka consumer: ") + errstr);
  conf->release();
  const int ms = static_cast<int>(timeout.count());
  Result<std::vector<int32_t>> ids = TopicPartitions(rk.get(), topic, timeout);
  if (!ids.ok()) return ids.status();
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(ids->size())));
  std::map<int32_t, int64_t> end;  // partitions still to read, and their end offsets
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (const int32_t p : *ids) {
    int64_t low = 0, high = 0;
    err = rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("offsets of " + topic + ": " + rd_kafka_err2str(err));
    }
    if (high > low) end[p] = high;
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = low;
  }
  rd_kafka_assign(rk.get(), list.get());
  std::vector<TopicRecord> out;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!end.empty()) {
    if (std::chrono::steady_clock::now() > deadline) {
      return Status::IOError("reading " + topic + " took longer than the timeout");
    }
    KafkaMessagePtr m(rd_kafka_consumer_poll(rk.get(), 100));
    if (m == nullptr) continue;
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      return Status::IOError("reading " + topic + ": " + rd_kafka_message_errstr(m.get()));
    }
    TopicRecord r;
    r.partition = m->partition;
    r.offset = m->offset;
    if (m->key != nullptr) r.key = std::string(static_cast<const char*>(m->key), m->key_len);
    r.value.assign(static_cast<const char*>(m->payload), m->len);
    out.push_back(std::move(r));
    auto it = end.find(m->partition);
    if (it != end.end() && m->offset + 1 >= it->second) end.erase(it);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

std::map<std::string, std::string> LatestByKey(const std::vector<TopicRecord>& records) {
  std::map<std::string, std::string> latest;
  for (const TopicRecord& r : records) {
    if (r.key) latest[*r.key] = r.value;
  }
  return latest;
}

}  // namespace fugong
