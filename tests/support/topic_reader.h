// Reads a whole topic as it is now (every partition from its log start to its end offset) with a
// plain librdkafka consumer: what a dashboard subscribing to the topic would have received.
#pragma once

#include <librdkafka/rdkafka.h>

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "connectors/kafka/kafka_handles.h"

namespace fugong::testing {

struct TopicMessage {
  int32_t partition;
  int64_t offset;
  std::optional<std::string> key;
  std::string value;
};

inline std::vector<TopicMessage> ReadWholeTopic(const std::string& bootstrap,
                                                const std::string& topic) {
  std::vector<TopicMessage> out;
  char errstr[512];
  rd_kafka_conf_t* conf = rd_kafka_conf_new();
  rd_kafka_conf_set(conf, "bootstrap.servers", bootstrap.c_str(), errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "group.id", "fugong-test-reader", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "enable.auto.commit", "false", errstr, sizeof errstr);
  rd_kafka_conf_set(conf, "fetch.wait.max.ms", "50", errstr, sizeof errstr);
  KafkaHandlePtr rk(rd_kafka_new(RD_KAFKA_CONSUMER, conf, errstr, sizeof errstr));
  if (rk == nullptr) return out;
  const rd_kafka_metadata_t* md = nullptr;
  KafkaTopicPtr handle(rd_kafka_topic_new(rk.get(), topic.c_str(), nullptr));
  if (rd_kafka_metadata(rk.get(), 0, handle.get(), &md, 10000) != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return out;
  }
  KafkaMetadataPtr metadata(md);
  if (md->topic_cnt != 1) return out;
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(md->topics[0].partition_cnt));
  std::map<int32_t, int64_t> end;
  for (int i = 0; i < md->topics[0].partition_cnt; ++i) {
    const int32_t p = md->topics[0].partitions[i].id;
    int64_t low = 0, high = 0;
    rd_kafka_query_watermark_offsets(rk.get(), topic.c_str(), p, &low, &high, 10000);
    if (high > low) end[p] = high;
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        RD_KAFKA_OFFSET_BEGINNING;
  }
  rd_kafka_assign(rk.get(), list.get());
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(60);
  while (!end.empty() && std::chrono::steady_clock::now() < deadline) {
    KafkaMessagePtr m(rd_kafka_consumer_poll(rk.get(), 100));
    if (m == nullptr || m->err != RD_KAFKA_RESP_ERR_NO_ERROR) continue;
    TopicMessage t;
    t.partition = m->partition;
    t.offset = m->offset;
    if (m->key != nullptr) t.key = std::string(static_cast<const char*>(m->key), m->key_len);
    t.value.assign(static_cast<const char*>(m->payload), m->len);
    out.push_back(std::move(t));
    auto it = end.find(m->partition);
    if (it != end.end() && m->offset + 1 >= it->second) end.erase(it);
  }
  rd_kafka_consumer_close(rk.get());
  return out;
}

}  // namespace fugong::testing
