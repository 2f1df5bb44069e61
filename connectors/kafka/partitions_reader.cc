#include "connectors/kafka/partitions_reader.h"

#include "connectors/kafka/whole_topic_reader.h"

namespace fugong {

Result<std::unique_ptr<PartitionsReader>> PartitionsReader::Create(const KafkaConfig& config) {
  std::unique_ptr<PartitionsReader> reader(new PartitionsReader());
  Result<KafkaHandlePtr> consumer = NewUngroupedConsumer(config);
  if (!consumer.ok()) return consumer.status();
  reader->consumer_ = std::move(consumer).value();
  return reader;
}

PartitionsReader::~PartitionsReader() {
  if (consumer_ != nullptr) rd_kafka_consumer_close(consumer_.get());
}

Status PartitionsReader::Assign(const std::vector<Start>& starts, std::chrono::milliseconds timeout,
                                std::vector<int64_t>* ends) {
  rd_kafka_t* rk = consumer_.get();
  ends->clear();
  // The log ends and starts of all of them in two ListOffsets requests per leader (timestamps -1
  // and -2), not two round trips per partition.
  const auto list_at = [&](int64_t timestamp) {
    KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
    for (const Start& s : starts) {
      rd_kafka_topic_partition_list_add(list.get(), s.topic.c_str(), s.partition)->offset =
          timestamp;
    }
    return list;
  };
  KafkaPartitionListPtr high = list_at(RD_KAFKA_OFFSET_END);
  KafkaPartitionListPtr low = list_at(RD_KAFKA_OFFSET_BEGINNING);
  for (rd_kafka_topic_partition_list_t* list : {high.get(), low.get()}) {
    rd_kafka_resp_err_t err =
        rd_kafka_offsets_for_times(rk, list, static_cast<int>(timeout.count()));
    for (int i = 0; err == RD_KAFKA_RESP_ERR_NO_ERROR && i < list->cnt; ++i)
      err = list->elems[i].err;
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      return Status::IOError(std::string("offsets of the partitions to read: ") +
                             rd_kafka_err2str(err));
    }
  }
  KafkaPartitionListPtr assignment(
      rd_kafka_topic_partition_list_new(static_cast<int>(starts.size())));
  for (size_t i = 0; i < starts.size(); ++i) {
    const Start& s = starts[i];
    const int64_t end = high->elems[i].offset, first = low->elems[i].offset;
    const std::string where = s.topic + "[" + std::to_string(s.partition) + "]";
    if (s.from > end) {
      return Status::IOError(where + " ends at offset " + std::to_string(end) +
                             ", but this instance had read it up to " + std::to_string(s.from) +
                             ": the topic was deleted, recreated or truncated");
    }
    if (s.from < first) {
      return Status::IOError(where + " no longer holds offsets " + std::to_string(s.from) + ".." +
                             std::to_string(first - 1) +
                             ": the topic lost records (deleted, or a retention other than "
                             "cleanup.policy=compact)");
    }
    ends->push_back(end);
    rd_kafka_topic_partition_list_add(assignment.get(), s.topic.c_str(), s.partition)->offset =
        s.from;
  }
  const rd_kafka_resp_err_t err = rd_kafka_assign(rk, assignment.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError(std::string("assigning the partitions to read: ") +
                           rd_kafka_err2str(err));
  }
  starts_ = starts;
  return Status::OK();
}

Status PartitionsReader::Poll(std::chrono::milliseconds timeout, size_t max,
                              std::vector<std::pair<size_t, LogRecord>>* out) {
  return PollMessages(consumer_.get(), "the assigned partitions", timeout, max, &last_error_,
                      [&](const rd_kafka_message_t& m) {
                        const char* topic = rd_kafka_topic_name(m.rkt);
                        for (size_t i = 0; i < starts_.size(); ++i) {
                          if (starts_[i].partition == m.partition && starts_[i].topic == topic) {
                            out->emplace_back(i, ToLogRecord(m));
                            return;
                          }
                        }
                      });
}

int64_t PartitionsReader::Position(size_t index) const {
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(1));
  rd_kafka_topic_partition_list_add(list.get(), starts_[index].topic.c_str(),
                                    starts_[index].partition);
  if (rd_kafka_position(consumer_.get(), list.get()) != RD_KAFKA_RESP_ERR_NO_ERROR) return -1;
  const int64_t offset = list->elems[0].offset;
  return offset >= 0 ? offset : -1;
}

}  // namespace fugong
