// The streaming job without a broker: a generated province fed as the messages `fugong produce`
// makes of it, compared with a backfill of the same files; restart, late data, registry late,
// dead letters. The Kafka end-to-end tests are in serve_cli_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <condition_variable>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <thread>
#include <tuple>
#include <variant>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "app/http/http_service.h"
#include "app/run_config.h"
#include "engine/groups/group_partial_codec.h"
#include "engine/job/stream_job.h"
#include "engine/state/key_codec.h"
#include "engine/state/write_limited_file_system.h"
#include "engine/state/write_pausing_file_system.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/http_client.h"
#include "tests/support/record_compare.h"
#include "tests/support/topic_feed.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::DayOf;
using testing::ExpectSameRecords;
using testing::GenerateProvinceInto;
using testing::ReadIndexRecordsWithoutComputedAt;
using testing::TopicFeed;
using testing::WithoutComputedAt;

int RevisionOf(const std::string& record) {
  return nlohmann::json::parse(record)["revision"].get<int>();
}

// What a stream published: every message, per key in order.
struct Published {
  std::map<std::string, std::vector<std::string>> index;  // key -> values in publication order
  std::vector<std::string> dead_letters;
  std::vector<TaskWatermark> watermarks;  // through the partials topic, in order

  // key -> latest value without computed_at
  std::map<std::string, std::string> Latest() const {
    std::map<std::string, std::string> out;
    for (const auto& [key, values] : index) out[key] = WithoutComputedAt(values.back());
    return out;
  }
};

class StreamJobTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-stream-test-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const std::optional<GenerateSummary> generated = GenerateProvinceInto(
        *dir_, {.seed = 5,
                .enterprises = 300,
                .from = "2019-11-25",
                .to = "2020-02-29",
                // Day shapes that the daily total misreads (issue 14), so that the records'
                // active and suspect_idle counts are not all alike.
                .high_standby_fraction = 0.10,
                .idle_runner_fraction = 0.10});
    ASSERT_TRUE(generated);
    readings_files_ = new std::vector<std::string>(generated->readings_files);
    backfill_ = new std::map<std::string, std::string>(Backfill(*readings_files_, "backfill"));
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete readings_files_;
    delete backfill_;
  }

  static RunConfig Config() {
    Result<RunConfig> config = LoadRunConfig("", {"interval_minutes=60"});
    EXPECT_TRUE(config.ok());
    return *config;
  }

  // key -> record without computed_at, from a backfill of `readings`.
  static std::map<std::string, std::string> Backfill(const std::vector<std::string>& readings,
                                                     const std::string& name) {
    const BackfillFiles files = BackfillFilesFor(*dir_, readings, name);
    Result<BackfillSummary> summary = RunBackfillFromFiles(Config(), files, nullptr);
    EXPECT_TRUE(summary.ok()) << summary.status().ToString();
    return ReadIndexRecordsWithoutComputedAt(files.out);
  }

  void SetUp() override {
    config_ = Config();
    state_dir_ = (*dir_ / ::testing::UnitTest::GetInstance()->current_test_info()->name()).string();
    fs::remove_all(state_dir_);
    enterprises_.AppendCsv(TopicRecordKind::kEnterprises, (*dir_ / "input/enterprises.csv"));
    weather_.AppendCsv(TopicRecordKind::kWeather, (*dir_ / "input/weather.csv"));
    for (const std::string& f : *readings_files_)
      readings_.AppendCsv(TopicRecordKind::kReadings, f);
  }

  // `partials_partitions` > 0: totals through a partials topic of that many partitions
  // (StreamJob::EnablePartials), for config_.stream.partials_topic.
  std::unique_ptr<StreamJob> OpenJob(int32_t partials_partitions = 0) {
    if (!state_) {
      auto state = StateStore::Open(state_dir_, state_options_);
      EXPECT_TRUE(state.ok()) << state.status().ToString();
      state_ = std::move(state).value();
    }
    StreamContext context{
        {&config_.engine, config_.regions.get(), config_.industries, config_.calendar.get()},
        &config_.stream,
        &clock_,
        state_.get(),
        2};
    auto job = std::make_unique<StreamJob>(context);
    if (partials_partitions > 0) job->EnablePartials(readings_.partitions(), partials_partitions);
    const Status opened = job->Open();
    EXPECT_TRUE(opened.ok()) << opened.ToString();
    return job;
  }
  // Simulates a crash: the job and the database go away without another commit.
  void Crash(std::unique_ptr<StreamJob>* job) {
    job->reset();
    state_.reset();
  }

  // Commits and takes everything from the outbox, as the service's sender does.
  void CommitAndDrain(StreamJob* job, bool close_all = false) {
    const Status st = close_all ? job->CloseAll() : job->Commit();
    ASSERT_TRUE(st.ok()) << st.ToString();
    Drain(job);
  }
  void Drain(StreamJob* job) {
    std::vector<OutboxRecord> records;
    while (true) {
      ASSERT_TRUE(job->PendingOutput(1000, &records).ok());
      if (records.empty()) return;
      for (const OutboxRecord& r : records) {
        if (r.kind == OutputKind::kIndex) {
          published_.index[r.key].push_back(r.value);
        } else if (r.kind == OutputKind::kPartial) {
          auto decoded = DecodePartialMessage(r.key, r.value);
          ASSERT_TRUE(decoded.ok()) << decoded.status().ToString();
          if (std::holds_alternative<TaskWatermark>(*decoded)) {
            published_.watermarks.push_back(std::get<TaskWatermark>(*decoded));
          }
        } else {
          published_.dead_letters.push_back(r.value);
        }
      }
      ASSERT_TRUE(job->Delivered(records).ok());
    }
  }
  // Feeds messages [begin, end) of `feed` in slices, committing after each.
  void Feed(StreamJob* job, const TopicFeed& feed, size_t begin, size_t end, size_t slice = 5000) {
    for (size_t at = begin; at < end; at += slice) {
      ASSERT_TRUE(job->Add(feed.Slice(at, std::min(end, at + slice))).ok());
      CommitAndDrain(job);
    }
  }
  void FeedReference(StreamJob* job) {
    Feed(job, enterprises_, 0, enterprises_.size());
    Feed(job, weather_, 0, weather_.size());
  }

  // A job that has streamed the whole province and closed every day, its records checked
  // against the backfill's.
  std::unique_ptr<StreamJob> StreamEverything() {
    std::unique_ptr<StreamJob> job = OpenJob();
    FeedReference(job.get());
    Feed(job.get(), readings_, 0, readings_.size());
    CommitAndDrain(job.get(), /*close_all=*/true);
    ExpectSameRecords(published_.Latest(), *backfill_);
    return job;
  }

  void ExpectLateLineRevisesLikeABackfill(const std::string& late_line, const std::string& name);

  // `failed` is the state's report of a full disk.
  void ExpectDiskFullError(const Status& failed) {
    EXPECT_EQ(failed.code(), Status::Code::kIOError);
    EXPECT_NE(failed.message().find("state write failed in " + state_dir_), std::string::npos)
        << failed.message();
    EXPECT_NE(failed.message().find("No space left on device"), std::string::npos)
        << failed.message();
  }

  // The job stopped by a failed write restarts on a disk with space, from the offsets in its
  // state, and ends in the backfill's records, every reading counted once.
  void RestartWithSpaceEndsInTheBackfillsRecords(std::unique_ptr<StreamJob>* job) {
    Crash(job);
    state_options_ = {};
    *job = OpenJob();
    Drain(job->get());
    // The consumer delivers from the offsets in the state (earlier ones would be skipped).
    FeedReference(job->get());
    Feed(job->get(), readings_, 0, readings_.size());
    CommitAndDrain(job->get(), /*close_all=*/true);
    ExpectSameRecords(published_.Latest(), *backfill_);
    ExpectRevisionsConsistent();
    EXPECT_EQ((*job)->status().readings.records, readings_.size());
  }

  // No key was published twice with one revision but different bytes, and revisions count up.
  void ExpectRevisionsConsistent() {
    for (const auto& [key, values] : published_.index) {
      std::map<int, std::string> by_revision;
      int last = 0;
      for (const std::string& v : values) {
        const int revision = RevisionOf(v);
        EXPECT_GE(revision, last) << key;
        last = revision;
        auto [it, inserted] = by_revision.emplace(revision, v);
        EXPECT_EQ(it->second, v) << key << " revision " << revision << " published differently";
      }
    }
  }

  static fs::path* dir_;
  static std::vector<std::string>* readings_files_;
  static std::map<std::string, std::string>* backfill_;

  RunConfig config_;
  FixedClock clock_{1795000000};  // 2026-11-18: every day of 2019-2020 is past its deadline
  std::string state_dir_;
  StateStoreOptions state_options_;  // how OpenJob opens the state
  std::unique_ptr<StateStore> state_;
  TopicFeed enterprises_{"fugong.enterprises", 4};
  TopicFeed weather_{"fugong.weather", 1};
  TopicFeed readings_{"fugong.readings", 12};
  Published published_;
};

