// The streaming job: messages of the readings, registry, weather and risk topics in, index records
// and dead letters out (through the outbox), state in RocksDB. It knows nothing of Kafka: the
// service hands it consumed messages and sends what it puts in the outbox.
//
//   readings ──► decode ► validate ► meter_day ──┐            ┌─► watermark ► close days
//   enterprises ─► registry ──────────────────────┼─► commit ──┤   (live_index: fit windows,
//   weather ───► weather table ───────────────────┤  (state +  └─► score the day, late rescores,
//   risk ──────► risk chart ──────────────────────┘   offsets,      group sums ► publish ► outbox)
//                                                    one batch)
//
// Exactly once: everything a batch of messages changes and the offsets after it are committed in
// one RocksDB write batch; on start the consumer seeks to those offsets. New revisions go into
// the outbox in the same batch as the revision itself, and leave it only once acknowledged.
#pragma once

#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "engine/common/clock.h"
#include "engine/config/engine_config.h"
#include "engine/decode/enterprise_json_decoder.h"
#include "engine/decode/reading_json_decoder.h"
#include "engine/decode/risk_json_decoder.h"
#include "engine/decode/weather_json_decoder.h"
#include "engine/job/engine_references.h"
#include "engine/job/event_time_watermark.h"
#include "engine/job/ingest_counters.h"
#include "engine/job/live_index.h"
#include "engine/job/outbox.h"
#include "engine/job/reading_ingestor.h"
#include "engine/job/stream_message.h"
#include "engine/job/stream_settings.h"
#include "engine/job/task_changelog.h"
#include "engine/job/task_partials_sender.h"
#include "engine/publish/totals_publisher.h"
#include "engine/reference/enterprise_registry.h"
#include "engine/reference/risk_chart.h"
#include "engine/reference/weather_table.h"

namespace fugong {

struct StreamContext : EngineReferences {
  const StreamSettings* settings;
  const Clock* clock;
  StateStore* state;
  int threads = 0;  // 0: one per core
};

// What the job has done, for logs, the summary and metrics.
struct StreamStatus {
  IngestCounters readings;  // over the state's whole life
  IngestCounters enterprises;
  IngestCounters weather;
  IngestCounters risk;
  uint64_t gaps = 0;          // partition gaps found (offsets lost before they were read)
  uint64_t lost_offsets = 0;  // offsets in those gaps
  std::optional<EpochSeconds> watermark;
  std::optional<Day> closed_through;  // every day up to this one is closed
  std::optional<std::pair<Day, Day>> data_span;
  uint64_t registered = 0;
  uint64_t records_new = 0;              // this run
  uint64_t records_revised = 0;          // this run
  uint64_t days_closed = 0;              // this run
  double last_publish_seconds = 0;       // the last close/republish step: rescoring to outbox
  double last_commit_write_seconds = 0;  // the last commit's ingest write (before closing)
  CloseWork last_close;                  // what the last close that did something did
  uint64_t pending_rescores = 0;         // late input waiting for the next close
  std::string closes_held;               // why closes are held (SetClosesHeld); empty: they run
  uint64_t partials_sent = 0;            // partials messages put in the outbox (this run)
  uint64_t partials_read = 0;            // partials messages read by this instance's owners
  uint64_t partials_bad = 0;             // of them, not partials messages (counted, skipped)
  // Changelogs (EnableChangelogs): the task being restored, if any, and what restores did.
  std::string restoring;           // e.g. "task 0_3: meter_day changelog, 1200 of 5000 records"
  uint64_t restored_records = 0;   // changelog records applied (this run)
  uint64_t restore_remaining = 0;  // records of the restore under way still to read
};

class StreamJob {
 public:
  explicit StreamJob(const StreamContext& context);

  // Restores everything from state and publishes what a crash may have left unpublished.
  Status Open();

  // Where to start a partition: the offset after the last one committed (0 for one never read).
  int64_t StartOffset(const std::string& topic, int32_t partition) const;

  // Takes consumed messages (any of the input topics, in consumption order). Their bytes are
  // copied or used before this returns. Messages before a partition's committed offset (a
  // consumer re-delivering) are skipped: they are in state already.
  Status Add(const std::vector<StreamMessage>& messages);
  // Offsets [from, to) of a partition were removed by the broker before they were read: a
  // partition_gap dead letter, a counter, and reading goes on at `to`.
  void AddGap(const std::string& topic, int32_t partition, int64_t from, int64_t to);

