// A full disk, or any failed state write: the first failure stops the work with a message naming
// the state directory and the OS error, never an abort, and a rerun on the same state once there
// is space again gives the records of an uninterrupted run. The disk fills on purpose through a
// WriteLimitedFileSystem (no root, no small file system needed), at several points: early,
// mid-run, late, inside a background flush, in the MANIFEST, and in RocksDB's own LOG. The
// stream job's version is in stream_job_test.cc, the CLI's in backfill_cli_test.cc.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <map>
#include <string>

#include "app/backfill_runner.h"
#include "app/run_config.h"
#include "engine/state/state_store.h"
#include "engine/state/write_limited_file_system.h"
#include "tests/support/files.h"
#include "tests/support/generated_province.h"
#include "tests/support/record_compare.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;
using testing::BackfillFilesFor;
using testing::ExpectSameRecords;
using testing::GenerateProvinceInto;
using testing::ReadFile;
using testing::ReadIndexRecordsWithoutComputedAt;

::testing::AssertionResult Contains(const std::string& text, const std::string& part) {
  if (text.find(part) != std::string::npos) return ::testing::AssertionSuccess();
  return ::testing::AssertionFailure() << "'" << text << "' does not say '" << part << "'";
}

std::shared_ptr<WriteLimitedFileSystem> LimitedFs(uint64_t bytes, std::string name_part = "") {
  return std::make_shared<WriteLimitedFileSystem>(rocksdb::FileSystem::Default(),
                                                  WriteLimit{bytes, std::move(name_part)});
}

std::string KeyOf(int batch, int i) {
  return "b" + std::to_string(100000 + batch) + "-" + std::to_string(i);
}

// ---------------------------------------------------------------------------------------------
// The store itself.

struct StoreCase {
  const char* name;
  uint64_t limit;
  const char* name_part;  // the files that fill up
  const char* where;      // what the message says failed, besides the write ("" for the write)
};

class StateStoreFullDisk : public ::testing::TestWithParam<StoreCase> {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fugong-state-full-" + std::to_string(getpid()) + "-" + GetParam().name);
    fs::remove_all(dir_);
  }
  void TearDown() override { fs::remove_all(dir_); }

  // Writes batches of 40 values (16 KB) to every store until a write fails; returns how many
  // succeeded and the failure.
  static int WriteUntilFailure(StateStore* store, Status* failure) {
    for (int batch = 0; batch < 5000; ++batch) {
      StateBatch b(store);
      for (int i = 0; i < 40; ++i) {
        b.Put(static_cast<Store>(i % static_cast<int>(Store::kCount)), KeyOf(batch, i),
              std::string(400, static_cast<char>('a' + (batch + i) % 26)));
      }
      *failure = store->Write(&b);
      if (!failure->ok()) return batch;
    }
    return -1;
  }

  fs::path dir_;
};

TEST_P(StateStoreFullDisk, TheFirstFailedWriteIsFinalNamesTheDirectoryAndLosesNothing) {
  const StoreCase& c = GetParam();
  const std::shared_ptr<WriteLimitedFileSystem> limited = LimitedFs(c.limit, c.name_part);
  int written = -1;
  {
    // (Opening writes ~580 KB: the OPTIONS of 12 stores.) Small memtables: RocksDB flushes (and
    // compacts) in the background as it would on a long run, so an SST or MANIFEST write can be the
    // one that fails.
    Result<std::unique_ptr<StateStore>> store =
        StateStore::Open(dir_.string(), {.file_system = limited, .write_buffer_bytes = 64 << 10});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    Status failure;
    written = WriteUntilFailure(store->get(), &failure);
    ASSERT_GE(written, 0) << "the disk never filled";
    EXPECT_GT(limited->refused(), 0u);
    EXPECT_EQ(failure.code(), Status::Code::kIOError);
    EXPECT_TRUE(Contains(failure.message(), "state write failed in " + dir_.string()));
    EXPECT_TRUE(Contains(failure.message(), "No space left on device"));
    if (*c.where != '\0') {
      EXPECT_TRUE(Contains(failure.message(), std::string("(") + c.where + ")"));
    }
    EXPECT_TRUE((*store)->write_failed());
    // Every later write gets the same answer, and RocksDB is not asked again.
    StateBatch again(store->get());
    again.Put(Store::kMeta, "after", "the failure");
    const uint64_t appended = limited->written();
    EXPECT_EQ((*store)->Write(&again).message(), failure.message());
    EXPECT_EQ((*store)->write_failure().message(), failure.message());
    EXPECT_EQ(limited->written(), appended);
    // Closing the store after the failure is an orderly close, not an abort.
  }
  // With space again: every write that was acknowledged is there, the failed batch is there
  // entirely or not at all, and the store writes again.
  Result<std::unique_ptr<StateStore>> reopened = StateStore::Open(dir_.string());
  ASSERT_TRUE(reopened.ok()) << reopened.status().ToString();
  std::string value;
  for (int batch = 0; batch < written; ++batch) {
    for (int i = 0; i < 40; ++i) {
      ASSERT_TRUE((*reopened)
                      ->Get(static_cast<Store>(i % static_cast<int>(Store::kCount)),
                            KeyOf(batch, i), &value)
                      .ok())
          << "batch " << batch << " of " << written << " was acknowledged but is lost";
    }
  }
  int present = 0;
  for (int i = 0; i < 40; ++i) {
    present += (*reopened)
                   ->Get(static_cast<Store>(i % static_cast<int>(Store::kCount)), KeyOf(written, i),
                         &value)
                   .ok();
  }
  EXPECT_TRUE(present == 0 || present == 40) << present << " of the failed batch's 40 values";
  EXPECT_FALSE((*reopened)->Get(Store::kMeta, "after", &value).ok());
  StateBatch b(reopened->get());
  b.Put(Store::kMeta, "after", "space was freed");
  EXPECT_TRUE((*reopened)->Write(&b).ok());
}

