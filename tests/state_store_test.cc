#include "engine/state/state_store.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <set>
#include <string>

#include "tests/support/fresh_state.h"

namespace fugong {
namespace {

using StateStoreTest = testing::FreshStateFixture;

// The count a reader of an empty store compares with (the service's outbox drain): it moves with
// every write that puts or merges into the store, appended batches included, and with nothing
// else.
TEST_F(StateStoreTest, CountsTheWritesThatAddToEachStore) {
  EXPECT_EQ(store_->WritesAddingTo(Store::kOutbox), 0u);
  StateBatch put(store_.get());
  put.Put(Store::kOutbox, "a", "1");
  ASSERT_TRUE(store_->Write(&put).ok());
  EXPECT_EQ(store_->WritesAddingTo(Store::kOutbox), 1u);
  EXPECT_EQ(store_->WritesAddingTo(Store::kStats), 0u);

  StateBatch other(store_.get());
  other.Delete(Store::kOutbox, "a");
  other.Put(Store::kStats, "s", "2");
  ASSERT_TRUE(store_->Write(&other).ok());
  EXPECT_EQ(store_->WritesAddingTo(Store::kOutbox), 1u) << "a delete adds nothing";
  EXPECT_EQ(store_->WritesAddingTo(Store::kStats), 1u);

  StateBatch merged(store_.get());
  StateBatch appended(store_.get());
  appended.Put(Store::kOutbox, "b", "3");
  merged.Append(appended);
  ASSERT_TRUE(store_->Write(&merged).ok());
  EXPECT_EQ(store_->WritesAddingTo(Store::kOutbox), 2u) << "an appended batch's puts count";

  merged.Clear();
  merged.Delete(Store::kOutbox, "b");
  ASSERT_TRUE(store_->Write(&merged).ok());
  EXPECT_EQ(store_->WritesAddingTo(Store::kOutbox), 2u) << "Clear forgets what was added";
}

// A reader beside the writer (`fugong bulletin --state` next to a running service): it sees what
// was written before it opened, writes nothing, and leaves the directory as it was.
TEST_F(StateStoreTest, ReadOnlyOpenReadsBesideTheWriterAndWritesNothing) {
  StateBatch batch(store_.get());
  batch.Put(Store::kGroupDay, "2020-02-18|county|330102", "record");
  ASSERT_TRUE(store_->Write(&batch).ok());
  std::set<std::string> files_before;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    files_before.insert(entry.path().filename().string());
  }

  StateStoreOptions options;
  options.read_only = true;
  Result<std::unique_ptr<StateStore>> reader = StateStore::Open(dir_.string(), options);
  ASSERT_TRUE(reader.ok()) << reader.status().ToString();
  std::string value;
  ASSERT_TRUE((*reader)->Get(Store::kGroupDay, "2020-02-18|county|330102", &value).ok());
  EXPECT_EQ(value, "record");
  StateBatch attempt(reader->get());
  attempt.Put(Store::kGroupDay, "x", "y");
  EXPECT_FALSE((*reader)->Write(&attempt).ok());
  reader->reset();

  std::set<std::string> files_after;
  for (const auto& entry : std::filesystem::directory_iterator(dir_)) {
    files_after.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files_after, files_before);

  // No state there: an error, and nothing made.
  const std::filesystem::path nowhere = dir_ / "nothing";
  reader = StateStore::Open(nowhere.string(), options);
  EXPECT_FALSE(reader.ok());
  EXPECT_FALSE(std::filesystem::exists(nowhere));
}

}  // namespace
}  // namespace fugong