fs::path* StreamJobTest::dir_ = nullptr;
std::vector<std::string>* StreamJobTest::readings_files_ = nullptr;
std::map<std::string, std::string>* StreamJobTest::backfill_ = nullptr;

TEST_F(StreamJobTest, StreamGivesTheBackfillsRecordsAndClosesDaysOnTheWatermark) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  Feed(job.get(), readings_, 0, readings_.size());
  // The watermark closed every day but the last ones before the end of input.
  ASSERT_TRUE(job->status().closed_through.has_value());
  EXPECT_GE(*job->status().closed_through, DayOf("2020-02-27"));
  EXPECT_GT(published_.index.size(), 0u);
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  for (const auto& [key, values] : published_.index) {
    EXPECT_EQ(values.size(), 1u) << key << " was published more than once";
  }
  // The day-shape fields (issue 14) are among what was compared: counts of both kinds occur.
  int with_suspects = 0, with_active_rate = 0;
  for (const auto& [key, record] : *backfill_) {
    const nlohmann::json r = nlohmann::json::parse(record);
    if (r["suspect_idle"].is_number() && r["suspect_idle"].get<int>() > 0) ++with_suspects;
    if (r["active_rate"].is_number()) ++with_active_rate;
  }
  EXPECT_GT(with_suspects, 100);
  EXPECT_GT(with_active_rate, 1000);
  // Every message is counted: used or dead-lettered (unknown enterprises are kept, not dropped).
  const StreamStatus& s = job->status();
  EXPECT_EQ(s.readings.records, readings_.size());
  EXPECT_EQ(s.readings.used + s.readings.dead_total(), s.readings.records);
  EXPECT_EQ(published_.dead_letters.size(), s.readings.dead_total());
}

// A consumer catching up on many partitions reaches some long after others: a readings
// partition with unread messages holds every close back until it has delivered, however far the
// others have come, and the records are the backfill's once it has.
TEST_F(StreamJobTest, APartitionWithUnreadMessagesHoldsTheClosesBack) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  job->SetReadingsBacklog({12});  // a partition the consumer has not reached yet
  Feed(job.get(), readings_, 0, readings_.size());
  EXPECT_FALSE(job->status().closed_through.has_value());
  EXPECT_EQ(published_.index.size(), 0u);

  job->SetReadingsBacklog({});  // reached, nothing in it after all: caught up
  CommitAndDrain(job.get());
  ASSERT_TRUE(job->status().closed_through.has_value());
  EXPECT_GE(*job->status().closed_through, DayOf("2020-02-27"));
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  for (const auto& [key, values] : published_.index) {
    EXPECT_EQ(values.size(), 1u) << key << " was published more than once";
  }
}

// Through the partials topic, a task in the backlog (its partition has unread messages) sends
// its watermark limited to the day before its latest reading. Once it is caught up its watermark
// is sent again without the limit, even when nothing new closes or is summed: an instance given a
// restored task at the end of input (no fetch response yet: in the backlog) otherwise left the
// owners with the limited watermark for ever, and no owner published the last day.
TEST_F(StreamJobTest, ATaskThatLeavesTheBacklogSendsItsWatermarkAgainWithoutTheLimit) {
  config_.stream.partials_topic = "fugong.partials";
  std::unique_ptr<StreamJob> job = OpenJob(/*partials_partitions=*/1);
  ASSERT_FALSE(HasFailure());
  std::set<int32_t> all;
  for (int32_t p = 0; p < readings_.partitions(); ++p) all.insert(p);
  job->SetAssignment(all, {{0, true}}, true);
  FeedReference(job.get());
  Feed(job.get(), readings_, 0, readings_.size());
  CommitAndDrain(job.get(), /*close_all=*/true);
  const auto last_of = [&](int32_t task) {
    std::optional<TaskWatermark> last;
    for (const TaskWatermark& w : published_.watermarks) {
      if (w.task == task) last = w;
    }
    return last;
  };
  ASSERT_TRUE(last_of(3).has_value());
  const Day closed = last_of(3)->closed_through;
  // Partition 3 is seen with unread messages again (as just after an assignment): limited.
  job->SetReadingsBacklog({3});
  CommitAndDrain(job.get());
  ASSERT_TRUE(last_of(3).has_value());
  EXPECT_LT(last_of(3)->closed_through, closed) << "a task in the backlog is limited";
  // Caught up, with nothing new read: the watermark goes out again, unlimited.
  const size_t sent = published_.watermarks.size();
  job->SetReadingsBacklog({});
  CommitAndDrain(job.get());
  EXPECT_GT(published_.watermarks.size(), sent);
  EXPECT_EQ(last_of(3)->closed_through, closed);
  // And then nothing more while nothing changes.
  const size_t again = published_.watermarks.size();
  CommitAndDrain(job.get());
  EXPECT_EQ(published_.watermarks.size(), again);
}