  // The readings partitions that still have unread messages, as the source knows them (a Kafka
  // consumer: position below the log end of its last fetch response, or no fetch response yet).
  // They hold the watermark back however long they have been quiet
  // (EventTimeWatermark::SetBacklog).
  void SetReadingsBacklog(std::set<int32_t> partitions) {
    watermark_.SetBacklog(std::move(partitions));
  }

  // Holds every close and revision (the input is still committed) while `why` is not empty: the
  // source does not give this job every readings partition, so its sums would lack enterprises
  // (a second instance in the consumer group; docs/scale-out.md). Takes effect from the next
  // Seal; an empty `why` releases the hold.
  void SetClosesHeld(std::string why) { status_.closes_held = std::move(why); }

  // Totals through the partials topic (settings.partials_topic; docs/scale-out.md): the closes
  // send each held task's partials, and the partials partitions this instance is given are
  // combined and published here. Called before Open, with the partition counts of the readings
  // and partials topics.
  void EnablePartials(int32_t readings_partitions, int32_t partials_partitions);
  bool partials_enabled() const { return sender_.has_value(); }
  // State per task in changelogs (docs/scale-out.md, "Changelogs and restore"): the rows of each
  // held task's logged stores go to their changelogs through the outbox, and a task is restored
  // before its readings are read. Requires EnablePartials; called before Open. The job must
  // outlive no write: the destructor removes the tap from the state.
  void EnableChangelogs();
  bool changelogs_enabled() const { return changelog_ != nullptr; }
  const std::string& readings_topic() const { return ctx_.settings->readings_topic; }
  ~StreamJob();

  // Restoring tasks (the service's restore, with no commit under way; EnableChangelogs): where
  // this instance's copy of a task agrees with its changelogs, none when it has no copy it can
  // trust; and the wipe of the tasks without one (their rows, positions and unsent changelog
  // records, in one pass), which are then read from the beginning.
  std::optional<ChangelogPositions> RestorePositions(int32_t task) const;
  Status WipeTasks(const std::set<int32_t>& tasks);
  // Applies a slice of records of one changelog (see TaskChangelog::Apply).
  Status ApplyRestored(int32_t task, ChangelogStore store, const std::vector<LogRecord>& records,
                       int64_t next_offset, RestoredTask* restored);
  // The restore of these tasks is complete: each task's progress (readings offset, event time), its
  // enterprises and partials sequence are taken in, and the closed work its meter-days reach is
  // made pending (as reading its readings again would). StartOffset then gives where its readings
  // go on.
  Status FinishRestore(const std::vector<RestoredTask>& restored);
  // Whether `task`'s changes are logged (held): only those tasks' changelog records are sent.
  bool ChangelogLogged(int32_t task) const { return changelog_ && changelog_->logged(task); }
  // The source took `tasks` away (after their last commit and its outbox were sent): they are
  // no longer logged.
  void ReleaseTasks(const std::set<int32_t>& tasks);
  // Reported while a restore runs (status().restoring), for /readyz and the metrics.
  void SetRestoreProgress(std::string what, uint64_t remaining) {
    status_.restoring = std::move(what);
    status_.restore_remaining = remaining;
  }
  // The source's assignment: the readings partitions held (their tasks send partials), and each
  // partials partition held with whether it has read up to its end once (an owner publishes
  // only then: before, it may hold an old partial whose newer one it has not read yet), and
  // whether owners may publish at all (the service says when: once the global tables and the
  // published index have been read up to their ends). Takes effect at the next Seal.
  void SetAssignment(std::set<int32_t> readings, std::map<int32_t, bool> partials_caught_up,
                     bool owners_may_publish) {
    next_readings_ = std::move(readings);
    next_partials_ = std::move(partials_caught_up);
    owners_may_publish_ = owners_may_publish;
  }

  // Whether enough is held in memory to be worth a commit (the service also commits on time).
  bool ShouldCommit() const { return ingestor_.ShouldCommit(); }
  bool HasUncommitted() const { return uncommitted_ > 0; }

