#include "engine/job/reading_ingestor.h"

#include <thread>

#include "engine/common/parallel_for.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// About 256 MiB of interval slots (over all shards) before a commit.
constexpr size_t kMaxPendingSlots = 32u << 20;

void PutCounter(StateBatch* batch, const std::string& name, uint64_t value) {
  std::string bytes;
  AppendFixed64(value, &bytes);
  batch->Put(Store::kStats, name, bytes);
}

void AddCounters(const IngestCounters& from, IngestCounters* to) {
  to->records += from.records;
  to->used += from.used;
  to->blank += from.blank;
  for (size_t i = 0; i < kDeadLetterReasonCount; ++i) to->dead[i] += from.dead[i];
}

void AddDeadLetter(DeadLetterReason reason, std::string detail, const std::string& source,
                   int64_t position, std::string_view raw,
                   std::vector<std::pair<std::string, std::string>>* pending,
                   IngestCounters* counters) {
  ++counters->dead[static_cast<size_t>(reason)];
  DeadLetter letter{reason, std::move(detail), RecordOrigin{source, -1, position},
                    std::string(raw)};
  pending->emplace_back(DeadLetterKey(source, -1, position), DeadLetterToJson(letter));
}

}  // namespace

std::string CounterName(DeadLetterReason reason) {
  return "readings.dead." + std::string(ReasonCode(reason));
}

ReadingIngestor::ReadingIngestor(const EngineConfig& config, const EnterpriseRegistry* registry,
                                 EpochSeconds now, StateStore* state, int threads)
    : config_(config),
      registry_(registry),
      state_(state),
      validator_(config, now),
      threads_(threads > 0 ? threads
                           : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()))) {
  parts_.resize(threads_);
  for (int i = 0; i < threads_; ++i) shards_.emplace_back(config.SlotsPerDay());
}

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

void ReadingIngestor::ParseLines(const SourceBatch& batch, size_t begin, size_t end,
                                 ReadingCsvDecoder decoder, const std::string& source,
                                 ParsePart* part) const {
  Reading reading;
  DecodeError error;
  ParsedReading parsed;
  for (size_t i = begin; i < end; ++i) {
    const std::string_view line = batch.records[i];
    const int64_t at = batch.first_position + static_cast<int64_t>(i);
    if (line.empty() || (line.size() == 1 && line[0] == '\r')) {
      ++part->counters.blank;
      continue;
    }
    ++part->counters.records;
    if (!decoder.Decode(line, &reading, &error) ||
        !validator_.Place(reading, &parsed.placed, &error)) {
      AddDeadLetter(error.reason, std::move(error.detail), source, at, line, &part->dead,
                    &part->counters);
      continue;
    }
    parsed.enterprise = reading.enterprise_id;
    parsed.meter = reading.meter_id;
    parsed.line = line;
    parsed.hash = MeterDayAccumulator::HashMeter(reading.enterprise_id, reading.meter_id);
    parsed.value = reading.energy;
    parsed.position = at;
    part->by_shard[(parsed.hash >> 32) % part->by_shard.size()].push_back(parsed);
  }
}

void ReadingIngestor::ApplyToShard(int shard, const std::string& source, MeterShard* target) {
  for (const ParsePart& part : parts_) {  // parts in line order
    for (const ParsedReading& r : part.by_shard[shard]) {
      bool is_new;
      const uint32_t meter = target->accumulator.MeterIndex(r.enterprise, r.meter, r.hash, &is_new);
      if (is_new) {
        target->meter_known.push_back(registry_ == nullptr || registry_->Find(r.enterprise));
      }
      if (!target->meter_known[meter]) {
        AddDeadLetter(DeadLetterReason::kUnknownEnterprise,
                      "enterprise " + std::string(r.enterprise) + " is not registered", source,
                      r.position, r.line, &target->dead, &target->counters);
        continue;
      }
      target->accumulator.Add(meter, r.placed, r.value);
      ++target->counters.used;
      if (r.placed.day < target->min_day) target->min_day = r.placed.day;
      if (r.placed.day > target->max_day) target->max_day = r.placed.day;
    }
  }
}

void ReadingIngestor::AddCsvBatch(const SourceBatch& batch, const ReadingCsvDecoder& decoder,
                                  const std::string& source) {
  const size_t n = batch.records.size();
  // Small batches are not worth the threads.
  const int workers = n < 4096 ? 1 : threads_;
  for (ParsePart& part : parts_) {
    part.by_shard.resize(threads_);
    for (auto& readings : part.by_shard) readings.clear();
    part.counters = IngestCounters();
  }
  ParallelFor(workers, [&](int w) {
    ParseLines(batch, n * w / workers, n * (w + 1) / workers, decoder, source, &parts_[w]);
  });
  for (MeterShard& shard : shards_) shard.counters = IngestCounters();
  ParallelFor(threads_, [&](int s) { ApplyToShard(s, source, &shards_[s]); });
  for (const ParsePart& part : parts_) AddCounters(part.counters, &counters_);
  for (MeterShard& shard : shards_) {
    AddCounters(shard.counters, &counters_);
    if (shard.min_day < min_day_) min_day_ = shard.min_day;
    if (shard.max_day > max_day_) max_day_ = shard.max_day;
  }
  for (ParsePart& part : parts_) {
    for (auto& d : part.dead) shards_[0].dead.push_back(std::move(d));
    part.dead.clear();
  }
}

std::optional<std::pair<Day, Day>> ReadingIngestor::day_span() const {
  if (min_day_ > max_day_) return std::nullopt;
  return std::make_pair(min_day_, max_day_);
}

bool ReadingIngestor::ShouldCommit() const {
  size_t slots = 0, dead = 0;
  for (const MeterShard& shard : shards_) {
    slots += shard.accumulator.pending_slots();
    dead += shard.dead.size();
  }
  return slots >= kMaxPendingSlots || dead >= 100000 ||
         counters_.records - records_at_last_commit_ >= commit_records_;
}

Status ReadingIngestor::Commit(const std::vector<std::pair<std::string, std::string>>& progress) {
  StateBatch batch(state_);
  records_at_last_commit_ = counters_.records;
  for (MeterShard& shard : shards_) {
    shard.accumulator.FlushTo(&batch);
    for (const auto& [key, json] : shard.dead) batch.Put(Store::kDeadLetter, key, json);
    shard.dead.clear();
  }
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
