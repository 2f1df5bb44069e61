#include "connectors/kafka/kafka_producer.h"

#include <algorithm>
#include <utility>

namespace fugong {

Result<std::unique_ptr<KafkaProducer>> KafkaProducer::Create(
    const KafkaConfig& config, const std::string& topic,
    std::function<void(std::string_view)> on_error) {
  if (!config.Get("bootstrap.servers").has_value()) {
    return Status::InvalidArgument("a Kafka producer needs bootstrap.servers");
  }
  Result<KafkaConfPtr> conf = config.Build();
  if (!conf.ok()) return conf.status();
  std::unique_ptr<KafkaProducer> producer(new KafkaProducer());
  producer->topic_name_ = topic;
  producer->on_error_ = std::move(on_error);
  // The callbacks find this object through the handle's opaque pointer: no global state.
  rd_kafka_conf_set_opaque(conf->get(), producer.get());
  rd_kafka_conf_set_dr_msg_cb(conf->get(), &KafkaProducer::OnDelivery);
  rd_kafka_conf_set_error_cb(conf->get(), &KafkaProducer::OnError);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->get(), errstr, sizeof errstr);
  if (rk == nullptr) return Status::InvalidArgument(std::string("Kafka producer: ") + errstr);
  conf->release();  // owned by the handle now
  producer->handle_.reset(rk);
  producer->topic_.reset(rd_kafka_topic_new(rk, topic.c_str(), nullptr));
  if (producer->topic_ == nullptr) {
    return Status::InvalidArgument("Kafka topic " + topic + ": " +
                                   rd_kafka_err2str(rd_kafka_last_error()));
  }
  return producer;
}

KafkaProducer::~KafkaProducer() {
  // The topic handle must go before the client handle.
  topic_.reset();
  handle_.reset();
}

void KafkaProducer::OnDelivery(rd_kafka_t*, const rd_kafka_message_t* message, void* opaque) {
  auto* self = static_cast<KafkaProducer*>(opaque);
  if (message->err == RD_KAFKA_RESP_ERR_NO_ERROR) {
    ++self->counts_.delivered;
    self->counts_.delivered_bytes += message->len + message->key_len;
    if (self->track_offsets_) {
      int64_t& last =
          self->delivered_offsets_[{rd_kafka_topic_name(message->rkt), message->partition}];
      last = std::max(last, static_cast<int64_t>(message->offset));
    }
    if (self->on_delivered_) {
      self->on_delivered_(
          std::string_view(static_cast<const char*>(message->key), message->key_len),
          std::string_view(static_cast<const char*>(message->payload), message->len));
    }
  } else {
    ++self->counts_.failed;
    if (self->counts_.first_error.empty()) {
      self->counts_.first_error = rd_kafka_err2str(message->err);
    }
  }
}

void KafkaProducer::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaProducer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    self->fatal_ = Status::IOError(std::string("fatal Kafka producer error: ") +
                                   rd_kafka_err2name(code) + ": " + fatal);
    if (self->on_error_) self->on_error_(self->fatal_.message());
    return;
  }
  if (self->on_error_) {
    self->on_error_(std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " +
                    reason);
  }
}

Status KafkaProducer::Produce(std::string_view key, std::string_view value) {
  // A non-null pointer even for an empty key: an empty key and no key differ in Kafka.
  return ProduceOne(key.data() != nullptr ? key.data() : "", key.size(), value);
}

Status KafkaProducer::ProduceWithoutKey(std::string_view value) {
  return ProduceOne(nullptr, 0, value);
}

Status KafkaProducer::ProduceToPartition(int32_t partition, std::string_view key,
                                         std::string_view value) {
  return ProduceOne(key.data() != nullptr ? key.data() : "", key.size(), value, partition);
}

