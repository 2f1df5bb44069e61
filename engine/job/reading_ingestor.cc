#include "engine/job/reading_ingestor.h"

#include "engine/common/parallel_for.h"
#include "engine/decode/guarded_decode.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// About 256 MiB of interval slots (over all shards) before a commit.
constexpr size_t kMaxPendingSlots = 32u << 20;

// Parse tasks per thread: enough that a thread held up by other work of the process (the file
// read-ahead, the state writer) leaves its share to the other.
constexpr int kPartsPerThread = 4;

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
                   int32_t partition, int64_t position, std::string_view raw,
                   std::vector<std::pair<std::string, std::string>>* pending,
                   IngestCounters* counters) {
  ++counters->dead[static_cast<size_t>(reason)];
  DeadLetter letter{reason, std::move(detail), RecordOrigin{source, partition, position},
                    std::string(raw)};
  pending->emplace_back(DeadLetterKey(source, partition, position), DeadLetterToJson(letter));
}

// `id` itself if it lies inside `record`, else a copy kept in `owned`.
std::string_view StableId(std::string_view id, std::string_view record,
                          std::deque<std::string>* owned) {
  if (id.data() >= record.data() && id.data() + id.size() <= record.data() + record.size()) {
    return id;
  }
  return owned->emplace_back(id);
}

}  // namespace

ReadingIngestor::ReadingIngestor(const EngineConfig& config, const EnterpriseRegistry* registry,
                                 EpochSeconds now, StateStore* state, int threads)
    : config_(config),
      registry_(registry),
      state_(state),
      validator_(config, now),
      threads_(ThreadCount(threads)),
      pool_(threads_) {
  parts_.resize(threads_ * kPartsPerThread);
  // One meter shard per thread: more shards would balance the apply step better, but each costs
  // more cache misses than the balance gains (measured: 4 shards on 2 cores, apply 25% slower).
  const int shards = threads_;
  for (int i = 0; i < shards; ++i) {
    shards_.emplace_back(config.SlotsPerDay());
    // A shard's share of a commit, and some: a batch applied after the threshold is reached
    // still goes in before the commit.
    shards_.back().accumulator.ReserveSlots(kMaxPendingSlots / shards + kMaxPendingSlots / 8);
  }
}

void ReadingIngestor::set_fresh_state(bool fresh) {
  for (MeterShard& shard : shards_) shard.accumulator.set_fresh_state(fresh);
}

void ReadingIngestor::LoadCounters() {
  LoadIngestCounters(*state_, "readings", &counters_);
  // Kept once a reading was used, or a restored task widened the span (ExtendDaySpan).
  const Day min_day = static_cast<Day>(state_->GetCounter("readings.min_day"));
  const Day max_day = static_cast<Day>(state_->GetCounter("readings.max_day"));
  if (counters_.used > 0 || min_day != 0 || max_day != 0) {
    min_day_ = min_day;
    max_day_ = max_day;
  }
  UpdateRetention();
}

void ReadingIngestor::UpdateRetention() {
  if (max_day_ < min_day_) return;
  // Rows before the cutoff may go; a reading is accepted only if the window it can reach (it
  // starts at most baseline_days before it) is still whole.
  state_->SetRetentionCutoff(max_day_ - config_.retention_days);
  validator_.set_oldest_day(max_day_ - config_.retention_days + config_.baseline_days);
}

void ReadingIngestor::Place(const Reading& reading, std::string_view raw, const std::string& source,
                            int32_t partition, int64_t position, size_t record,
                            ParsePart* part) const {
  ParsedReading parsed;
  DecodeError error;
  if (!validator_.Place(reading, &parsed.placed, &error, &part->memo)) {
    AddDeadLetter(error.reason, std::move(error.detail), source, partition, position, raw,
                  &part->dead, &part->counters);
    return;
  }
  parsed.enterprise = StableId(reading.enterprise_id, raw, &part->owned_ids);
  parsed.meter = StableId(reading.meter_id, raw, &part->owned_ids);
  parsed.hash = MeterDayAccumulator::HashMeter(reading.enterprise_id, reading.meter_id);
  parsed.value = reading.energy;
  parsed.record = static_cast<uint32_t>(record);
  if (partition >= 0) {
    auto [it, inserted] = part->event_time.emplace(partition, reading.ts);
    if (!inserted && reading.ts > it->second) it->second = reading.ts;
  }
  part->by_shard[(parsed.hash >> 32) % part->by_shard.size()].push_back(parsed);
}

