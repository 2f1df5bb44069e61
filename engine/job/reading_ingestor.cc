#include "engine/job/reading_ingestor.h"

#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// About 256 MiB of interval slots before a commit.
constexpr size_t kMaxPendingSlots = 32u << 20;

void PutCounter(StateBatch* batch, const std::string& name, uint64_t value) {
  std::string bytes;
  AppendFixed64(value, &bytes);
  batch->Put(Store::kStats, name, bytes);
}

}  // namespace

std::string CounterName(DeadLetterReason reason) {
  return "readings.dead." + std::string(ReasonCode(reason));
}

ReadingIngestor::ReadingIngestor(const EngineConfig& config, const EnterpriseRegistry* registry,
                                 EpochSeconds now, StateStore* state)
    : config_(config),
      registry_(registry),
      state_(state),
      validator_(config, now),
      accumulator_(config.SlotsPerDay()) {}

void ReadingIngestor::LoadCounters() {
  counters_.records = state_->GetCounter("readings.records");
  counters_.used = state_->GetCounter("readings.used");
  counters_.blank = state_->GetCounter("readings.blank");
  if (counters_.used > 0) {
    min_day_ = static_cast<Day>(state_->GetCounter("readings.min_day"));
    max_day_ = static_cast<Day>(state_->GetCounter("readings.max_day"));
  }
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    counters_.dead[i] = state_->GetCounter(CounterName(static_cast<DeadLetterReason>(i)));
  }
}

void ReadingIngestor::DeadLetterRecord(DeadLetterReason reason, std::string detail,
                                       const std::string& source, int64_t position,
                                       std::string_view raw) {
  ++counters_.dead[static_cast<size_t>(reason)];
  DeadLetter letter{reason, std::move(detail), RecordOrigin{source, -1, position},
                    std::string(raw)};
  pending_dead_.emplace_back(DeadLetterKey(source, -1, position), DeadLetterToJson(letter));
}

void ReadingIngestor::AddCsvBatch(const SourceBatch& batch, ReadingCsvDecoder* decoder,
                                  const std::string& source) {
  Reading reading;
  PlacedReading placed;
  DecodeError error;
  int64_t position = batch.first_position;
  for (std::string_view line : batch.records) {
    const int64_t at = position++;
    if (line.empty() || (line.size() == 1 && line[0] == '\r')) {
      ++counters_.blank;
      continue;
    }
    ++counters_.records;
    if (!decoder->Decode(line, &reading, &error) || !validator_.Place(reading, &placed, &error)) {
      DeadLetterRecord(error.reason, std::move(error.detail), source, at, line);
      continue;
    }
    bool is_new;
    const uint32_t meter =
        accumulator_.MeterIndex(reading.enterprise_id, reading.meter_id, &is_new);
    if (is_new) {
      meter_known_.push_back(registry_ == nullptr || registry_->Find(reading.enterprise_id));
    }
    if (!meter_known_[meter]) {
      DeadLetterRecord(DeadLetterReason::kUnknownEnterprise,
                       "enterprise " + std::string(reading.enterprise_id) + " is not registered",
                       source, at, line);
      continue;
    }
    accumulator_.Add(meter, placed, reading.energy);
    ++counters_.used;
    if (placed.day < min_day_) min_day_ = placed.day;
    if (placed.day > max_day_) max_day_ = placed.day;
  }
}

std::optional<std::pair<Day, Day>> ReadingIngestor::day_span() const {
  if (min_day_ > max_day_) return std::nullopt;
  return std::make_pair(min_day_, max_day_);
}

bool ReadingIngestor::ShouldCommit() const {
  return accumulator_.pending_slots() >= kMaxPendingSlots || pending_dead_.size() >= 100000 ||
         counters_.records - records_at_last_commit_ >= commit_records_;
}

Status ReadingIngestor::Commit(const std::vector<std::pair<std::string, std::string>>& progress) {
  StateBatch batch(state_);
  records_at_last_commit_ = counters_.records;
  accumulator_.FlushTo(&batch);
  for (const auto& [key, json] : pending_dead_) batch.Put(Store::kDeadLetter, key, json);
  pending_dead_.clear();
  PutCounter(&batch, "readings.records", counters_.records);
  PutCounter(&batch, "readings.used", counters_.used);
  PutCounter(&batch, "readings.blank", counters_.blank);
  if (counters_.used > 0) {
    PutCounter(&batch, "readings.min_day", static_cast<uint64_t>(static_cast<int64_t>(min_day_)));
    PutCounter(&batch, "readings.max_day", static_cast<uint64_t>(static_cast<int64_t>(max_day_)));
  }
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) {
    PutCounter(&batch, CounterName(static_cast<DeadLetterReason>(i)), counters_.dead[i]);
  }
  for (const auto& [source, checkpoint] : progress) {
    batch.Put(Store::kProgress, source, checkpoint);
  }
  return state_->Write(&batch);
}

}  // namespace fugong