Status KafkaProducer::ProduceTo(const std::string& topic, int32_t partition, std::string_view key,
                                std::optional<std::string_view> value) {
  // A null payload is a tombstone; an empty row is a non-null empty payload.
  void* payload =
      value ? const_cast<char*>(value->data() != nullptr ? value->data() : "") : nullptr;
  const size_t payload_size = value ? value->size() : 0;
  char* key_bytes = const_cast<char*>(key.data() != nullptr ? key.data() : "");
  return ProduceRetrying(topic, [&] {
    return rd_kafka_producev(
        handle_.get(), RD_KAFKA_V_TOPIC(topic.c_str()), RD_KAFKA_V_PARTITION(partition),
        RD_KAFKA_V_MSGFLAGS(RD_KAFKA_MSG_F_COPY), RD_KAFKA_V_KEY(key_bytes, key.size()),
        RD_KAFKA_V_VALUE(payload, payload_size), RD_KAFKA_V_END);
  });
}

Status KafkaProducer::ProduceOne(const void* key, size_t key_size, std::string_view value,
                                 int32_t partition) {
  return ProduceRetrying(topic_name_, [&] {
    const int rc = rd_kafka_produce(
        topic_.get(), partition >= 0 ? partition : RD_KAFKA_PARTITION_UA, RD_KAFKA_MSG_F_COPY,
        const_cast<char*>(value.data()), value.size(), key, key_size, nullptr);
    return rc == 0 ? RD_KAFKA_RESP_ERR_NO_ERROR : rd_kafka_last_error();
  });
}

Status KafkaProducer::ProduceRetrying(const std::string& topic,
                                      const std::function<rd_kafka_resp_err_t()>& produce) {
  while (true) {
    if (!fatal_.ok()) return fatal_;
    const rd_kafka_resp_err_t err = produce();
    if (err == RD_KAFKA_RESP_ERR_NO_ERROR) {
      ++counts_.produced;
      return Status::OK();
    }
    if (err == RD_KAFKA_RESP_ERR__QUEUE_FULL) {
      // Back-pressure: wait for deliveries to make room.
      rd_kafka_poll(handle_.get(), 10);
      continue;
    }
    if (err == RD_KAFKA_RESP_ERR__FATAL) {
      char fatal[512];
      rd_kafka_fatal_error(handle_.get(), fatal, sizeof fatal);
      fatal_ = Status::IOError(std::string("fatal Kafka producer error: ") + fatal);
      return fatal_;
    }
    // Refused at once (too large, unknown partition, ...): a failed delivery like any other.
    ++counts_.produced;
    ++counts_.failed;
    if (counts_.first_error.empty()) {
      counts_.first_error = std::string(rd_kafka_err2str(err)) + " (topic " + topic + ")";
    }
    return Status::OK();
  }
}

Result<std::string> KafkaProducer::Connect(std::chrono::milliseconds timeout) {
  const rd_kafka_metadata_t* raw = nullptr;
  const rd_kafka_resp_err_t err =
      rd_kafka_metadata(handle_.get(), 0, topic_.get(), &raw, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("no answer from the Kafka cluster within " +
                           std::to_string(timeout.count()) + " ms: " + rd_kafka_err2str(err));
  }
  KafkaMetadataPtr metadata(raw);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    const rd_kafka_metadata_topic_t& t = metadata->topics[i];
    if (topic_name_ != t.topic) continue;
    // Other topic errors (a leader being elected, ...) are transient: the producer retries.
    if (t.err == RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART ||
        t.err == RD_KAFKA_RESP_ERR_TOPIC_AUTHORIZATION_FAILED) {
      return Status::IOError("Kafka topic " + topic_name_ + ": " + rd_kafka_err2str(t.err));
    }
  }
  char* id = rd_kafka_clusterid(handle_.get(), 0);  // cached by the metadata request above
  std::string cluster_id = id != nullptr ? id : "";
  if (id != nullptr) rd_kafka_mem_free(handle_.get(), id);
  return cluster_id;
}

void KafkaProducer::Poll(std::chrono::milliseconds timeout) {
  rd_kafka_poll(handle_.get(), static_cast<int>(timeout.count()));
}

Status KafkaProducer::Flush(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (in_flight() > 0) {
    if (!fatal_.ok()) return fatal_;
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) {
      return Status::IOError(std::to_string(in_flight()) + " messages to " + topic_name_ +
                             " still undelivered after the flush timeout");
    }
    rd_kafka_flush(handle_.get(), static_cast<int>(std::min<int64_t>(left.count(), 100)));
  }
  return Status::OK();
}

}  // namespace fugong