TEST_F(StreamJobTest, CrashesAtSeveralPointsEndInTheSameRecords) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  // Feed in slices; after some commits, add more and "crash" before committing it.
  const size_t n = readings_.size();
  size_t fed = 0;
  for (size_t crash_at : {n / 5, n / 2, (4 * n) / 5}) {
    Feed(job.get(), readings_, fed, crash_at);
    ASSERT_TRUE(job->Add(readings_.Slice(crash_at, crash_at + 3000)).ok());  // lost in the crash
    Crash(&job);
    job = OpenJob();
    Drain(job.get());
    // Resume every partition where the state says.
    fed = crash_at;
    for (int32_t p = 0; p < readings_.partitions(); ++p) {
      EXPECT_GT(job->StartOffset(readings_.topic(), p), 0);
    }
  }
  // Messages already in state are skipped when a consumer delivers them again.
  const uint64_t records = job->status().readings.records;
  ASSERT_TRUE(job->Add(readings_.Slice(0, 2000)).ok());
  ASSERT_TRUE(job->Commit().ok());
  EXPECT_EQ(job->status().readings.records, records);
  Feed(job.get(), readings_, fed, n);
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  ExpectRevisionsConsistent();
  EXPECT_EQ(job->status().readings.records, readings_.size());
}

// A full disk (the state's file system runs out of space early, mid-run, late, or inside a
// background flush): the first failed write stops the job with the directory and the OS error,
// the state closes without an abort, and a restart with space ends in the backfill's records.
TEST_F(StreamJobTest, AFullDiskStopsTheJobAndARestartEndsInTheSameRecords) {
  const std::string base = state_dir_;
  // Feeds everything, committing and draining as the service does; the first error ends it.
  const auto feed_until_failure = [&](StreamJob* job) -> Status {
    std::vector<OutboxRecord> records;
    for (const TopicFeed* feed : {&enterprises_, &weather_, &readings_}) {
      for (size_t at = 0; at < feed->size(); at += 5000) {
        FUGONG_RETURN_IF_ERROR(job->Add(feed->Slice(at, at + 5000)));
        FUGONG_RETURN_IF_ERROR(job->Commit());
        do {
          FUGONG_RETURN_IF_ERROR(job->PendingOutput(1000, &records));
          for (const OutboxRecord& r : records) {
            if (r.kind == OutputKind::kIndex) published_.index[r.key].push_back(r.value);
          }
          FUGONG_RETURN_IF_ERROR(job->Delivered(records));
        } while (!records.empty());
      }
    }
    return job->CloseAll();
  };
  // How much an uninterrupted stream writes, to place the failures.
  const auto counting = std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                                 WriteLimit{UINT64_MAX, ""});
  const auto counting_sst = std::make_shared<WriteLimitedFileSystem>(
      rocksdb::FileSystem::Default(), WriteLimit{UINT64_MAX, ".sst"});
  constexpr size_t kSmallMemtable = 256 << 10;
  for (const auto& [name, fs, memtable] :
       {std::tuple{"-count", counting, size_t{0}}, {"-count-sst", counting_sst, kSmallMemtable}}) {
    state_dir_ = base + name;
    state_options_ = {.file_system = fs, .write_buffer_bytes = memtable};
    std::unique_ptr<StreamJob> job = OpenJob();
    const Status st = feed_until_failure(job.get());
    ASSERT_TRUE(st.ok()) << st.ToString();
    Crash(&job);
  }
  ASSERT_GT(counting_sst->written(), 1u << 20) << "the small memtables were never flushed";
  struct Point {
    const char* name;
    uint64_t limit;
    const char* name_part;
    size_t memtable;
  };
  for (const Point& point : {Point{"early", counting->written() / 10, "", 0},
                             Point{"mid", counting->written() / 2, "", 0},
                             Point{"late", counting->written() * 19 / 20, "", 0},
                             Point{"flush", counting_sst->written() / 3, ".sst", kSmallMemtable}}) {
    SCOPED_TRACE(point.name);
    published_ = {};
    state_dir_ = base + "-" + point.name;
    fs::remove_all(state_dir_);
    const auto limited = std::make_shared<WriteLimitedFileSystem>(
        rocksdb::FileSystem::Default(), WriteLimit{point.limit, point.name_part});
    state_options_ = {.file_system = limited, .write_buffer_bytes = point.memtable};
    std::unique_ptr<StreamJob> job = OpenJob();
    const Status failed = feed_until_failure(job.get());
    ASSERT_FALSE(failed.ok()) << "the disk never filled";
    EXPECT_GT(limited->refused(), 0u);
    ExpectDiskFullError(failed);
    // The service stops here; the state closes (orderly, no abort), and it restarts with space.
    RestartWithSpaceEndsInTheBackfillsRecords(&job);
    Crash(&job);
  }
}