INSTANTIATE_TEST_SUITE_P(
    Points, StateStoreFullDisk,
    ::testing::Values(StoreCase{"AnyFileEarly", 700 << 10, "", ""},
                      StoreCase{"AnyFileLate", 3 << 20, "", ""},
                      StoreCase{"TheWal", 200 << 10, ".log", ""},
                      StoreCase{"ABackgroundFlush", 100 << 10, ".sst", "a background flush"},
                      StoreCase{"TheManifest", 4 << 10, "MANIFEST", "a write of the MANIFEST"}),
    [](const ::testing::TestParamInfo<StoreCase>& info) { return std::string(info.param.name); });

// RocksDB's LOG is diagnosis: when it cannot be written the store goes on. (With RocksDB's own
// logger, the line after a failed LOG write aborts the process: the abort a full disk caused.)
TEST(StateStoreLog, AFullDiskForTheLogIsNoFailure) {
  const fs::path dir =
      fs::temp_directory_path() / ("fugong-state-log-full-" + std::to_string(getpid()));
  fs::remove_all(dir);
  const std::shared_ptr<WriteLimitedFileSystem> limited = LimitedFs(2000, "LOG");
  {
    Result<std::unique_ptr<StateStore>> store =
        StateStore::Open(dir.string(), {.file_system = limited, .write_buffer_bytes = 64 << 10});
    ASSERT_TRUE(store.ok()) << store.status().ToString();
    for (int batch = 0; batch < 400; ++batch) {
      StateBatch b(store->get());
      for (int i = 0; i < 40; ++i) b.Put(Store::kMeterDay, KeyOf(batch, i), std::string(400, 'x'));
      ASSERT_TRUE((*store)->Write(&b).ok()) << batch;
    }
  }
  EXPECT_GT(limited->refused(), 0u) << "the LOG never filled";
  EXPECT_GT(fs::file_size(dir / "LOG"), 0u);
  EXPECT_LE(fs::file_size(dir / "LOG"), 2000u);
  fs::remove_all(dir);
}

// ---------------------------------------------------------------------------------------------
// A backfill that runs out of space, then resumes.

