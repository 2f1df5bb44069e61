// The backfill writes commit N while it parses the lines after it (StateWriteBehind): the result
// must be the serial path's, and a failed write must still stop the run with the state error and
// no output, resumable.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "engine/job/backfill_job.h"
#include "engine/state/state_write_behind.h"
#include "engine/state/write_limited_file_system.h"
#include "tests/support/dates.h"
#include "tests/support/memory_io.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::MemorySink;
using testing::StringSource;
using testing::WithoutComputedAt;

// Dates as the ISO text people read.
Day D(const char* text) { return testing::DayOf(text); }

// A StringSource that counts its batches: how far the backfill read.
class CountingSource final : public RecordSource {
 public:
  CountingSource(std::string name, std::string text) : inner_(std::move(name), std::move(text)) {}
  const std::string& name() const override { return inner_.name(); }
  std::string_view header() const override { return inner_.header(); }
  Status Resume(std::string_view checkpoint) override { return inner_.Resume(checkpoint); }
  Status Next(SourceBatch* batch) override {
    ++batches_;
    return inner_.Next(batch);
  }
  std::string Checkpoint() const override { return inner_.Checkpoint(); }
  uint64_t work_done() const override { return inner_.work_done(); }
  uint64_t work_total() const override { return inner_.work_total(); }
  int batches() const { return batches_; }

 private:
  StringSource inner_;
  int batches_ = 0;
};

const char kEnterprises[] =
    "enterprise_id,county_code,industry,scale,tags,active_from,active_to\n"
    "E1,330102,I07,above,,,\n"
    "E2,330102,C34,below,foreign_trade,,\n"
    "E3,330102,3411,below,foreign_trade,,\n"
    "E4,330102,I07,above,,,\n";

// Hourly readings of 6 meters over 40 days, in time order as an export is, with bad lines, an
// unknown enterprise, and duplicates and corrections of earlier lines thousands of lines later
// (so they land in later commits than the lines they repeat).
std::string Readings() {
  const char* meters[][2] = {{"M1", "E1"}, {"M2", "E1"}, {"M3", "E2"},
                             {"M4", "E3"}, {"M5", "E4"}, {"M9", "E9"}};
  std::string r = "meter_id,enterprise_id,ts,kwh,kind\n";
  std::vector<std::string> repeats;
  const EpochSeconds start = 1578326400;  // 2020-01-07T00:00:00+08:00 is 1578326400 - 8 h
  for (int hour = 1; hour <= 40 * 24; ++hour) {
    const EpochSeconds ts = start - 8 * 3600 + hour * 3600;
    for (int m = 0; m < 6; ++m) {
      // Enterprise E2 stops for days 20..25: its index changes.
      if (m == 2 && hour / 24 >= 20 && hour / 24 <= 25) continue;
      const int kwh = 10 + m * 3 + (hour % 24 < 8 ? 0 : 20) + hour % 7;
      const std::string line = std::string(meters[m][0]) + "," + meters[m][1] + "," +
                               std::to_string(ts) + "," + std::to_string(kwh) + ".125,interval\n";
      r += line;
      if (hour % 97 == m) repeats.push_back(line);  // a duplicate, later
      if (hour % 89 == m) {                         // a correction, later
        repeats.push_back(std::string(meters[m][0]) + "," + meters[m][1] + "," +
                          std::to_string(ts) + "," + std::to_string(kwh + 1) + ".5,interval\n");
      }
    }
    if (hour % 50 == 0) r += "M1,E1,not-a-time,1,interval\n";
    if (hour % 240 == 0) {
      for (const std::string& line : repeats) r += line;
      repeats.clear();
    }
  }
  return r;
}

class BackfillWriteBehindTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fugong-write-behind-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    fs::create_directories(dir_);
    config_.interval_minutes = 60;
    config_.baseline_method = BaselineMethod::kMean;
    config_.baseline_from = D("2020-01-08");
    config_.baseline_to = D("2020-01-21");
    config_.min_group_size = 2;
  }
  void TearDown() override { fs::remove_all(dir_); }

  struct Outcome {
    Status status;
    MemorySink out, dead;
    std::vector<uint64_t> commits;  // after_commit's arguments
    int batches_read = 0;
    std::map<std::string, std::string> meter_days;  // the state's meter_day store
  };

  // A backfill of Readings() into state `name`, committing every 1,000 lines.
  std::unique_ptr<Outcome> Run(const std::string& name, bool write_behind,
                               StateStoreOptions options = {}, bool bulk_load = true) {
    auto outcome = std::make_unique<Outcome>();
    Result<std::unique_ptr<StateStore>> state =
        StateStore::Open((dir_ / name).string(), std::move(options));
    EXPECT_TRUE(state.ok()) << state.status().ToString();
    StringSource enterprises("enterprises.csv", kEnterprises);
    CountingSource readings("readings.csv", Readings());
    BackfillRequest request;
    request.enterprises = &enterprises;
    request.readings = {&readings};
    request.from = D("2020-01-08");
    request.to = D("2020-02-14");
    request.commit_records = 1000;
    request.write_behind = write_behind;
    request.bulk_load = bulk_load;
    request.after_commit = [&](uint64_t n) { outcome->commits.push_back(n); };
    BackfillJob job(config_, RegionTable::Zhejiang(), IndustryTable::Standard(),
                    HolidayCalendar::China(), clock_, state->get());
    Result<BackfillSummary> summary = job.Run(request, &outcome->out, &outcome->dead, nullptr);
    outcome->status = summary.status();
    outcome->batches_read = readings.batches();
    std::unique_ptr<rocksdb::Iterator> it = (*state)->NewIterator(Store::kMeterDay);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      outcome->meter_days[it->key().ToString()] = it->value().ToString();
    }
    return outcome;
  }

  static std::map<std::string, std::string> Records(const MemorySink& sink) {
    std::map<std::string, std::string> out;
    for (const auto& [key, value] : sink.records) out[key] = WithoutComputedAt(value);
    return out;
  }

  fs::path dir_;
  EngineConfig config_;
  FixedClock clock_{1764000000};
};