// The service's pipeline (docs/streaming.md, "Threads"): each commit is sealed on the job thread
// and written and closed on a thread of its own while the next readings are added. One write is
// held half-way through its write-ahead-log record (the pause hook, resumed by the test) while
// two more slices of readings are added; meanwhile the committed offsets stay those before the
// held commit, and registry messages are refused. The records, the counts and the offsets end as
// the serial stream's.
TEST_F(StreamJobTest, CommitsWrittenWhileTheNextReadingsAreAddedGiveTheSameRecords) {
  std::mutex mu;
  std::condition_variable changed;
  bool pipelined = false;  // the readings phase: a write on the commit thread may be held
  bool held = false;       // a write is held now
  bool released = false;   // the test has let it go on
  bool write_done = true;  // the commit thread's WriteSealed returned
  Status written;
  std::thread::id commit_thread;
  const WritePause pause{3u << 20, ".log",
                         [&] {
                           std::unique_lock<std::mutex> lock(mu);
                           if (!pipelined || std::this_thread::get_id() != commit_thread) return;
                           held = true;
                           changed.notify_all();
                           changed.wait(lock, [&] { return released; });
                         },
                         /*resume=*/true};
  state_options_ = {.file_system = std::make_shared<WritePausingFileSystem>(
                        rocksdb::FileSystem::Default(), pause)};
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  {
    std::lock_guard<std::mutex> lock(mu);
    pipelined = true;
  }
  std::thread writer;
  std::vector<std::tuple<std::string, int32_t, int64_t>> committed_at_seal;
  const auto finish = [&] {
    if (!writer.joinable()) return;
    writer.join();
    job->FinishSealed();
    ASSERT_TRUE(written.ok()) << written.ToString();
    Drain(job.get());
  };
  const size_t n = readings_.size();
  constexpr size_t kSlice = 5000;
  size_t added_while_held = 0;
  for (size_t at = 0; at < n;) {
    ASSERT_TRUE(job->Add(readings_.Slice(at, std::min(n, at + kSlice))).ok());
    at += kSlice;
    std::unique_lock<std::mutex> lock(mu);
    changed.wait(lock, [&] { return write_done || (held && !released); });
    if (held && !released) {
      lock.unlock();
      EXPECT_EQ(job->CommittedOffsets(), committed_at_seal) << "offsets moved before the write";
      const Status refused = job->Add(enterprises_.Slice(0, 10));
      EXPECT_EQ(refused.code(), Status::Code::kInvalidArgument) << refused.ToString();
      for (int i = 0; i < 2 && at < n; ++i, at += kSlice) {
        ASSERT_TRUE(job->Add(readings_.Slice(at, std::min(n, at + kSlice))).ok());
        added_while_held += std::min(n, at + kSlice) - at;
      }
      lock.lock();
      released = true;
      changed.notify_all();
    }
    lock.unlock();
    finish();
    ASSERT_FALSE(HasFatalFailure());
    committed_at_seal = job->CommittedOffsets();
    ASSERT_TRUE(job->Seal().ok());
    write_done = false;
    writer = std::thread([&] {
      {
        std::lock_guard<std::mutex> guard(mu);
        commit_thread = std::this_thread::get_id();
      }
      const Status st = job->WriteSealed();
      std::lock_guard<std::mutex> guard(mu);
      written = st;
      write_done = true;
      changed.notify_all();
    });
  }
  finish();
  ASSERT_TRUE(released) << "no write on the commit thread was held: move the pause";
  EXPECT_GT(added_while_held, 0u);
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  ExpectRevisionsConsistent();
  for (const auto& [key, values] : published_.index) EXPECT_EQ(values.size(), 1u) << key;
  EXPECT_EQ(job->status().readings.records, readings_.size());
  for (const auto& [topic, partition, next] : job->CommittedOffsets()) {
    if (topic == readings_.topic()) {
      EXPECT_GT(next, 0) << partition;
    }
  }
}

// A write that fails on the commit thread (a full disk): WriteSealed returns the state error,
// FinishSealed leaves the committed offsets where they were, and every later commit returns the
// same failure; a restart with space ends in the backfill's records.
TEST_F(StreamJobTest, AFailedWriteOnTheCommitThreadLeavesTheOffsetsAndStopsTheJob) {
  const auto limited = std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                                WriteLimit{3u << 20, ".log"});
  state_options_ = {.file_system = limited};
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  const size_t n = readings_.size();
  Status failed;
  std::vector<std::tuple<std::string, int32_t, int64_t>> before;
  size_t failed_at = n;
  for (size_t at = 0; at < n && failed.ok(); at += 5000) {
    ASSERT_TRUE(job->Add(readings_.Slice(at, std::min(n, at + 5000))).ok());
    failed_at = at;
    before = job->CommittedOffsets();
    ASSERT_TRUE(job->Seal().ok());
    std::thread writer([&] { failed = job->WriteSealed(); });
    writer.join();
    job->FinishSealed();
    if (failed.ok()) Drain(job.get());
  }
  ASSERT_FALSE(failed.ok()) << "the disk never filled";
  ExpectDiskFullError(failed);
  EXPECT_EQ(job->CommittedOffsets(), before) << "offsets of a failed write are not committed";
  // The slice of the failed write is not taken: added again, its commit returns the failure,
  // which is final.
  const uint64_t records = job->status().readings.records;
  ASSERT_TRUE(job->Add(readings_.Slice(failed_at, std::min(n, failed_at + 5000))).ok());
  const Status again = job->Commit();
  EXPECT_EQ(again.message(), failed.message());
  EXPECT_GT(job->status().readings.records, records) << "the slice was skipped as taken";
  RestartWithSpaceEndsInTheBackfillsRecords(&job);
}

TEST_F(StreamJobTest, RegistryAfterTheReadingsGivesTheSameRecords) {
  std::unique_ptr<StreamJob> job = OpenJob();
  Feed(job.get(), weather_, 0, weather_.size());
  Feed(job.get(), readings_, 0, readings_.size());
  EXPECT_TRUE(published_.index.empty()) << "nothing is published before the registry is known";
  Feed(job.get(), enterprises_, 0, enterprises_.size());
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  for (const auto& [key, values] : published_.index) EXPECT_EQ(values.size(), 1u) << key;
}

// Streams everything, then `late_line` (a CSV reading) as one more message: the records it
// republishes are exactly those a backfill with the line appended changes, with its content.
void StreamJobTest::ExpectLateLineRevisesLikeABackfill(const std::string& late_line,
                                                       const std::string& name) {
  std::unique_ptr<StreamJob> job = StreamEverything();
  ASSERT_FALSE(HasFailure());
  const std::map<std::string, std::vector<std::string>> before = published_.index;

  // Its effect per a backfill with the line appended to the readings.
  const fs::path extra = *dir_ / (name + ".csv");
  std::ofstream(extra) << "meter_id,enterprise_id,ts,kwh,kind\n" << late_line << "\n";
  std::vector<std::string> files = *readings_files_;
  files.push_back(extra.string());
  const std::map<std::string, std::string> expected = Backfill(files, name);
  std::set<std::string> changed;
  for (const auto& [key, record] : expected) {
    if (backfill_->at(key) != record) changed.insert(key);
  }
  ASSERT_FALSE(changed.empty());

  TopicFeed late("fugong.readings", 12);
  late.AppendCsv(TopicRecordKind::kReadings, extra.string());
  // Its offset follows the partition's last one.
  std::vector<StreamMessage> messages = late.Slice(0, 1);
  messages[0].offset = job->StartOffset("fugong.readings", messages[0].partition);
  ASSERT_TRUE(job->Add(messages).ok());
  CommitAndDrain(job.get());

  std::set<std::string> republished;
  for (const auto& [key, values] : published_.index) {
    const size_t was = before.count(key) ? before.at(key).size() : 0;
    if (values.size() > was) {
      republished.insert(key);
      EXPECT_EQ(values.size(), was + 1) << key;
      EXPECT_EQ(RevisionOf(values.back()), 2) << key;
      // The content is the backfill's, apart from revision.
      nlohmann::json got = nlohmann::json::parse(values.back());
      nlohmann::json want = nlohmann::json::parse(expected.at(key));
      got.erase("computed_at");
      got.erase("revision");
      want.erase("revision");
      EXPECT_EQ(got, want) << key;
    }
  }
  EXPECT_EQ(republished, changed);
  EXPECT_EQ(job->status().pending_rescores, 0u);
}

TEST_F(StreamJobTest, ALateReadingRevisesExactlyTheRecordsItChanges) {
  // A correction for a closed working day of one enterprise: a much larger value at 10:00.
  ExpectLateLineRevisesLikeABackfill("M9999990,E000001,2020-02-20T10:00:00+08:00,5000.000,interval",
                                     "late");
}

