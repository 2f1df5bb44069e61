#include "connectors/kafka/whole_topic_reader.h"

#include "connectors/kafka/topic_metadata.h"

namespace fugong {

Result<KafkaHandlePtr> NewUngroupedConsumer(const KafkaConfig& config) {
  KafkaConfig c = config;
  // Required by librdkafka for a consumer; this one never joins the group or commits.
  c.SetDefault("group.id", "fugong-global-table");
  c.Set("enable.auto.commit", "false");
  c.Set("enable.auto.offset.store", "false");
  c.Set("auto.offset.reset", "earliest");
  c.SetDefault("fetch.wait.max.ms", "100");
  Result<KafkaConfPtr> conf = c.Build();
  if (!conf.ok()) return conf.status();
  char errstr[512];
  KafkaHandlePtr consumer(rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr));
  if (consumer == nullptr) {
    return Status::InvalidArgument(std::string("Kafka consumer: ") + errstr);
  }
  conf->release();
  return consumer;
}

Result<std::unique_ptr<WholeTopicReader>> WholeTopicReader::Open(
    const KafkaConfig& config, const std::string& topic,
    const std::map<int32_t, int64_t>& positions, std::chrono::milliseconds timeout) {
  std::unique_ptr<WholeTopicReader> reader(new WholeTopicReader());
  reader->topic_ = topic;
  Result<KafkaHandlePtr> consumer = NewUngroupedConsumer(config);
  if (!consumer.ok()) return consumer.status();
  reader->consumer_ = std::move(consumer).value();
  rd_kafka_t* rk = reader->consumer_.get();
  const int ms = static_cast<int>(timeout.count());
  Result<std::vector<int32_t>> ids = TopicPartitions(rk, topic, timeout);
  if (!ids.ok()) return ids.status();
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(ids->size())));
  rd_kafka_resp_err_t err = RD_KAFKA_RESP_ERR_NO_ERROR;
  for (const int32_t p : *ids) {
    int64_t low = 0, high = 0;
    err = rd_kafka_query_watermark_offsets(rk, topic.c_str(), p, &low, &high, ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("offsets of " + topic + ": " + rd_kafka_err2str(err));
    }
    if (high > low) reader->end_offsets_[p] = high;
    auto at = positions.find(p);
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset =
        at != positions.end() && at->second >= low ? at->second : RD_KAFKA_OFFSET_BEGINNING;
  }
  err = rd_kafka_assign(rk, list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("assigning " + topic + ": " + rd_kafka_err2str(err));
  }
  return reader;
}

WholeTopicReader::~WholeTopicReader() {
  if (consumer_ != nullptr) rd_kafka_consumer_close(consumer_.get());
}

Status PollMessages(rd_kafka_t* consumer, const std::string& what,
                    std::chrono::milliseconds timeout, size_t max, std::string* last_error,
                    const std::function<void(const rd_kafka_message_t&)>& take) {
  int wait = static_cast<int>(timeout.count());
  for (size_t n = 0; n < max; ++n) {
    KafkaMessagePtr m(rd_kafka_consumer_poll(consumer, wait));
    if (m == nullptr) return Status::OK();
    wait = 0;  // after the first message, take only what is already fetched
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) continue;
      // librdkafka retries what it can (a broker down, a leader moving); only a fatal error
      // ends the reader.
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
        return Status::IOError("reading " + what + ": " + rd_kafka_message_errstr(m.get()));
      }
      *last_error = rd_kafka_message_errstr(m.get());
      continue;
    }
    take(*m);
  }
  return Status::OK();
}

LogRecord ToLogRecord(const rd_kafka_message_t& m) {
  LogRecord record;
  record.partition = m.partition;
  record.offset = m.offset;
  if (m.key != nullptr) record.key.assign(static_cast<const char*>(m.key), m.key_len);
  if (m.payload != nullptr) record.value = std::string(static_cast<const char*>(m.payload), m.len);
  return record;
}

Status WholeTopicReader::Poll(std::chrono::milliseconds timeout, size_t max,
                              std::vector<LogRecord>* out) {
  return PollMessages(consumer_.get(), topic_, timeout, max, &last_error_,
                      [&](const rd_kafka_message_t& m) { out->push_back(ToLogRecord(m)); });
}

}  // namespace fugong