  // Commits everything added with the offsets after it, then closes the days that may close and
  // republishes changed days: new records go into the outbox. Seal, WriteSealed and FinishSealed
  // in a row.
  Status Commit();
  // End of input (a replay is complete): commits, then closes every day up to the last with data.
  Status CloseAll();

  // A commit in three steps, so that its write and close can run on another thread while the
  // next messages are added (the service's commit thread, docs/streaming.md "Threads"):
  //
  // - Seal (the job thread; no sealed commit outstanding): everything added so far and the
  //   offsets after it become one state batch, and what the close reads of the input (the day
  //   span, the watermark, the time) is taken. Add starts afresh.
  // - WriteSealed (any one thread, once per Seal): writes the batch, then closes the days that
  //   may close and republishes changed days, as Commit does. Until it returns, the job thread
  //   may call only Add with readings (OnlyReadings), AddGap, ShouldCommit, HasUncommitted,
  //   HasSealed, OnlyReadings, StartOffset, CommittedOffsets and status(): none of them touches
  //   what the close reads or writes (the registry, the weather, the live index, the closed days).
  //   The state it reads is RocksDB's, which the next batch reaches only at its own write.
  // - FinishSealed (the job thread, after WriteSealed returned): the offsets the write made
  //   durable are the committed ones; status() shows the commit and its close.
  Status Seal();
  Status WriteSealed();
  void FinishSealed();
  bool HasSealed() const { return sealed_ != nullptr; }
  // Whether every message is a reading: only such batches may be added while a sealed commit is
  // being written.
  bool OnlyReadings(const std::vector<StreamMessage>& messages) const;

  // The outbox, in order; remove what was delivered. Once the outbox was found empty, it is not
  // read again until a write has put something in it (StateStore::WritesAddingTo): sent records
  // stay in RocksDB as tombstones until compacted, so even reading an empty outbox grew with the
  // days served (0.04 s after every commit by day 365 at 20,000 enterprises).
  Status PendingOutput(size_t max, std::vector<OutboxRecord>* out);
  Status Delivered(const std::vector<OutboxRecord>& records);
  // The changelog records to send (outbox.h ReadChangelogRecords), read only when a write may
  // have added some since they were last found none.
  Status PendingChangelog(std::string_view after, size_t max, std::vector<OutboxRecord>* out);
  // Changelog records the brokers acknowledged: their markers go (unless marked again since),
  // and each task's positions move past its own records (`next`: the offset after the last one
  // acknowledged, per store and task).
  Status ChangelogSent(const std::vector<OutboxRecord>& sent,
                       const std::map<std::pair<ChangelogStore, int32_t>, int64_t>& next);
  // Times PendingOutput read the outbox from RocksDB (the measure of the above).
  uint64_t outbox_reads() const { return outbox_reads_; }

  // {topic, partition, next offset} of every partition committed to state (for lag tools), and
  // of every partials partition held, as far as a finished commit's close has taken it in.
  std::vector<std::tuple<std::string, int32_t, int64_t>> CommittedOffsets() const;

  const StreamStatus& status() const { return status_; }

 private:
  struct PartitionProgress {
    int64_t next_offset = 0;      // committed
    int64_t sealed_offset = -1;   // in the sealed commit, not yet known to be written (-1: none)
    int64_t pending_offset = -1;  // consumed, not yet sealed (-1: none)
  };
  using TopicPartition = std::pair<std::string, int32_t>;
  // What the close reads of the input, taken on the job thread.
  struct CloseInputs {
    EpochSeconds now = 0;
    std::optional<EpochSeconds> watermark;
    std::optional<std::pair<Day, Day>> span;  // the ingestor's day span
    bool held = false;                        // SetClosesHeld: close and publish nothing
    // Partials: the readings partitions still behind (unread messages), and the last day each
    // could close by its own event time (none read yet: INT32_MIN).
    std::map<int32_t, Day> task_limits;
  };
  // What a close changed of the status, applied on the job thread.
  struct CloseOutcome {
    std::optional<EpochSeconds> watermark;
    // The rest is new only when the close did all its work (there were readings, no failure).
    bool completed = false;
    uint64_t days_closed = 0;
    uint64_t records_new = 0;
    uint64_t records_revised = 0;
    std::optional<std::pair<Day, Day>> data_span;
    uint64_t pending_rescores = 0;
    std::optional<CloseWork> work;  // when it did something
    double publish_seconds = 0;
  };
  // A commit between Seal and FinishSealed.
  struct SealedCommit {
    explicit SealedCommit(StateStore* state) : batch(state) {}
    bool has_input = false;  // messages or gaps were added: the batch is written
    StateBatch batch;
    CloseInputs close_inputs;
    // Set by WriteSealed.
    bool written = false;
    double write_seconds = 0;
    CloseOutcome close;
  };

