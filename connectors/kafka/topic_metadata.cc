#include "connectors/kafka/topic_metadata.h"

#include <algorithm>

namespace fugong {

namespace {

std::vector<int32_t> PartitionIds(const rd_kafka_metadata_topic_t& t) {
  std::vector<int32_t> ids;
  ids.reserve(t.partition_cnt);
  for (int i = 0; i < t.partition_cnt; ++i) ids.push_back(t.partitions[i].id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

}  // namespace

Result<std::vector<int32_t>> TopicPartitions(rd_kafka_t* rk, const std::string& topic,
                                             std::chrono::milliseconds timeout) {
  KafkaTopicPtr handle(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  if (handle == nullptr) return Status::InvalidArgument("bad topic name " + topic);
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, 0, handle.get(), &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("metadata of " + topic + ": " + rd_kafka_err2str(err));
  }
  KafkaMetadataPtr metadata(raw);
  if (raw->topic_cnt != 1 || raw->topics[0].err != RD_KAFKA_RESP_ERR_NO_ERROR ||
      raw->topics[0].partition_cnt < 1) {
    const rd_kafka_resp_err_t topic_err =
        raw->topic_cnt == 1 ? raw->topics[0].err : RD_KAFKA_RESP_ERR__UNKNOWN_TOPIC;
    return Status::NotFound("topic " + topic + ": " + rd_kafka_err2str(topic_err));
  }
  return PartitionIds(raw->topics[0]);
}

Result<std::vector<int32_t>> TopicPartitionsOf(const KafkaConfig& config, const std::string& topic,
                                               std::chrono::milliseconds timeout) {
  Result<KafkaConfPtr> conf = config.Build();
  if (!conf.ok()) return conf.status();
  char errstr[512];
  KafkaHandlePtr rk(rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr));
  if (rk == nullptr) return Status::InvalidArgument(std::string("Kafka client: ") + errstr);
  conf->release();
  return TopicPartitions(rk.get(), topic, timeout);
}

Result<std::map<std::string, std::vector<int32_t>>> ExistingTopicPartitions(
    rd_kafka_t* rk, const std::vector<std::string>& topics, std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(rk, 1, nullptr, &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(std::string("metadata of the cluster's topics: ") +
                           rd_kafka_err2str(err));
  }
  KafkaMetadataPtr metadata(raw);
  std::map<std::string, std::vector<int32_t>> found;
  for (int i = 0; i < raw->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = raw->topics[i];
    if (t.err != RD_KAFKA_RESP_ERR_NO_ERROR || t.partition_cnt < 1) continue;
    if (std::find(topics.begin(), topics.end(), t.topic) == topics.end()) continue;
    found[t.topic] = PartitionIds(t);
  }
  return found;
}

}  // namespace fugong