// A correction inside the closed baseline window (2019-11-29..2020-01-09) refits that
// enterprise's baseline and rescores the days that use it: again exactly the backfill's changes.
TEST_F(StreamJobTest, ALateReadingInsideAClosedWindowRevisesExactlyTheRecordsItChanges) {
  // One of E000001's own readings on a window working day, with a much larger value.
  std::string line;
  for (const std::string& file : *readings_files_) {
    std::ifstream in(file);
    for (std::string l; line.empty() && std::getline(in, l);) {
      if (l.find(",E000001,2019-12-10T1") != std::string::npos) line = l;
    }
  }
  ASSERT_FALSE(line.empty()) << "E000001 has no reading on 2019-12-10 in the generated files";
  // meter,enterprise,ts,kwh,kind: the kwh times 40 plus 100.
  std::vector<std::string> f;
  for (size_t at = 0, comma; at <= line.size(); at = comma + 1) {
    comma = line.find(',', at);
    if (comma == std::string::npos) comma = line.size();
    f.push_back(line.substr(at, comma - at));
  }
  ASSERT_EQ(f.size(), 5u) << line;
  char kwh[32];
  std::snprintf(kwh, sizeof kwh, "%.3f", std::stod(f[3]) * 40 + 100);
  ExpectLateLineRevisesLikeABackfill(f[0] + "," + f[1] + "," + f[2] + "," + kwh + "," + f[4],
                                     "late-in-window");
}

// A close 90 days into the stream reads the meter rows of the days it closes (each day and the
// next, whose 00:00 register reading ends it) and nothing else: no earlier day, no stored score.
TEST_F(StreamJobTest, ACloseReadsOnlyTheRowsOfTheDaysItCloses) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  // The readings before 2020-02-24, then those of 02-24 and 02-25, as two feeds.
  const fs::path before = *dir_ / "before.csv", after = *dir_ / "after.csv";
  {
    std::ofstream b(before), a(after);
    b << "meter_id,enterprise_id,ts,kwh,kind\n";
    a << "meter_id,enterprise_id,ts,kwh,kind\n";
    for (const std::string& file : *readings_files_) {
      std::ifstream in(file);
      std::string l;
      std::getline(in, l);  // header
      while (std::getline(in, l)) {
        const size_t ts = l.find(',', l.find(',') + 1) + 1;
        const std::string date = l.substr(ts, 10);
        if (date < "2020-02-24") b << l << "\n";
        if (date == "2020-02-24" || date == "2020-02-25") a << l << "\n";
      }
    }
  }
  TopicFeed feed("fugong.readings", 12);
  feed.AppendCsv(TopicRecordKind::kReadings, before.string());
  const size_t n = feed.size();
  feed.AppendCsv(TopicRecordKind::kReadings, after.string());
  ASSERT_GT(feed.size(), n);
  Feed(job.get(), feed, 0, n, n);
  const std::optional<Day> closed_before = job->status().closed_through;
  ASSERT_TRUE(closed_before.has_value());
  EXPECT_GE(*closed_before, DayOf("2020-02-20"));
  Feed(job.get(), feed, n, feed.size(), feed.size() - n);
  const std::optional<Day> closed_after = job->status().closed_through;
  ASSERT_TRUE(closed_after.has_value());
  ASSERT_GT(*closed_after, *closed_before);

  // The rows of each closed day and of the day after it, counted in the state.
  auto rows_of = [&](Day day) {
    uint64_t n = 0;
    std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeterDay);
    const std::string prefix = MeterDayPrefix(day);
    for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) ++n;
    return n;
  };
  uint64_t expected = 0, all = 0;
  for (Day d = *closed_before + 1; d <= *closed_after; ++d) expected += rows_of(d) + rows_of(d + 1);
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeterDay);
  for (it->SeekToFirst(); it->Valid(); it->Next()) ++all;

  const CloseWork& work = job->status().last_close;
  EXPECT_EQ(work.days_scored, static_cast<uint64_t>(*closed_after - *closed_before));
  EXPECT_EQ(work.meter_rows_read, expected);
  EXPECT_GT(expected, 0u);
  EXPECT_LT(expected * 20, all) << "a close should read a few days of a 97-day state";
  EXPECT_EQ(work.windows_fitted, 0u);
  EXPECT_EQ(work.enterprises_rescored, 0u);
  EXPECT_EQ(work.score_rows_read, 0u);
}

// A restarted job builds the groups of every registered enterprise when it opens, not in its
// first close (at 300,000 enterprises that took the close from ~0.5 s to ~1 s).
TEST_F(StreamJobTest, ARestartedJobsFirstCloseLooksUpNoGroups) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  const size_t half = readings_.size() / 2;
  Feed(job.get(), readings_, 0, half, half);
  ASSERT_TRUE(job->status().closed_through.has_value());
  // The first close met every enterprise for the first time.
  EXPECT_GE(job->status().last_close.group_lookups, 250u);

  Crash(&job);
  job = OpenJob();
  Drain(job.get());
  const std::optional<Day> closed_before = job->status().closed_through;
  Feed(job.get(), readings_, half, readings_.size(), readings_.size() - half);
  ASSERT_GT(job->status().closed_through, closed_before);
  const CloseWork& work = job->status().last_close;
  EXPECT_GT(work.days_scored, 0u);
  EXPECT_EQ(work.group_lookups, 0u);
}

