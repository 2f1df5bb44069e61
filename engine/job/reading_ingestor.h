// decode -> validate -> meter_day: turns raw reading records into meter-day rows, dead letters
// and counters, and commits them to state together with the input positions, in one batch.
//
// It uses every core it is given, without giving up determinism: a batch of lines is cut into
// contiguous parts (a few per thread, each taken by whichever thread of its WorkerPool is free)
// that are decoded and validated in parallel; then the readings are applied by
// meter shards in parallel, each shard owning the meters whose key hashes to it and taking the
// parts in line order, so every meter sees its readings in arrival order — the order that decides
// which of two conflicting values wins.
#pragma once

#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "engine/common/worker_pool.h"
#include "engine/config/engine_config.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/decode/reading_json_decoder.h"
#include "engine/job/ingest_counters.h"
#include "engine/job/record_source.h"
#include "engine/job/stream_message.h"
#include "engine/meter_day/meter_day_accumulator.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/state/state_store.h"
#include "engine/validate/reading_validator.h"

namespace fugong {

class ReadingIngestor {
 public:
  // `registry` may be null: then readings of any enterprise are kept (streaming keeps them until
  // the registry knows the enterprise); otherwise unknown enterprises are dead-lettered.
  // `threads` 0 means one per core.
  ReadingIngestor(const EngineConfig& config, const EnterpriseRegistry* registry, EpochSeconds now,
                  StateStore* state, int threads = 0);

  // The clock's time, for the future_timestamp check of a long-running stream.
  void set_now(EpochSeconds now) { validator_.set_now(now); }

  // Restores the counters committed by earlier runs.
  void LoadCounters();

  void AddCsvBatch(const SourceBatch& batch, const ReadingCsvDecoder& decoder,
                   const std::string& source);
  // Messages of one topic (JSON readings keyed by enterprise), in the order they were consumed.
  void AddMessages(const std::vector<StreamMessage>& messages, const ReadingJsonDecoder& decoder,
                   const std::string& topic);

  // Bulk load (MeterDayAccumulator::set_fresh_state): the state holds no meter_day row yet and
  // only this ingestor writes them, so a meter-day first written by a commit is a Put.
  void set_fresh_state(bool fresh);

  // Whether enough is held in memory to be worth a commit.
  bool ShouldCommit() const;
  // Commit at least every `records` records (default: by memory held only).
  void set_commit_records(uint64_t records) { commit_records_ = records; }
  // Writes meter-days, dead letters, counters and `progress` (source name -> checkpoint)
  // atomically.
  Status Commit(const std::vector<std::pair<std::string, std::string>>& progress);
  // What Commit writes, as a batch of its own, and forgets it: the caller writes it (e.g. with a
  // StateWriteBehind, while the next input is parsed).
  // `reuse` (optional): an empty batch of this state to fill, whose memory is reused.
  std::unique_ptr<StateBatch> TakeCommit(
      const std::vector<std::pair<std::string, std::string>>& progress,
      std::unique_ptr<StateBatch> reuse = nullptr);
  // What Commit writes, minus the progress, added to `batch` (the caller writes it together with
  // its own changes). `touched` (optional) gets (enterprise, day) for each day up to
  // `report_through` whose energy the new rows can change; `dead_letters` (optional) the new dead
  // letters as (state key, JSON). The shards encode their meter-days at the same time.
  void FlushInto(StateBatch* batch, Day report_through,
                 std::vector<std::pair<std::string, Day>>* touched,
                 std::vector<std::pair<std::string, std::string>>* dead_letters);

  const IngestCounters& counters() const { return counters_; }
  // Messages: partition -> the latest ts of a reading placed from it (the event time).
  const std::map<int32_t, EpochSeconds>& partition_event_times() const {
    return partition_event_time_;
  }
  // The first and last local day any used reading was placed on (register readings count on
  // the day they open); empty before the first.
  std::optional<std::pair<Day, Day>> day_span() const;
  // Widens the day span to [first, last] (a restored task's meter-days, read from its
  // changelog rather than from readings), kept in `batch`.
  void ExtendDaySpan(Day first, Day last, StateBatch* batch);

