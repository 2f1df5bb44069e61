#include "connectors/kafka/csv_topic_replay.h"

#include <algorithm>
#include <filesystem>
#include <memory>

#include "connectors/file/csv_file_source.h"
#include "connectors/kafka/consumer_group_lag.h"
#include "connectors/kafka/kafka_producer.h"

namespace fugong {

namespace {

using Clock = std::chrono::steady_clock;

constexpr std::string_view kPhase = "produce";
// Delivery reports are served every this many messages, so that librdkafka's queue drains.
constexpr uint64_t kPollEvery = 4096;
constexpr std::chrono::milliseconds kLagTimeout{10000};
constexpr std::chrono::milliseconds kLagRetry{50};

bool IsBlank(std::string_view line) { return line.empty() || line == "\r"; }

// Everything one replay needs, so that the steps below stay small.
class Replay {
 public:
  Replay(const ReplayOptions& options, ProgressListener* progress)
      : options_(options), progress_(progress) {}

  Status Run(const KafkaConfig& config) {
    FUGONG_RETURN_IF_ERROR(CheckInputs());
    Result<std::unique_ptr<KafkaProducer>> producer =
        KafkaProducer::Create(config, options_.topic, options_.on_warning);
    if (!producer.ok()) return producer.status();
    producer_ = std::move(producer).value();
    if (options_.max_lag > 0) {
      Result<std::unique_ptr<ConsumerGroupLag>> lag =
          ConsumerGroupLag::Create(config, options_.group, options_.topic);
      if (!lag.ok()) return lag.status();
      lag_ = std::move(lag).value();
      pace_batch_ =
          options_.pace_batch > 0 ? options_.pace_batch : DefaultPaceBatch(options_.max_lag);
      since_check_ = pace_batch_;  // check before the first message too
    }
    for (const std::string& file : options_.files) {
      const Status replayed = ReplayFile(file);
      if (!replayed.ok()) {
        // What was produced before the error still goes out, so the topic holds a prefix of
        // the input rather than an arbitrary subset (a file cut short: its whole lines).
        producer_->Flush(options_.flush_timeout);
        CopyCounts();
        return WithDeliveries(replayed);
      }
    }
    const Status flushed = producer_->Flush(options_.flush_timeout);
    CopyCounts();
    if (progress_ != nullptr) progress_->OnPhaseDone(kPhase);
    FUGONG_RETURN_IF_ERROR(producer_->fatal());
    if (!flushed.ok()) {
      // Undelivered at the end is as bad as refused: count them so the exit status says so.
      stats_.failed += producer_->in_flight();
      if (stats_.first_delivery_error.empty()) stats_.first_delivery_error = flushed.message();
    }
    return Status::OK();
  }

  ReplayStats& stats() { return stats_; }

 private:
  // Opens every file and checks its header before anything is produced: a typo in the last
  // file name should not leave a topic half filled.
  Status CheckInputs() {
    if (options_.files.empty()) return Status::InvalidArgument("no input files");
    for (const std::string& file : options_.files) {
      Result<std::unique_ptr<CsvFileSource>> source = CsvFileSource::Open(file);
      if (!source.ok()) return source.status();
      Result<CsvMessageEncoder> encoder =
          CsvMessageEncoder::FromHeader(options_.kind, (*source)->header());
      if (!encoder.ok()) return Status::InvalidArgument(file + ": " + encoder.status().message());
      for (const std::string& column : encoder->ignored_columns()) {
        stats_.warnings.push_back(file + ": column '" + column + "' is not a field of " +
                                  std::string(TopicRecordKindName(options_.kind)) +
                                  " and is left out of the messages");
        Warn(stats_.warnings.back());
      }
      std::error_code ec;
      const uint64_t size = std::filesystem::file_size(file, ec);
      if (!ec) bytes_total_ += size;
    }
    return Status::OK();
  }