// retention_days: rows of days more than that before the newest day go at compaction, and a
// reading older than what is kept is dead-lettered too_old. Data that comes in time order is
// computed as without retention.
TEST_F(StreamJobTest, RetentionDropsOldDaysAndATooOldReadingIsDeadLettered) {
  config_.engine.retention_days = 60;
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  Feed(job.get(), readings_, 0, readings_.size());
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), *backfill_);
  const std::map<std::string, std::vector<std::string>> before = published_.index;

  const Day cutoff = state_->retention_cutoff();
  ASSERT_TRUE(job->status().data_span.has_value());
  EXPECT_GE(cutoff, job->status().data_span->second - 60);
  EXPECT_LE(cutoff, job->status().data_span->second + 1 - 60);
  ASSERT_TRUE(state_->CompactAll().ok());
  for (Store store : {Store::kMeterDay, Store::kEnterpriseDay}) {
    uint64_t old_rows = 0, kept_rows = 0;
    std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(store);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      ++(LeadingDay(std::string_view(it->key().data(), it->key().size())) < cutoff ? old_rows
                                                                                   : kept_rows);
    }
    EXPECT_EQ(old_rows, 0u) << "store " << static_cast<int>(store);
    EXPECT_GT(kept_rows, 0u) << "store " << static_cast<int>(store);
  }

  // Readings of a dropped day, and of a kept day whose window may have lost rows: too_old.
  const fs::path extra = *dir_ / "too-old.csv";
  std::ofstream(extra) << "meter_id,enterprise_id,ts,kwh,kind\n"
                       << "M9999990,E000001," << FormatDate(cutoff - 3)
                       << "T10:00:00+08:00,5.000,interval\n"
                       << "M9999990,E000001," << FormatDate(cutoff + 10)
                       << "T10:00:00+08:00,5.000,interval\n";
  TopicFeed late("fugong.readings", 12);
  late.AppendCsv(TopicRecordKind::kReadings, extra.string());
  std::vector<StreamMessage> messages = late.Slice(0, 2);
  const uint64_t dead_before = published_.dead_letters.size();
  for (StreamMessage& m : messages) {
    m.offset = job->StartOffset("fugong.readings", m.partition);
    ASSERT_TRUE(job->Add({m}).ok());
    CommitAndDrain(job.get());
  }
  ASSERT_EQ(published_.dead_letters.size(), dead_before + 2);
  for (size_t i = dead_before; i < published_.dead_letters.size(); ++i) {
    EXPECT_EQ(nlohmann::json::parse(published_.dead_letters[i])["reason"], "too_old");
  }
  EXPECT_EQ(job->status().readings.dead[static_cast<size_t>(DeadLetterReason::kTooOld)], 2u);
  EXPECT_EQ(published_.index, before) << "a too-old reading changes nothing published";
}

TEST_F(StreamJobTest, BadMessagesAreDeadLetteredWithTheirReasonAndGoodOnesCounted) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  TopicFeed feed("fugong.readings", 3);
  const std::string good =
      R"({"meter_id":"M0000001","enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":1.5})";
  struct Bad {
    std::optional<std::string> key;
    std::string value;
    std::string reason;
  };
  const std::vector<Bad> bad = {
      {"E000001", "{not json", "parse_error"},
      {"E000001",
       R"({"meter_id":7,"enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":1})",
       "wrong_type"},
      {"E000001",
       R"({"meter_id":"M1","enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":1,"x":1})",
       "unknown_field"},
      {"E000001", R"({"meter_id":"M1","enterprise_id":"E000001","kwh":1})", "missing_field"},
      {std::nullopt, good, "missing_key"},
      {"E000002", good, "key_mismatch"},
      {"E000001", "{\"meter_id\":\"" + std::string(70000, 'M') + "\"}", "message_too_large"},
      {"E000001",
       R"({"meter_id":"M1","enterprise_id":"E000001","ts":"2020-01-06T10:00:00+08:00","kwh":-1})",
       "negative_kwh"},
  };
  for (const Bad& b : bad) {
    feed.Append(std::string("E000001"), good);
    feed.Append(b.key, b.value);
  }
  ASSERT_TRUE(job->Add(feed.Slice(0, feed.size())).ok());
  CommitAndDrain(job.get());
  const StreamStatus& s = job->status();
  EXPECT_EQ(s.readings.records, feed.size());
  EXPECT_EQ(s.readings.used, bad.size());  // the good ones in between
  ASSERT_EQ(published_.dead_letters.size(), bad.size());
  std::multiset<std::string> reasons, want;
  for (const std::string& d : published_.dead_letters) {
    const nlohmann::json j = nlohmann::json::parse(d);
    reasons.insert(j["reason"].get<std::string>());
    EXPECT_EQ(j["source"]["topic"].get<std::string>(), "fugong.readings") << d;
    EXPECT_TRUE(j["source"].contains("offset")) << d;
  }
  for (const Bad& b : bad) want.insert(b.reason);
  EXPECT_EQ(reasons, want);
}

TEST_F(StreamJobTest, ReopeningPublishesNothingNew) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  Feed(job.get(), readings_, 0, readings_.size() / 2);
  CommitAndDrain(job.get(), /*close_all=*/true);
  const size_t published = published_.index.size();
  Crash(&job);
  job = OpenJob();
  Drain(job.get());
  EXPECT_EQ(published_.index.size(), published);
  for (const auto& [key, values] : published_.index) EXPECT_EQ(values.size(), 1u) << key;
}

// The service drains the outbox after every commit. Once found empty it is not read again until
// a write puts records in it: commits that publish nothing cost no read of the sent records'
// tombstones, and what a later close adds is still read and sent.
TEST_F(StreamJobTest, AnEmptyOutboxIsReadAgainOnlyAfterAWriteAddsToIt) {
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  const size_t half = readings_.size() / 2;
  Feed(job.get(), readings_, 0, half);
  const uint64_t reads = job->outbox_reads();
  const size_t published = published_.index.size();
  ASSERT_GT(published, 0u);
  // Commits of messages already in state (skipped): nothing is added to the outbox.
  for (int i = 0; i < 3; ++i) {
    ASSERT_TRUE(job->Add(readings_.Slice(0, 1000)).ok());
    CommitAndDrain(job.get());
  }
  EXPECT_EQ(job->outbox_reads(), reads) << "an outbox known to be empty was read again";
  EXPECT_EQ(published_.index.size(), published);
  // The rest of the readings close more days: their records are read and sent.
  Feed(job.get(), readings_, half, readings_.size());
  CommitAndDrain(job.get(), /*close_all=*/true);
  EXPECT_GT(job->outbox_reads(), reads);
  ExpectSameRecords(published_.Latest(), *backfill_);
  ExpectRevisionsConsistent();
}

