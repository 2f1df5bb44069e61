#include "connectors/kafka/kafka_index_sink.h"

#include <charconv>
#include <utility>

#include "connectors/kafka/client_defaults.h"

namespace fugong {

namespace {

// Acknowledgements are written to the ledger in batches of about this many.
constexpr size_t kLedgerBatch = 10000;
// Delivery reports are served every this many records (Produce serves them only when
// librdkafka's queue is full).
constexpr uint64_t kPollEvery = 1000;

// librdkafka's message.timeout.ms (alias delivery.timeout.ms): how long a message may take,
// retries included, before it fails. 0 means no limit.
std::chrono::milliseconds MessageTimeout(const KafkaConfig& config) {
  for (const char* name : {"message.timeout.ms", "delivery.timeout.ms"}) {
    const std::optional<std::string> text = config.Get(name);
    if (!text) continue;
    int64_t ms = 0;
    const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), ms);
    if (ec == std::errc() && end == text->data() + text->size() && ms >= 0) {
      return std::chrono::milliseconds(ms == 0 ? INT32_MAX : ms);
    }
  }
  return std::chrono::milliseconds(300000);  // librdkafka's default
}

}  // namespace

Result<std::unique_ptr<KafkaIndexSink>> KafkaIndexSink::Create(KafkaConfig config,
                                                               const std::string& topic,
                                                               StateStore* state, Options options) {
  // Bulk output: batched, idempotent, and the Java clients' partitioner, which the streaming
  // service uses too (a key must land in the partition that holds its earlier records).
  SetReplayProducerDefaults(&config);
  std::unique_ptr<KafkaIndexSink> sink(new KafkaIndexSink());
  sink->topic_ = topic;
  sink->options_ = std::move(options);
  const std::chrono::milliseconds message_timeout = MessageTimeout(config);
  // Every message is delivered or failed within message.timeout.ms of its production; the
  // margin covers the last ones produced.
  sink->flush_timeout_ = message_timeout + std::chrono::seconds(30);
  Result<std::unique_ptr<KafkaProducer>> producer =
      KafkaProducer::Create(config, topic, sink->options_.on_error);
  if (!producer.ok()) return producer.status();
  sink->producer_ = std::move(producer).value();
  Result<std::string> cluster_id = sink->producer_->Connect(message_timeout);
  if (!cluster_id.ok()) {
    return Status::IOError(cluster_id.status().message() + " (bootstrap.servers " +
                           config.Get("bootstrap.servers").value_or("") + ")");
  }
  // Brokers older than Kafka 0.10 report no id: the bootstrap list is the next best name.
  const std::string cluster = cluster_id->empty()
                                  ? "bootstrap:" + config.Get("bootstrap.servers").value_or("")
                                  : *cluster_id;
  sink->destination_ = cluster + "/" + topic;
  sink->ledger_ = std::make_unique<DeliveryLedger>(state, sink->destination_);
  DeliveryLedger* ledger = sink->ledger_.get();
  sink->producer_->SetOnDelivered(
      [ledger](std::string_view key, std::string_view value) { ledger->Acknowledged(key, value); });
  return sink;
}

Status KafkaIndexSink::Write(std::string_view key, std::string_view value) {
  if (!options_.resend_all) {
    Result<bool> held = ledger_->Holds(key, value);
    if (!held.ok()) return held.status();
    if (*held) {
      ++held_;
      return Status::OK();
    }
  }
  // After a fatal producer error nothing more can be sent; the file beside this sink is still
  // written in full, and Close reports the error.
  if (!fatal_.ok()) return Status::OK();
  const Status produced = producer_->Produce(key, value);
  if (!produced.ok()) {
    fatal_ = produced;
    return Status::OK();
  }
  if (++writes_ % kPollEvery == 0) producer_->Poll();
  if (ledger_->pending() >= kLedgerBatch) return ledger_->Commit();
  return Status::OK();
}

Status KafkaIndexSink::Close() {
  if (closed_) return Status::OK();
  closed_ = true;
  Status flushed = fatal_.ok() ? producer_->Flush(flush_timeout_) : fatal_;
  // What was acknowledged is remembered even when other records failed: the next run sends
  // only the rest.
  const Status committed = ledger_->Commit();
  if (!flushed.ok()) return flushed;
  if (!committed.ok()) return committed;
  const KafkaProducer::Counts& c = producer_->counts();
  if (c.failed > 0) {
    return Status::IOError(std::to_string(c.failed) + " of " + std::to_string(c.produced) +
                           " index records were not delivered to " + topic_ + ": " + c.first_error +
                           " (run the backfill again to send them)");
  }
  return Status::OK();
}

KafkaIndexSink::Counts KafkaIndexSink::counts() const {
  const KafkaProducer::Counts& c = producer_->counts();
  return Counts{c.produced, c.delivered, c.failed, held_};
}

}  // namespace fugong