  void AddEnterprise(const StreamMessage& m);
  void AddWeather(const StreamMessage& m);
  void AddRisk(const StreamMessage& m);
  void AddPartial(const StreamMessage& m);
  // The owners' step of a close: publishes what their partials completed or changed.
  Status PublishOwned(IndexPublisher* publisher);
  void AddDeadLetter(DeadLetterReason reason, std::string detail, const StreamMessage& m,
                     IngestCounters* counters);
  Status LoadReference();
  Status LoadProgress();
  // A progress row (next offset, and for readings the event time) into progress_ and the
  // watermark, the partition counted as heard from at `now`.
  Status TakeProgressRow(std::string_view topic, int32_t partition, std::string_view value,
                         EpochSeconds now);
  void PutCounters(StateBatch* batch) const;
  CloseInputs TakeCloseInputs() const;
  // The close / rescore / publish step after a commit. Reads the live index, the registry, the
  // weather, the closed and live days, never the ingestor or the watermark (`in` has those).
  Status CloseAndPublish(bool close_all, const CloseInputs& in, CloseOutcome* out);
  void ApplyClose(const CloseOutcome& outcome);
  Day LastClosable(Day closed_through, Day last_data_day, bool close_all,
                   const CloseInputs& in) const;
  EpochSeconds DeadlineOf(Day day) const;

  StreamContext ctx_;
  EnterpriseRegistry registry_;
  WeatherTable weather_;
  RiskChart risk_;
  ReadingIngestor ingestor_;
  ReadingJsonDecoder reading_decoder_;
  EnterpriseJsonDecoder enterprise_decoder_;
  WeatherJsonDecoder weather_decoder_;
  RiskJsonDecoder risk_decoder_;
  EventTimeWatermark watermark_;
  LiveIndex index_;

  std::map<TopicPartition, PartitionProgress> progress_;
  StateBatch pending_;  // registry, weather, risk and dead letters of messages since the commit
  uint64_t uncommitted_ = 0;
  std::vector<StreamMessage> readings_;  // scratch: the readings of one Add

  std::unique_ptr<SealedCommit> sealed_;  // between Seal and FinishSealed

  // Totals through the partials topic (EnablePartials); changed on the job thread only when no
  // commit is being written (at Seal, or by Add with partials, which waits for the commit).
  std::optional<TaskPartialsSender> sender_;
  std::unique_ptr<TaskChangelog> changelog_;  // EnableChangelogs
  int32_t readings_partitions_ = 0;
  int32_t partials_partitions_ = 0;
  std::map<int32_t, std::unique_ptr<TotalsPublisher>> owners_;  // partials partition -> owner
  std::set<int32_t> publishing_;  // owners that have read their partition up to its end once
  std::set<int32_t> next_readings_, held_readings_;
  std::map<int32_t, bool> next_partials_;
  // Partials partition -> the offset after the last message read (added, sealed, taken in by a
  // close): the owners' progress the group is told of, so that an instance leaving at the end
  // of input can tell that every partial it sent was taken in (docs/scale-out.md).
  std::map<int32_t, int64_t> partials_read_, partials_sealed_, partials_closed_;
  bool held_changed_ = false;                // the readings held changed: send their watermarks
  std::map<int32_t, Day> sent_task_limits_;  // the task limits of the last watermarks sent
  bool owners_may_publish_ = false;

  std::optional<Day> closed_through_;
  std::set<Day> live_days_;  // days whose first reading came before their deadline
  Day seen_max_day_ = INT32_MIN;
  StreamStatus status_;
  // WritesAddingTo(kOutbox) when the outbox was last read empty (none: read it).
  std::optional<uint64_t> outbox_empty_at_;
  std::optional<uint64_t> changelog_empty_at_;  // the same, for PendingChangelog
  uint64_t outbox_reads_ = 0;
};

}  // namespace fugong