// GET /v1/suspects (issue 14) on a streamed state: for every county record with suspects, the
// list has exactly as many enterprises as the record counts, each of that county in the registry
// and resumed by its energy. Off by default, since it names enterprises.
TEST_F(StreamJobTest, TheSuspectsListOfACountyHasTheEnterprisesItsRecordCounts) {
  std::unique_ptr<StreamJob> job = StreamEverything();
  std::map<std::string, std::string> county_of =
      testing::CountyOfEnterprises(*dir_ / "input/enterprises.csv");
  RunConfig with_list = config_;
  with_list.suspects_api = true;
  auto open = HttpService::Start(&with_list, "127.0.0.1:0");
  ASSERT_TRUE(open.ok()) << open.status().ToString();
  std::unique_ptr<HttpService> service = std::move(open).value();
  service->OnStateOpened(*state_);

  int lists = 0, listed = 0;
  std::string none;           // a county record with no suspects: "/v1/suspects?date=D&county=C"
  std::string listed_target;  // the last county record with suspects, and its day
  Day listed_day = 0;
  for (const auto& [key, record] : *backfill_) {
    if (key.find("|county|") == std::string::npos) continue;
    const nlohmann::json r = nlohmann::json::parse(record);
    if (r["suspect_idle"] == 0) {
      none = "/v1/suspects?date=" + r["date"].get<std::string>() +
             "&county=" + r["code"].get<std::string>();
    }
    if (!r["suspect_idle"].is_number() || r["suspect_idle"].get<int>() == 0) continue;
    const std::string date = r["date"], county = r["code"];
    listed_day = DayOf(date.c_str());
    listed_target = "/v1/suspects?date=" + date + "&county=" + county;
    const testing::HttpResult got = testing::HttpGet(service->address(), listed_target);
    ASSERT_EQ(got.status, 200) << got.body;
    const nlohmann::json list = nlohmann::json::parse(got.body);
    EXPECT_EQ(list["suspect_idle"], r["suspect_idle"]) << key;
    EXPECT_EQ(list["listed"], r["suspect_idle"]) << key;
    EXPECT_EQ(list["complete"], true) << key;
    ASSERT_EQ(list["enterprises"].size(), r["suspect_idle"].get<size_t>()) << key;
    std::string previous;
    for (const nlohmann::json& e : list["enterprises"]) {
      const std::string id = e["enterprise_id"];
      EXPECT_EQ(county_of[id], county) << key << " lists " << id;
      EXPECT_GT(id, previous) << "not in id order";
      previous = id;
      EXPECT_GE(e["energy_ratio"].get<double>(), config_.engine.resume_threshold) << id;
      EXPECT_NEAR(e["energy_ratio"].get<double>(),
                  e["energy_kwh"].get<double>() / e["baseline_kwh"].get<double>(), 1e-4);
      ++listed;
    }
    ++lists;
  }
  EXPECT_GT(lists, 50);
  EXPECT_GT(listed, 100);

  // A county with no suspects that day is an empty, complete list; bad requests say why.
  ASSERT_FALSE(none.empty());
  const nlohmann::json empty =
      nlohmann::json::parse(testing::HttpGet(service->address(), none).body);
  EXPECT_EQ(empty["listed"], 0) << none;
  EXPECT_EQ(empty["complete"], true) << none;
  EXPECT_TRUE(empty["enterprises"].empty()) << none;
  const testing::HttpResult wrong =
      testing::HttpGet(service->address(), "/v1/suspects?date=2020-02-10&county=330100");
  EXPECT_EQ(wrong.status, 400) << wrong.body;  // a city, not a county
  EXPECT_NE(wrong.body.find("not a county"), std::string::npos) << wrong.body;
  EXPECT_EQ(testing::HttpGet(service->address(), "/v1/suspects?date=2020-02-10").status, 400);
  EXPECT_EQ(
      testing::HttpGet(service->address(), "/v1/suspects?date=2031-01-01&county=330102").status,
      404);
  // Scores of days before the retention cutoff may be gone: such a day is a 404 that says so, not
  // a list shortened by chance.
  state_->SetRetentionCutoff(listed_day + 1);
  const testing::HttpResult dropped = testing::HttpGet(service->address(), listed_target);
  EXPECT_EQ(dropped.status, 404) << dropped.body;
  EXPECT_NE(dropped.body.find("no longer kept"), std::string::npos) << dropped.body;
  service->OnStateClosing();
  service.reset();

  // Off unless enabled: a 403 that names the switch.
  auto closed_service = HttpService::Start(&config_, "127.0.0.1:0");
  ASSERT_TRUE(closed_service.ok());
  (*closed_service)->OnStateOpened(*state_);
  const testing::HttpResult off =
      testing::HttpGet((*closed_service)->address(), "/v1/suspects?date=2020-02-10&county=330102");
  EXPECT_EQ(off.status, 403);
  EXPECT_NE(off.body.find("suspects_api: true"), std::string::npos) << off.body;
  (*closed_service)->OnStateClosing();
}

// The epidemic risk chart (issue 11, part 1): the stream and the backfill join it into county
// records alike, and a chart entry that comes after its days were published revises exactly the
// county records whose level it changes.
class StreamRiskChartTest : public StreamJobTest {
 protected:
  void SetUp() override {
    StreamJobTest::SetUp();
    // The three counties with the most enterprises, so that their records are not suppressed.
    std::map<std::string, int> per_county;
    const std::vector<std::string> lines =
        testing::SplitLines(testing::ReadFile((*dir_ / "input/enterprises.csv").string()));
    for (size_t i = 1; i < lines.size(); ++i) {
      const size_t comma = lines[i].find(',');
      if (comma != std::string::npos) {
        ++per_county[lines[i].substr(comma + 1, lines[i].find(',', comma + 1) - comma - 1)];
      }
    }
    std::vector<std::pair<int, std::string>> by_size;
    for (const auto& [county, n] : per_county) by_size.emplace_back(-n, county);
    std::sort(by_size.begin(), by_size.end());
    ASSERT_GE(by_size.size(), 3u);
    for (int i = 0; i < 3; ++i) counties_.push_back(by_size[i].second);
  }

  // A backfill of the generated province with `chart` (CSV lines after the header) as --risk.
  std::map<std::string, std::string> BackfillWithChart(const std::vector<std::string>& chart,
                                                       const std::string& name,
                                                       BackfillSummary* summary = nullptr) {
    const fs::path path = *dir_ / (name + "-risk.csv");
    std::ofstream out(path);
    out << "county_code,date,level\n";
    for (const std::string& line : chart) out << line << "\n";
    out.close();
    BackfillFiles files = testing::BackfillFilesFor(*dir_, *readings_files_, name);
    files.risk = path.string();
    Result<BackfillSummary> s = RunBackfillFromFiles(Config(), files, nullptr);
    EXPECT_TRUE(s.ok()) << s.status().ToString();
    if (summary != nullptr && s.ok()) *summary = *s;
    return ReadIndexRecordsWithoutComputedAt(files.out);
  }

  // A chart message as `fugong produce --kind risk` sends a CSV line.
  static void AppendEntry(TopicFeed* feed, const std::string& county, const std::string& date,
                          const std::string& level) {
    feed->Append(county, R"({"county_code":")" + county + R"(","date":")" + date +
                             R"(","level":")" + level + R"("})");
  }

  static std::optional<std::string> RiskOf(const std::string& record) {
    const nlohmann::json j = nlohmann::json::parse(record);
    if (!j.contains("risk")) return std::nullopt;
    return j["risk"].get<std::string>();
  }
  // The record without its risk field: what a run without a chart publishes.
  static std::string WithoutRisk(const std::string& record) {
    const size_t at = record.find(",\"risk\":\"");
    if (at == std::string::npos) return record;
    return record.substr(0, at) + record.substr(record.find('"', at + 9) + 1);
  }

  std::vector<std::string> counties_;
};

