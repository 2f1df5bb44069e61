#include "engine/state/state_store.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace fugong {
namespace {

namespace fs = std::filesystem;

class StateStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = fs::temp_directory_path() /
           ("fugong-state-store-test-" + std::to_string(getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    fs::remove_all(dir_);
    Result<std::unique_ptr<StateStore>> state = StateStore::Open(dir_.string());
    ASSERT_TRUE(state.ok()) << state.status().ToString();
    state_ = std::move(state).value();
  }
  void TearDown() override {
    state_.reset();
    fs::remove_all(dir_);
  }

  fs::path dir_;
  std::unique_ptr<StateStore> state_;
};

// The count a reader of an empty store compares with (the service's outbox drain): it moves with
// every write that puts or merges into the store, appended batches included, and with nothing
// else.
TEST_F(StateStoreTest, CountsTheWritesThatAddToEachStore) {
  EXPECT_EQ(state_->WritesAddingTo(Store::kOutbox), 0u);
  StateBatch put(state_.get());
  put.Put(Store::kOutbox, "a", "1");
  ASSERT_TRUE(state_->Write(&put).ok());
  EXPECT_EQ(state_->WritesAddingTo(Store::kOutbox), 1u);
  EXPECT_EQ(state_->WritesAddingTo(Store::kStats), 0u);

  StateBatch other(state_.get());
  other.Delete(Store::kOutbox, "a");
  other.Put(Store::kStats, "s", "2");
  ASSERT_TRUE(state_->Write(&other).ok());
  EXPECT_EQ(state_->WritesAddingTo(Store::kOutbox), 1u) << "a delete adds nothing";
  EXPECT_EQ(state_->WritesAddingTo(Store::kStats), 1u);

  StateBatch merged(state_.get());
  StateBatch appended(state_.get());
  appended.Put(Store::kOutbox, "b", "3");
  merged.Append(appended);
  ASSERT_TRUE(state_->Write(&merged).ok());
  EXPECT_EQ(state_->WritesAddingTo(Store::kOutbox), 2u) << "an appended batch's puts count";

  merged.Clear();
  merged.Delete(Store::kOutbox, "b");
  ASSERT_TRUE(state_->Write(&merged).ok());
  EXPECT_EQ(state_->WritesAddingTo(Store::kOutbox), 2u) << "Clear forgets what was added";
}

}  // namespace
}  // namespace fugong