  Status ReplayFile(const std::string& file) {
    Result<std::unique_ptr<CsvFileSource>> opened = CsvFileSource::Open(file);
    if (!opened.ok()) return opened.status();
    std::unique_ptr<CsvFileSource> source = std::move(opened).value();
    Result<CsvMessageEncoder> encoder =
        CsvMessageEncoder::FromHeader(options_.kind, source->header());
    if (!encoder.ok()) return Status::InvalidArgument(file + ": " + encoder.status().message());
    SourceBatch batch;
    while (true) {
      FUGONG_RETURN_IF_ERROR(source->Next(&batch));
      if (batch.records.empty()) break;
      for (std::string_view line : batch.records) {
        ++stats_.lines;
        if (IsBlank(line)) {
          ++stats_.blank_lines;
          continue;
        }
        if (lag_ != nullptr && since_check_ >= pace_batch_) {
          Report(source->work_done());
          FUGONG_RETURN_IF_ERROR(WaitForConsumers());
          since_check_ = 0;
        }
        const CsvMessageEncoder::Message message = encoder->Encode(line);
        if (message.raw) {
          ++stats_.raw_messages;
          FUGONG_RETURN_IF_ERROR(producer_->ProduceWithoutKey(message.value));
        } else {
          FUGONG_RETURN_IF_ERROR(producer_->Produce(message.key, message.value));
        }
        ++stats_.messages;
        ++since_check_;
        if (stats_.messages % kPollEvery == 0) producer_->Poll();
      }
      Report(source->work_done());
    }
    bytes_done_ += source->work_total();
    return Status::OK();
  }

  // Waits while the group is more than max_lag messages behind what this replay produced.
  Status WaitForConsumers() {
    const Clock::time_point start = Clock::now();
    bool waited = false;
    while (true) {
      FUGONG_RETURN_IF_ERROR(producer_->fatal());
      producer_->Poll();
      ++stats_.lag_checks;
      Result<ConsumerGroupLag::Measurement> m = lag_->Measure(kLagTimeout);
      if (!m.ok()) {
        // Not knowing the lag is no reason to produce: keep waiting, and say why.
        Warn("cannot measure the lag of group " + options_.group + ": " + m.status().message());
      } else if (m->lag + static_cast<int64_t>(producer_->in_flight()) <= options_.max_lag) {
        break;
      }
      if (!waited) ++stats_.lag_waits;
      waited = true;
      producer_->Poll(kLagRetry);
    }
    stats_.paced_seconds += std::chrono::duration<double>(Clock::now() - start).count();
    return Status::OK();
  }

  void Warn(const std::string& text) {
    if (options_.on_warning && text != last_warning_) options_.on_warning(text);
    last_warning_ = text;
  }

  void Report(uint64_t file_bytes_done) {
    if (progress_ == nullptr) return;
    progress_->OnProgress(kPhase, stats_.messages, bytes_done_ + file_bytes_done,
                          std::max(bytes_total_, bytes_done_ + file_bytes_done));
  }

  // `failed` with what became of the messages produced before it.
  Status WithDeliveries(const Status& failed) const {
    const std::string message = failed.message() + "; " + std::to_string(stats_.delivered) +
                                " of the " + std::to_string(stats_.messages) +
                                " messages produced before it were delivered";
    switch (failed.code()) {
      case Status::Code::kInvalidArgument:
        return Status::InvalidArgument(message);
      case Status::Code::kCorruption:
        return Status::Corruption(message);
      default:
        return Status::IOError(message);
    }
  }

  void CopyCounts() {
    const KafkaProducer::Counts& counts = producer_->counts();
    stats_.delivered = counts.delivered;
    stats_.failed = counts.failed;
    stats_.delivered_bytes = counts.delivered_bytes;
    stats_.first_delivery_error = counts.first_error;
  }

  const ReplayOptions& options_;
  ProgressListener* progress_;
  std::unique_ptr<KafkaProducer> producer_;
  std::unique_ptr<ConsumerGroupLag> lag_;
  int64_t pace_batch_ = 0;
  int64_t since_check_ = 0;
  uint64_t bytes_total_ = 0;
  uint64_t bytes_done_ = 0;
  std::string last_warning_;
  ReplayStats stats_;
};

}  // namespace

int64_t DefaultPaceBatch(int64_t max_lag) { return std::clamp<int64_t>(max_lag / 10, 1, 50000); }

Result<ReplayStats> ReplayCsvToTopic(const KafkaConfig& config, const ReplayOptions& options,
                                     ProgressListener* progress) {
  if (options.topic.empty()) return Status::InvalidArgument("no topic given");
  if (options.max_lag < 0) return Status::InvalidArgument("max lag must not be negative");
  if (options.max_lag > 0 && options.group.empty()) {
    return Status::InvalidArgument("pacing on consumer lag (max lag) needs a consumer group");
  }
  Replay replay(options, progress);
  FUGONG_RETURN_IF_ERROR(replay.Run(config));
  return std::move(replay.stats());
}

}  // namespace fugong