class BackfillFullDisk : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new fs::path(fs::temp_directory_path() /
                        ("fugong-backfill-full-" + std::to_string(getpid())));
    fs::remove_all(*dir_);
    const std::optional<GenerateSummary> generated = GenerateProvinceInto(
        *dir_, {.seed = 21, .enterprises = 150, .from = "2019-12-01", .to = "2020-02-29"});
    ASSERT_TRUE(generated);
    readings_ = new std::vector<std::string>(generated->readings_files);
    // The reference, uninterrupted; and how much it writes to its state, to place failures.
    const std::shared_ptr<WriteLimitedFileSystem> counting = LimitedFs(UINT64_MAX);
    BackfillFiles files = Files("reference");
    files.state_options.file_system = counting;
    Result<BackfillSummary> summary = RunBackfillFromFiles(Config(), files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    reference_ =
        new std::map<std::string, std::string>(ReadIndexRecordsWithoutComputedAt(files.out));
    reference_dead_ = new std::string(ReadFile(files.deadletter));
    state_bytes_ = counting->written();
    // The same with small memtables: how much of it goes into SST files (background flushes).
    const std::shared_ptr<WriteLimitedFileSystem> sst = LimitedFs(UINT64_MAX, ".sst");
    files = Files("reference-small-memtables");
    files.state_options = {.file_system = sst, .write_buffer_bytes = kSmallMemtable};
    summary = RunBackfillFromFiles(Config(), files, nullptr);
    ASSERT_TRUE(summary.ok()) << summary.status().ToString();
    ExpectSameRecords(ReadIndexRecordsWithoutComputedAt(files.out), *reference_);
    sst_bytes_ = sst->written();
  }
  static void TearDownTestSuite() {
    fs::remove_all(*dir_);
    delete dir_;
    delete readings_;
    delete reference_;
    delete reference_dead_;
  }

  static RunConfig Config() {
    Result<RunConfig> config = LoadRunConfig("", {"interval_minutes=60"});
    EXPECT_TRUE(config.ok());
    return *config;
  }
  static BackfillFiles Files(const std::string& name) {
    BackfillFiles files = BackfillFilesFor(*dir_, *readings_, name);
    files.commit_records = 25000;
    return files;
  }

  // Runs a backfill into a state on `limited` until it fails; then again, with space, on the
  // same state: the result must be the reference's.
  void FailThenResume(const std::string& name, std::shared_ptr<WriteLimitedFileSystem> limited,
                      size_t write_buffer_bytes = 0) {
    BackfillFiles files = Files(name);
    files.state_dir = (*dir_ / (name + "-state")).string();
    fs::remove_all(files.state_dir);
    files.state_options = {.file_system = limited, .write_buffer_bytes = write_buffer_bytes};
    Result<BackfillSummary> failed = RunBackfillFromFiles(Config(), files, nullptr);
    ASSERT_FALSE(failed.ok()) << "the disk never filled";
    EXPECT_GT(limited->refused(), 0u);
    const std::string& message = failed.status().message();
    EXPECT_EQ(failed.status().code(), Status::Code::kIOError) << message;
    EXPECT_TRUE(Contains(message, "state write failed in " + files.state_dir));
    EXPECT_TRUE(Contains(message, "No space left on device"));
    EXPECT_TRUE(Contains(message, "run again with the same --state to resume"));
    EXPECT_FALSE(fs::exists(files.out)) << "a failed run published records";

    files.state_options = {};
    Result<BackfillSummary> resumed = RunBackfillFromFiles(Config(), files, nullptr);
    ASSERT_TRUE(resumed.ok()) << resumed.status().ToString();
    ExpectSameRecords(ReadIndexRecordsWithoutComputedAt(files.out), *reference_);
    EXPECT_EQ(ReadFile(files.deadletter), *reference_dead_);
  }

  static constexpr size_t kSmallMemtable = 256 << 10;
  static fs::path* dir_;
  static std::vector<std::string>* readings_;
  static std::map<std::string, std::string>* reference_;
  static std::string* reference_dead_;
  static uint64_t state_bytes_;
  static uint64_t sst_bytes_;
};

fs::path* BackfillFullDisk::dir_ = nullptr;
std::vector<std::string>* BackfillFullDisk::readings_ = nullptr;
std::map<std::string, std::string>* BackfillFullDisk::reference_ = nullptr;
std::string* BackfillFullDisk::reference_dead_ = nullptr;
uint64_t BackfillFullDisk::state_bytes_ = 0;
uint64_t BackfillFullDisk::sst_bytes_ = 0;

TEST_F(BackfillFullDisk, EarlyMidRunAndLateFailuresStopCleanlyAndResumeExactly) {
  ASSERT_GT(state_bytes_, 1u << 20);
  for (const double at : {0.1, 0.5, 0.97}) {
    SCOPED_TRACE("disk full after " + std::to_string(at) + " of the state's bytes");
    FailThenResume("at-" + std::to_string(static_cast<int>(at * 100)),
                   LimitedFs(static_cast<uint64_t>(at * static_cast<double>(state_bytes_))));
  }
}

TEST_F(BackfillFullDisk, AFailedBackgroundFlushStopsCleanlyAndResumesExactly) {
  ASSERT_GT(sst_bytes_, 1u << 20) << "the small memtables were never flushed";
  FailThenResume("flush", LimitedFs(sst_bytes_ / 3, ".sst"), kSmallMemtable);
}

}  // namespace
}  // namespace fugong