TEST_F(BackfillWriteBehindTest, OverlappedCommitsGiveTheSerialPathsStateAndIndex) {
  const std::unique_ptr<Outcome> serial = Run("serial", false);
  const std::unique_ptr<Outcome> behind = Run("behind", true);
  ASSERT_TRUE(serial->status.ok()) << serial->status.ToString();
  ASSERT_TRUE(behind->status.ok()) << behind->status.ToString();
  // Many commits, each reported once, in order, after it was written.
  ASSERT_GE(serial->commits.size(), 5u);  // one per 1,000 lines (a StringSource batch)
  EXPECT_EQ(behind->commits, serial->commits);
  for (size_t i = 0; i < behind->commits.size(); ++i) EXPECT_EQ(behind->commits[i], i + 1);
  // The same rows, byte for byte (duplicates and corrections crossed commits), and the same
  // index and dead letters.
  EXPECT_FALSE(serial->meter_days.empty());
  EXPECT_EQ(behind->meter_days, serial->meter_days);
  EXPECT_FALSE(serial->out.records.empty());
  EXPECT_EQ(Records(behind->out), Records(serial->out));
  EXPECT_FALSE(serial->dead.lines.empty());
  EXPECT_EQ(behind->dead.lines, serial->dead.lines);
}

// The first readings commit cannot be written (the WAL's disk is full). The write runs while the
// next 1,000 lines are parsed; the failure comes out at the next commit, which is not written,
// and the run stops with the state error and publishes nothing. The rerun, with space, gives
// the uninterrupted run's index.
TEST_F(BackfillWriteBehindTest, AFailedWriteWhileTheNextBatchIsParsedStopsTheRunWithTheStateError) {
  const std::unique_ptr<Outcome> reference = Run("reference", true);
  ASSERT_TRUE(reference->status.ok()) << reference->status.ToString();

  for (const bool write_behind : {true, false}) {
    SCOPED_TRACE(write_behind ? "write-behind" : "serial");
    const std::string name = write_behind ? "full-behind" : "full-serial";
    // Room in the WAL for the config and the registry, not for 1,000 lines of meter-days.
    const auto limited = std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                                  WriteLimit{4000, ".log"});
    const std::unique_ptr<Outcome> failed = Run(name, write_behind, {.file_system = limited});
    ASSERT_FALSE(failed->status.ok());
    EXPECT_GT(limited->refused(), 0u);
    EXPECT_EQ(failed->status.code(), Status::Code::kIOError) << failed->status.ToString();
    EXPECT_NE(failed->status.message().find("state write failed in " + (dir_ / name).string()),
              std::string::npos)
        << failed->status.ToString();
    EXPECT_NE(failed->status.message().find("No space left on device"), std::string::npos);
    EXPECT_TRUE(failed->commits.empty());
    EXPECT_TRUE(failed->out.records.empty()) << "a failed run published records";
    EXPECT_TRUE(failed->dead.lines.empty());
    // Write-behind read the second batch while the first was written; serially, the first
    // write's failure stopped the run before the second batch was read.
    EXPECT_EQ(failed->batches_read, write_behind ? 2 : 1);

    const std::unique_ptr<Outcome> resumed = Run(name, write_behind);
    ASSERT_TRUE(resumed->status.ok()) << resumed->status.ToString();
    EXPECT_EQ(Records(resumed->out), Records(reference->out));
    EXPECT_EQ(resumed->dead.lines, reference->dead.lines);
    EXPECT_EQ(resumed->meter_days, reference->meter_days);
  }
}