void ReadingIngestor::ParseLines(const SourceBatch& batch, size_t begin, size_t end,
                                 ReadingCsvDecoder decoder, const std::string& source,
                                 ParsePart* part) const {
  Reading reading;
  DecodeError error;
  for (size_t i = begin; i < end; ++i) {
    const std::string_view line = batch.records[i];
    const int64_t at = batch.first_position + static_cast<int64_t>(i);
    if (line.empty() || (line.size() == 1 && line[0] == '\r')) {
      ++part->counters.blank;
      continue;
    }
    ++part->counters.records;
    if (!GuardedDecode([&] { return decoder.Decode(line, &reading, &error); }, &error)) {
      AddDeadLetter(error.reason, std::move(error.detail), source, -1, at, line, &part->dead,
                    &part->counters);
      continue;
    }
    Place(reading, line, source, -1, at, i, part);
  }
}

void ReadingIngestor::ParseMessages(const std::vector<StreamMessage>& messages, size_t begin,
                                    size_t end, ReadingJsonDecoder decoder,
                                    const std::string& topic, ParsePart* part) const {
  Reading reading;
  DecodeError error;
  for (size_t i = begin; i < end; ++i) {
    const StreamMessage& m = messages[i];
    ++part->counters.records;
    if (!GuardedDecode([&] { return decoder.Decode(m.key, m.value, &reading, &error); }, &error)) {
      AddDeadLetter(error.reason, std::move(error.detail), topic, m.partition, m.offset, m.value,
                    &part->dead, &part->counters);
      continue;
    }
    Place(reading, m.value, topic, m.partition, m.offset, i, part);
  }
}

void ReadingIngestor::ApplyToShard(int shard, MeterShard* target) {
  const std::string& source = *source_;
  // How many readings ahead the meter table is prefetched: enough to cover a miss to memory.
  constexpr size_t kPrefetchAhead = 8;
  for (const ParsePart& part : parts_) {  // parts in line order
    const std::vector<ParsedReading>& readings = part.by_shard[shard];
    for (size_t j = 0; j < readings.size(); ++j) {
      if (j + kPrefetchAhead < readings.size()) {
        target->accumulator.PrefetchMeter(readings[j + kPrefetchAhead].hash);
      }
      const ParsedReading& r = readings[j];
      bool is_new;
      const uint32_t meter = target->accumulator.MeterIndex(r.enterprise, r.meter, r.hash, &is_new);
      if (is_new) {
        target->meter_known.push_back(registry_ == nullptr || registry_->Find(r.enterprise));
      }
      if (!target->meter_known[meter]) {
        const BatchRecord record = RecordOf(r.record);
        AddDeadLetter(DeadLetterReason::kUnknownEnterprise,
                      "enterprise " + std::string(r.enterprise) + " is not registered", source,
                      record.partition, record.position, record.raw, &target->dead,
                      &target->counters);
        continue;
      }
      target->accumulator.Add(meter, r.placed, r.value);
      ++target->counters.used;
      if (r.placed.day < target->min_day) target->min_day = r.placed.day;
      if (r.placed.day > target->max_day) target->max_day = r.placed.day;
    }
  }
}

ReadingIngestor::BatchRecord ReadingIngestor::RecordOf(uint32_t record) const {
  if (batch_messages_ != nullptr) {
    const StreamMessage& m = (*batch_messages_)[record];
    return {m.value, m.partition, m.offset};
  }
  return {batch_lines_->records[record], -1,
          batch_lines_->first_position + static_cast<int64_t>(record)};
}

void ReadingIngestor::ResetParts() {
  for (ParsePart& part : parts_) {
    part.by_shard.resize(shards_.size());
    for (auto& readings : part.by_shard) readings.clear();
    part.owned_ids.clear();
    part.event_time.clear();
    part.counters = IngestCounters();
    part.memo = ReadingValidator::PlaceMemo();
  }
}

void ReadingIngestor::ApplyParts() {
  for (MeterShard& shard : shards_) shard.counters = IngestCounters();
  pool_.Run(static_cast<int>(shards_.size()), [&](int s) { ApplyToShard(s, &shards_[s]); });
  for (const ParsePart& part : parts_) AddCounters(part.counters, &counters_);
  for (MeterShard& shard : shards_) {
    AddCounters(shard.counters, &counters_);
    if (shard.min_day < min_day_) min_day_ = shard.min_day;
    if (shard.max_day > max_day_) max_day_ = shard.max_day;
  }
  UpdateRetention();
  for (ParsePart& part : parts_) {
    for (auto& d : part.dead) shards_[0].dead.push_back(std::move(d));
    part.dead.clear();
    for (const auto& [partition, ts] : part.event_time) {
      auto [it, inserted] = partition_event_time_.emplace(partition, ts);
      if (!inserted && ts > it->second) it->second = ts;
    }
  }
}

