#include "engine/state/state_store.h"

#include <gtest/gtest.h>

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

}  // namespace
}  // namespace fugong