// On a fresh state the backfill writes a meter-day that no earlier commit wrote as a Put: the
// state's rows (duplicates and corrections cross commits here), the index and the dead letters
// are those of the path that merges every row.
TEST_F(BackfillWriteBehindTest, BulkLoadGivesTheMergePathsStateIndexAndDeadLetters) {
  const std::unique_ptr<Outcome> merged = Run("merged", true, {}, /*bulk_load=*/false);
  const std::unique_ptr<Outcome> bulk = Run("bulk", true, {}, /*bulk_load=*/true);
  ASSERT_TRUE(merged->status.ok()) << merged->status.ToString();
  ASSERT_TRUE(bulk->status.ok()) << bulk->status.ToString();
  EXPECT_FALSE(merged->meter_days.empty());
  EXPECT_EQ(bulk->meter_days, merged->meter_days);
  EXPECT_FALSE(merged->out.records.empty());
  EXPECT_EQ(Records(bulk->out), Records(merged->out));
  EXPECT_EQ(bulk->dead.lines, merged->dead.lines);
}

// A bulk load that a failed write stops after some commits went through: the run fails with the
// state error and publishes nothing; the rerun finds meter-days in the state, merges every row
// onto them, and ends with the uninterrupted run's state and index.
TEST_F(BackfillWriteBehindTest, ABulkLoadStoppedAfterSomeCommitsResumesWithMergesToTheSameResult) {
  const std::unique_ptr<Outcome> reference = Run("reference", true);
  ASSERT_TRUE(reference->status.ok()) << reference->status.ToString();
  const auto limited = std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                                WriteLimit{150000, ".log"});
  const std::unique_ptr<Outcome> failed = Run("stopped", true, {.file_system = limited});
  ASSERT_FALSE(failed->status.ok());
  EXPECT_NE(failed->status.message().find("state write failed in "), std::string::npos)
      << failed->status.ToString();
  EXPECT_FALSE(failed->commits.empty()) << "no commit went through before the failure";
  EXPECT_FALSE(failed->meter_days.empty());
  EXPECT_TRUE(failed->out.records.empty()) << "a failed run published records";
  EXPECT_TRUE(failed->dead.lines.empty());

  const std::unique_ptr<Outcome> resumed = Run("stopped", true);
  ASSERT_TRUE(resumed->status.ok()) << resumed->status.ToString();
  EXPECT_EQ(resumed->meter_days, reference->meter_days);
  EXPECT_EQ(Records(resumed->out), Records(reference->out));
  EXPECT_EQ(resumed->dead.lines, reference->dead.lines);
}

// StateWriteBehind alone: batches land in order; after a failure nothing more is written.
TEST(StateWriteBehindTest, WritesInOrderAndNothingAfterAFailure) {
  const fs::path dir = fs::temp_directory_path() / ("fugong-swb-" + std::to_string(getpid()));
  fs::remove_all(dir);
  fs::create_directories(dir);
  {
    Result<std::unique_ptr<StateStore>> store = StateStore::Open((dir / "ok").string());
    ASSERT_TRUE(store.ok());
    std::vector<uint64_t> written;
    StateWriteBehind writer(store->get(), [&](uint64_t n) { written.push_back(n); });
    for (int i = 0; i < 5; ++i) {
      auto batch = std::make_unique<StateBatch>(store->get());
      batch->Put(Store::kMeta, "k", std::to_string(i));
      batch->Put(Store::kMeta, "k" + std::to_string(i), "x");
      ASSERT_TRUE(writer.Submit(std::move(batch)).ok());
    }
    ASSERT_TRUE(writer.Finish().ok());
    EXPECT_EQ(written, (std::vector<uint64_t>{1, 2, 3, 4, 5}));
    EXPECT_EQ(writer.batches_written(), 5u);
    std::string value;
    ASSERT_TRUE((*store)->Get(Store::kMeta, "k", &value).ok());
    EXPECT_EQ(value, "4");  // the last submitted wins: they were written in order
  }
  {
    const auto limited = std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                                  WriteLimit{1000, ".log"});
    Result<std::unique_ptr<StateStore>> store =
        StateStore::Open((dir / "full").string(), {.file_system = limited});
    ASSERT_TRUE(store.ok());
    StateWriteBehind writer(store->get());
    auto big = std::make_unique<StateBatch>(store->get());
    big->Put(Store::kMeta, "big", std::string(5000, 'x'));
    ASSERT_TRUE(writer.Submit(std::move(big)).ok());  // fails in the background
    auto next = std::make_unique<StateBatch>(store->get());
    next->Put(Store::kMeta, "next", "y");
    const Status submitted = writer.Submit(std::move(next));
    ASSERT_FALSE(submitted.ok());
    EXPECT_NE(submitted.message().find("No space left on device"), std::string::npos);
    EXPECT_EQ(writer.Finish().ToString(), submitted.ToString());  // and stays failed
    std::string value;
    EXPECT_EQ((*store)->Get(Store::kMeta, "next", &value).code(), Status::Code::kNotFound);
    EXPECT_EQ(writer.batches_written(), 0u);
  }
  fs::remove_all(dir);
}

}  // namespace
}  // namespace fugong