template <typename ParseRange>
void ReadingIngestor::ParseInParts(size_t n, const std::string& source, ParseRange parse) {
  // Small batches are not worth the threads.
  const size_t parts = n < 4096 ? 1 : parts_.size();
  ResetParts();
  pool_.Run(static_cast<int>(parts),
            [&](int p) { parse(n * p / parts, n * (p + 1) / parts, &parts_[p]); });
  source_ = &source;
  ApplyParts();
}

void ReadingIngestor::AddCsvBatch(const SourceBatch& batch, const ReadingCsvDecoder& decoder,
                                  const std::string& source) {
  batch_lines_ = &batch;
  batch_messages_ = nullptr;
  ParseInParts(batch.records.size(), source, [&](size_t begin, size_t end, ParsePart* part) {
    ParseLines(batch, begin, end, decoder, source, part);
  });
}

void ReadingIngestor::AddMessages(const std::vector<StreamMessage>& messages,
                                  const ReadingJsonDecoder& decoder, const std::string& topic) {
  batch_lines_ = nullptr;
  batch_messages_ = &messages;
  ParseInParts(messages.size(), topic, [&](size_t begin, size_t end, ParsePart* part) {
    ParseMessages(messages, begin, end, decoder, topic, part);
  });
}

void ReadingIngestor::ExtendDaySpan(Day first, Day last, StateBatch* batch) {
  min_day_ = std::min(min_day_, first);
  max_day_ = std::max(max_day_, last);
  PutCounter(batch, "readings.min_day", static_cast<uint64_t>(static_cast<int64_t>(min_day_)));
  PutCounter(batch, "readings.max_day", static_cast<uint64_t>(static_cast<int64_t>(max_day_)));
  UpdateRetention();
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

void ReadingIngestor::FlushInto(StateBatch* batch, Day report_through,
                                std::vector<std::pair<std::string, Day>>* touched,
                                std::vector<std::pair<std::string, std::string>>* dead_letters) {
  records_at_last_commit_ = counters_.records;
  // Sorting and encoding the meter-days is most of a commit's work: each shard does its own at
  // once, the first into `batch`, the others into batches of their own appended after it, so the
  // batch is what one shard after the other would have written.
  shard_batches_.resize(shards_.size());
  std::vector<std::vector<std::pair<std::string, Day>>> shard_touched(shards_.size());
  pool_.Run(static_cast<int>(shards_.size()), [&](int s) {
    StateBatch* into = batch;
    if (s > 0) {
      if (!shard_batches_[s]) {
        shard_batches_[s] =
            std::make_unique<StateBatch>(state_, shards_[s].accumulator.EstimatedFlushBytes());
      }
      into = shard_batches_[s].get();
    }
    shards_[s].accumulator.FlushTo(into, report_through,
                                   touched == nullptr ? nullptr
                                   : s == 0           ? touched
                                                      : &shard_touched[s]);
  });
  for (size_t s = 0; s < shards_.size(); ++s) {
    MeterShard& shard = shards_[s];
    if (s > 0) {
      batch->Append(*shard_batches_[s]);
      shard_batches_[s]->Clear();
      if (touched != nullptr) {
        touched->insert(touched->end(), std::make_move_iterator(shard_touched[s].begin()),
                        std::make_move_iterator(shard_touched[s].end()));
      }
    }
    for (auto& [key, json] : shard.dead) {
      batch->Put(Store::kDeadLetter, key, json);
      if (dead_letters != nullptr) dead_letters->emplace_back(std::move(key), std::move(json));
    }
    shard.dead.clear();
  }
  PutIngestCounters(batch, "readings", counters_);
  if (counters_.used > 0) {
    PutCounter(batch, "readings.min_day", static_cast<uint64_t>(static_cast<int64_t>(min_day_)));
    PutCounter(batch, "readings.max_day", static_cast<uint64_t>(static_cast<int64_t>(max_day_)));
  }
}

std::unique_ptr<StateBatch> ReadingIngestor::TakeCommit(
    const std::vector<std::pair<std::string, std::string>>& progress,
    std::unique_ptr<StateBatch> reuse) {
  std::unique_ptr<StateBatch> batch = std::move(reuse);
  if (!batch) {
    size_t estimate = 0;
    for (const MeterShard& shard : shards_) estimate += shard.accumulator.EstimatedFlushBytes();
    batch = std::make_unique<StateBatch>(state_, estimate);
  }
  FlushInto(batch.get(), INT32_MIN, nullptr, nullptr);
  for (const auto& [source, checkpoint] : progress) {
    batch->Put(Store::kProgress, source, checkpoint);
  }
  return batch;
}

Status ReadingIngestor::Commit(const std::vector<std::pair<std::string, std::string>>& progress) {
  return state_->Write(TakeCommit(progress).get());
}

}  // namespace fugong
