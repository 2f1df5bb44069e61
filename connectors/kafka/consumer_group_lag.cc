#include "connectors/kafka/consumer_group_lag.h"

#include "connectors/kafka/topic_metadata.h"

#include <vector>

namespace fugong {

namespace {

KafkaPartitionListPtr PartitionList(const std::string& topic, int partitions, int64_t offset) {
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions));
  for (int p = 0; p < partitions; ++p) {
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), p)->offset = offset;
  }
  return list;
}

}  // namespace

Result<std::unique_ptr<ConsumerGroupLag>> ConsumerGroupLag::Create(const KafkaConfig& config,
                                                                   const std::string& group,
                                                                   const std::string& topic) {
  if (group.empty()) return Status::InvalidArgument("measuring lag needs a consumer group");
  if (!config.Get("bootstrap.servers").has_value()) {
    return Status::InvalidArgument("measuring lag needs bootstrap.servers");
  }
  KafkaConfig lag_config = config;
  lag_config.Set("group.id", group, "--group");
  // This handle only asks; it must never commit anything on the group's behalf.
  lag_config.Set("enable.auto.commit", "false", "lag probe");
  lag_config.Set("enable.auto.offset.store", "false", "lag probe");
  // The config is usually a producer's; librdkafka warns about each producer property a
  // consumer handle ignores, which says nothing useful here. Errors still get through.
  lag_config.Set("log_level", "3", "lag probe");
  Result<KafkaConfPtr> conf = lag_config.Build();
  if (!conf.ok()) return conf.status();
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (rk == nullptr) return Status::InvalidArgument(std::string("Kafka lag probe: ") + errstr);
  conf->release();
  std::unique_ptr<ConsumerGroupLag> probe(new ConsumerGroupLag());
  probe->handle_.reset(rk);
  probe->group_ = group;
  probe->topic_ = topic;
  return probe;
}

Status ConsumerGroupLag::LoadPartitions(std::chrono::milliseconds timeout) {
  Result<std::vector<int32_t>> ids = TopicPartitions(handle_.get(), topic_, timeout);
  if (!ids.ok()) return ids.status();
  partitions_ = static_cast<int>(ids->size());
  return Status::OK();
}

Result<ConsumerGroupLag::Measurement> ConsumerGroupLag::Measure(std::chrono::milliseconds timeout) {
  if (partitions_ == 0) {
    const Status loaded = LoadPartitions(timeout);
    // A topic that does not exist yet holds nothing to be behind on; the next measurement
    // looks again (the first message may create it).
    if (loaded.code() == Status::Code::kNotFound) return Measurement{};
    FUGONG_RETURN_IF_ERROR(loaded);
  }
  const int timeout_ms = static_cast<int>(timeout.count());

  KafkaPartitionListPtr committed = PartitionList(topic_, partitions_, RD_KAFKA_OFFSET_INVALID);
  rd_kafka_resp_err_t err = rd_kafka_committed(handle_.get(), committed.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("committed offsets of group " + group_ + ": " + rd_kafka_err2str(err));
  }
  // ListOffsets with the special timestamps -1 (latest) and -2 (earliest) gives the end and
  // the start of each partition's log, one request per leader.
  KafkaPartitionListPtr ends = PartitionList(topic_, partitions_, RD_KAFKA_OFFSET_END);
  err = rd_kafka_offsets_for_times(handle_.get(), ends.get(), timeout_ms);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("end offsets of " + topic_ + ": " + rd_kafka_err2str(err));
  }
  Measurement m;
  m.partitions = partitions_;
  std::vector<int> uncommitted;
  std::vector<int64_t> end_of(partitions_, 0), committed_of(partitions_, 0);
  for (int i = 0; i < ends->cnt; ++i) {
    const rd_kafka_topic_partition_t& e = ends->elems[i];
    if (e.err != RD_KAFKA_RESP_ERR_NO_ERROR || e.offset < 0) {
      return Status::IOError("end offset of " + topic_ + "[" + std::to_string(e.partition) +
                             "]: " + rd_kafka_err2str(e.err));
    }
    end_of[e.partition] = e.offset;
  }
  for (int i = 0; i < committed->cnt; ++i) {
    const rd_kafka_topic_partition_t& c = committed->elems[i];
    if (c.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("committed offset of " + topic_ + "[" + std::to_string(c.partition) +
                             "]: " + rd_kafka_err2str(c.err));
    }
    if (c.offset < 0) {
      uncommitted.push_back(c.partition);
    } else {
      committed_of[c.partition] = c.offset;
    }
  }
  if (!uncommitted.empty()) {
    KafkaPartitionListPtr starts(rd_kafka_topic_partition_list_new(uncommitted.size()));
    for (int p : uncommitted) {
      rd_kafka_topic_partition_list_add(starts.get(), topic_.c_str(), p)->offset =
          RD_KAFKA_OFFSET_BEGINNING;
    }
    err = rd_kafka_offsets_for_times(handle_.get(), starts.get(), timeout_ms);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError("start offsets of " + topic_ + ": " + rd_kafka_err2str(err));
    }
    for (int i = 0; i < starts->cnt; ++i) {
      const rd_kafka_topic_partition_t& s = starts->elems[i];
      if (s.err != RD_KAFKA_RESP_ERR_NO_ERROR || s.offset < 0) {
        return Status::IOError("start offset of " + topic_ + "[" + std::to_string(s.partition) +
                               "]: " + rd_kafka_err2str(s.err));
      }
      committed_of[s.partition] = s.offset;
    }
    m.uncommitted_partitions = static_cast<int>(uncommitted.size());
  }
  for (int p = 0; p < partitions_; ++p) {
    if (end_of[p] > committed_of[p]) m.lag += end_of[p] - committed_of[p];
  }
  return m;
}

}  // namespace fugong