 private:
  // A line that decoded and validated, waiting for its meter shard. Written and read once per
  // reading, so kept to one cache line: the record itself is found by its index in the batch.
  struct ParsedReading {
    std::string_view enterprise;
    std::string_view meter;
    uint64_t hash;
    PlacedReading placed;
    MicroKwh value;
    uint32_t record;  // index in the batch being added
  };
  static_assert(sizeof(ParsedReading) <= 64);
  // Where a record of the batch came from, for its dead letter.
  struct BatchRecord {
    std::string_view raw;
    int32_t partition;  // -1 for a file
    int64_t position;   // line number or offset
  };
  using PendingDeadLetters = std::vector<std::pair<std::string, std::string>>;  // key, json
  struct ParsePart {
    std::vector<std::vector<ParsedReading>> by_shard;  // parsed readings, per meter shard
    // Ids that do not lie in their record (unquoted or unescaped by the decoder): the decoder
    // reuses its buffers, so they are copied here until the shards have used them.
    std::deque<std::string> owned_ids;
    std::map<int32_t, EpochSeconds> event_time;  // partition -> latest ts of a placed reading
    PendingDeadLetters dead;
    IngestCounters counters;
    ReadingValidator::PlaceMemo memo;  // of this batch only (the oldest day moves between them)
  };
  struct MeterShard {
    explicit MeterShard(int slots_per_day) : accumulator(slots_per_day) {}
    MeterDayAccumulator accumulator;
    std::vector<uint8_t> meter_known;  // by meter index: is its enterprise registered?
    PendingDeadLetters dead;
    IngestCounters counters;
    Day min_day = INT32_MAX;
    Day max_day = INT32_MIN;
  };

  void ParseLines(const SourceBatch& batch, size_t begin, size_t end, ReadingCsvDecoder decoder,
                  const std::string& source, ParsePart* part) const;
  void ParseMessages(const std::vector<StreamMessage>& messages, size_t begin, size_t end,
                     ReadingJsonDecoder decoder, const std::string& topic, ParsePart* part) const;
  // Validates a decoded reading and hands it to its shard, or dead-letters it.
  void Place(const Reading& reading, std::string_view raw, const std::string& source,
             int32_t partition, int64_t position, size_t record, ParsePart* part) const;
  BatchRecord RecordOf(uint32_t record) const;
  void ResetParts();
  // Moves the retention cutoff and the oldest day accepted after the newest day read.
  void UpdateRetention();
  void ApplyParts();
  // Records [0, n) of one source parsed in parts on the worker threads, parse(begin, end, part),
  // then applied in order.
  template <typename ParseRange>
  void ParseInParts(size_t n, const std::string& source, ParseRange parse);
  void ApplyToShard(int shard, MeterShard* target);

  const EngineConfig& config_;
  const EnterpriseRegistry* registry_;
  StateStore* state_;
  ReadingValidator validator_;
  int threads_;
  WorkerPool pool_;
  std::vector<ParsePart> parts_;  // parse tasks of a batch, in line order
  std::vector<MeterShard> shards_;
  // The batches the shards after the first encode into (FlushInto), kept with their memory.
  std::vector<std::unique_ptr<StateBatch>> shard_batches_;
  // The batch being added: its source, and its lines or its messages.
  const std::string* source_ = nullptr;
  const SourceBatch* batch_lines_ = nullptr;
  const std::vector<StreamMessage>* batch_messages_ = nullptr;
  std::map<int32_t, EpochSeconds> partition_event_time_;
  IngestCounters counters_;  // committed before this run plus everything added since
  uint64_t commit_records_ = UINT64_MAX;
  uint64_t records_at_last_commit_ = 0;
  Day min_day_ = INT32_MAX;
  Day max_day_ = INT32_MIN;
};

}  // namespace fugong
