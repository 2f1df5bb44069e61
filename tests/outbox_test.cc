#include <gtest/gtest.h>
#include <rocksdb/perf_context.h>
#include <rocksdb/perf_level.h>
#include <unistd.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/job/outbox.h"
#include "engine/state/state_store.h"

namespace fugong {
namespace {

// Tombstones of sent records that an outbox read steps over (RocksDB's own count).
uint64_t DeletesSkippedByARead(const StateStore& state, std::vector<OutboxRecord>* out) {
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kEnableCount);
  rocksdb::get_perf_context()->Reset();
  EXPECT_TRUE(ReadOutbox(state, 100, out).ok());
  const uint64_t skipped = rocksdb::get_perf_context()->internal_delete_skipped_count;
  rocksdb::SetPerfLevel(rocksdb::PerfLevel::kDisable);
  return skipped;
}

// A drain reads the outbox from its first key: the records sent and deleted stay in its way as
// tombstones until the outbox is compacted, which StateStore::Compact does (StreamJob::Delivered
// calls it every 100,000 deletions).
TEST(OutboxTest, CompactingTheOutboxDropsTheTombstonesOfSentRecords) {
  const auto dir =
      std::filesystem::temp_directory_path() / ("fugong-outbox-" + std::to_string(getpid()));
  std::filesystem::remove_all(dir);
  {
    auto opened = StateStore::Open(dir.string());
    ASSERT_TRUE(opened.ok()) << opened.status().ToString();
    StateStore& state = **opened;
    StateBatch batch(&state);
    for (int i = 0; i < 1000; ++i) {
      PutIndexRecord(&batch, "2020-02-" + std::to_string(10000 + i) + "|county|330102", "{}");
    }
    PutIndexRecord(&batch, "2020-03-01|county|330102", "{\"last\":1}");
    ASSERT_TRUE(state.Write(&batch).ok());

    std::vector<OutboxRecord> sent;
    ASSERT_TRUE(ReadOutbox(state, 1000, &sent).ok());
    ASSERT_EQ(sent.size(), 1000u);
    StateBatch deletes(&state);
    DeleteFromOutbox(&deletes, sent);
    ASSERT_TRUE(state.Write(&deletes).ok());

    std::vector<OutboxRecord> left;
    EXPECT_EQ(DeletesSkippedByARead(state, &left), 1000u);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].value, "{\"last\":1}");

    ASSERT_TRUE(state.Compact(Store::kOutbox).ok());
    EXPECT_EQ(DeletesSkippedByARead(state, &left), 0u);
    ASSERT_EQ(left.size(), 1u);
    EXPECT_EQ(left[0].key, "2020-03-01|county|330102");
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace fugong