TEST_F(StreamRiskChartTest, StreamAndBackfillJoinTheChartIntoCountyRecordsOnTheRightDays) {
  const std::string& a = counties_[0];
  const std::string& b = counties_[1];
  const std::vector<std::string> chart = {
      a + ",2020-02-09,high",      a + ",2020-02-17,medium", a + ",2020-02-24,low",
      b + ",2020-02-09,very_high", "999999,2020-02-09,high",  // unknown county
      b + ",2020-02-30,high",                                 // bad date
      b + ",2020-02-20,purple",                               // bad level
  };
  BackfillSummary summary;
  const std::map<std::string, std::string> with_chart = BackfillWithChart(chart, "risk", &summary);
  EXPECT_EQ(summary.risk.records, 7u);
  EXPECT_EQ(summary.risk.used, 4u);
  EXPECT_EQ(summary.risk.dead_total(), 3u);
  EXPECT_EQ(summary.risk.dead[static_cast<size_t>(DeadLetterReason::kUnknownCounty)], 1u);
  EXPECT_EQ(summary.risk.dead[static_cast<size_t>(DeadLetterReason::kBadDate)], 1u);
  EXPECT_EQ(summary.risk.dead[static_cast<size_t>(DeadLetterReason::kBadRiskLevel)], 1u);

  // Only county records of the two counties change, and only by their risk field.
  ASSERT_EQ(with_chart.size(), backfill_->size());
  int with_risk = 0;
  for (const auto& [key, record] : with_chart) {
    const bool charted = key.find("|county|" + a) != std::string::npos ||
                         key.find("|county|" + b) != std::string::npos;
    if (!charted) {
      EXPECT_EQ(record, backfill_->at(key)) << key;
      continue;
    }
    EXPECT_EQ(WithoutRisk(record), backfill_->at(key)) << key;
    if (RiskOf(record)) ++with_risk;
  }
  EXPECT_GT(with_risk, 0);
  const auto risk_on = [&](const std::string& date, const std::string& county) {
    return RiskOf(with_chart.at(date + "|county|" + county));
  };
  EXPECT_EQ(risk_on("2020-02-08", a), std::nullopt) << "before the county's first entry";
  EXPECT_EQ(risk_on("2020-02-09", a), "high");
  EXPECT_EQ(risk_on("2020-02-16", a), "high");
  EXPECT_EQ(risk_on("2020-02-17", a), "medium");
  EXPECT_EQ(risk_on("2020-02-24", a), "low");
  EXPECT_EQ(risk_on("2020-02-29", a), "low");
  EXPECT_EQ(risk_on("2020-02-20", b), "very_high") << "the bad entry of 02-20 changes nothing";
  EXPECT_EQ(risk_on("2020-02-20", counties_[2]), std::nullopt) << "a county not in the chart";

  // The stream, with the chart's messages before the readings: the same records, each once.
  TopicFeed risk("fugong.risk", 1);
  const fs::path chart_file = *dir_ / "risk-risk.csv";
  ASSERT_TRUE(risk.AppendCsv(TopicRecordKind::kRisk, chart_file.string()));
  std::unique_ptr<StreamJob> job = OpenJob();
  FeedReference(job.get());
  Feed(job.get(), risk, 0, risk.size());
  Feed(job.get(), readings_, 0, readings_.size());
  CommitAndDrain(job.get(), /*close_all=*/true);
  ExpectSameRecords(published_.Latest(), with_chart);
  for (const auto& [key, values] : published_.index) EXPECT_EQ(values.size(), 1u) << key;
  EXPECT_EQ(job->status().risk.used, 4u);
  EXPECT_EQ(job->status().risk.dead_total(), 3u);
  std::multiset<std::string> reasons;
  for (const std::string& d : published_.dead_letters) {
    const nlohmann::json j = nlohmann::json::parse(d);
    if (j["source"]["topic"] == "fugong.risk") reasons.insert(j["reason"].get<std::string>());
  }
  EXPECT_EQ(reasons, (std::multiset<std::string>{"unknown_county", "bad_date", "bad_risk_level"}));
}

TEST_F(StreamRiskChartTest, ALateChartEntryRevisesExactlyTheCountyRecordsItChanges) {
  const std::string& a = counties_[0];
  std::unique_ptr<StreamJob> job = StreamEverything();
  ASSERT_FALSE(HasFailure());

  // Each step: one more entry, then the keys it republished, and their contents.
  TopicFeed risk("fugong.risk", 1);
  const auto add_entry = [&](const std::string& date, const std::string& level) {
    const std::map<std::string, std::vector<std::string>> before = published_.index;
    AppendEntry(&risk, a, date, level);
    EXPECT_TRUE(job->Add(risk.Slice(risk.size() - 1, risk.size())).ok());
    CommitAndDrain(job.get());
    std::set<std::string> republished;
    for (const auto& [key, values] : published_.index) {
      if (values.size() > before.at(key).size()) republished.insert(key);
    }
    return republished;
  };
  const auto county_days = [&](const std::string& from, const std::string& to) {
    std::set<std::string> keys;
    for (Day d = DayOf(from.c_str()); d <= DayOf(to.c_str()); ++d) {
      keys.insert(FormatDate(d) + "|county|" + a);
    }
    return keys;
  };

  // An entry on 02-20 holds from then on: the county's records of 02-20..02-29, nothing else.
  EXPECT_EQ(add_entry("2020-02-20", "high"), county_days("2020-02-20", "2020-02-29"));
  // An earlier one holds until the next: 02-10..02-19 only.
  EXPECT_EQ(add_entry("2020-02-10", "lower"), county_days("2020-02-10", "2020-02-19"));
  // The same level again for a day it already holds on changes no record.
  EXPECT_EQ(add_entry("2020-02-25", "high"), std::set<std::string>{});
  for (const auto& [key, values] : published_.index) {
    if (values.size() > 1) {
      EXPECT_EQ(RevisionOf(values.back()), 2) << key;
    }
  }

  // The entries are kept in state: a restarted job publishes nothing new, and the latest
  // records are a backfill's with the same chart.
  Crash(&job);
  job = OpenJob();
  const size_t sent = published_.dead_letters.size();
  std::map<std::string, size_t> counts;
  for (const auto& [key, values] : published_.index) counts[key] = values.size();
  CommitAndDrain(job.get(), /*close_all=*/true);
  for (const auto& [key, values] : published_.index) EXPECT_EQ(values.size(), counts[key]) << key;
  EXPECT_EQ(published_.dead_letters.size(), sent);
  // Revisions aside: the backfill publishes each record once.
  const std::map<std::string, std::string> want = BackfillWithChart(
      {a + ",2020-02-20,high", a + ",2020-02-10,lower", a + ",2020-02-25,high"}, "late-risk");
  const auto without_revision = [](const std::map<std::string, std::string>& records) {
    std::map<std::string, nlohmann::json> out;
    for (const auto& [key, record] : records) {
      nlohmann::json j = nlohmann::json::parse(record);
      j.erase("revision");
      out.emplace(key, std::move(j));
    }
    return out;
  };
  EXPECT_EQ(without_revision(published_.Latest()), without_revision(want));
  ExpectRevisionsConsistent();
}

}  // namespace
}  // namespace fugong
