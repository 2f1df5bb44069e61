// The published index as a global table (issue 12): records read from the index topic go into
// group_day only when newer than what it holds, the positions are kept with them, and an
// instance that took a group-day over from another continues its revisions.
#include "engine/publish/index_topic_follower.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"
#include "tests/support/fresh_state.h"

namespace fugong {
namespace {

using IndexTopicFollowerTest = testing::FreshStateFixture;

constexpr char kKey[] = "2020-02-18|county|330102";

std::string Content(const std::string& composite, const std::string& code = "330102") {
  return "{\"date\":\"2020-02-18\",\"level\":\"county\",\"code\":\"" + code +
         "\",\"composite\":" + composite;
}

std::string Record(const std::string& composite, uint32_t revision, EpochSeconds at,
                   const std::string& code = "330102") {
  return FinishIndexRecord(Content(composite, code), revision, at);
}

LogRecord Message(int32_t partition, int64_t offset, const std::string& key,
                  std::optional<std::string> value) {
  return LogRecord{partition, offset, key, std::move(value)};
}

PublishedRecord Held(StateStore* state, const std::string& key) {
  std::string stored;
  PublishedRecord r;
  EXPECT_TRUE(state->Get(Store::kGroupDay, key, &stored).ok()) << key;
  EXPECT_TRUE(r.Decode(stored));
  return r;
}

TEST(PublishedRecordTest, FromIndexRecordIsFinishIndexRecordsInverse) {
  const std::string record = Record("45.1200", 3, 1582000000);
  PublishedRecord r;
  ASSERT_TRUE(r.FromIndexRecord(record));
  EXPECT_EQ(r.revision, 3u);
  EXPECT_EQ(r.computed_at, 1582000000);
  EXPECT_EQ(r.content, Content("45.1200"));
  for (const std::string& bad :
       {std::string("{}"), record.substr(0, record.size() - 1), record + " ",
        Content("1") + ",\"revision\":03,\"computed_at\":\"2020-02-18T04:26:40Z\"}",
        Content("1") + ",\"revision\":,\"computed_at\":\"2020-02-18T04:26:40Z\"}",
        Content("1") + ",\"revision\":3,\"computed_at\":\"yesterday\"}",
        Content("1") + ",\"revision\":3}"}) {
    EXPECT_FALSE(r.FromIndexRecord(bad)) << bad;
  }
}

TEST_F(IndexTopicFollowerTest, NewerRevisionsAreWrittenOlderOnesAndConflictsAreNot) {
  IndexTopicFollower follower(store_.get(), "fugong.index.daily");
  std::vector<std::pair<std::string, std::string>> current;
  ASSERT_TRUE(
      follower
          .Apply({Message(0, 0, kKey, Record("40.0000", 1, 100)),
                  Message(0, 1, kKey, Record("41.0000", 2, 200)),
                  Message(1, 0, "2020-02-18|county|330103", Record("50.0000", 1, 100, "330103"))},
                 &current)
          .ok());
  EXPECT_EQ(follower.counts().applied, 3u);
  EXPECT_EQ(current.size(), 3u);
  EXPECT_EQ(Held(store_.get(), kKey).revision, 2u);
  EXPECT_EQ(Held(store_.get(), kKey).content, Content("41.0000"));

  current.clear();
  ASSERT_TRUE(follower
                  .Apply({Message(0, 2, kKey, Record("40.0000", 1, 100)),   // stale
                          Message(0, 3, kKey, Record("41.0000", 2, 200)),   // the same again
                          Message(0, 4, kKey, Record("99.0000", 2, 300)),   // conflict
                          Message(0, 5, kKey, std::nullopt),                // tombstone
                          Message(0, 6, "x", std::string("not a record")),  // bad
                          Message(0, 7, "2020-02-18|county|330199",         // not its key
                                  Record("77.0000", 9, 300))},
                         &current)
                  .ok());
  const FollowCounts& c = follower.counts();
  EXPECT_EQ(c.stale, 1u);
  EXPECT_EQ(c.unchanged, 1u);
  EXPECT_EQ(c.conflicts, 1u);
  EXPECT_EQ(c.bad, 3u);
  std::string planted;
  EXPECT_EQ(store_->Get(Store::kGroupDay, "2020-02-18|county|330199", &planted).code(),
            Status::Code::kNotFound)
      << "a record under another key is not written";
  ASSERT_EQ(current.size(), 1u) << "the unchanged record is current, the others are not";
  EXPECT_EQ(current[0].second, Record("41.0000", 2, 200));
  EXPECT_EQ(Held(store_.get(), kKey).content, Content("41.0000")) << "the conflict is not written";
}

TEST_F(IndexTopicFollowerTest, PositionsAreKeptWithTheRecordsAndARestartResumesThere) {
  {
    IndexTopicFollower follower(store_.get(), "fugong.index.daily");
    ASSERT_TRUE(follower
                    .Apply({Message(0, 0, kKey, Record("40.0000", 1, 100)),
                            Message(3, 7, kKey, Record("41.0000", 2, 200))},
                           nullptr)
                    .ok());
  }
  IndexTopicFollower again(store_.get(), "fugong.index.daily");
  Result<std::map<int32_t, int64_t>> positions = again.Positions();
  ASSERT_TRUE(positions.ok());
  EXPECT_EQ(*positions, (std::map<int32_t, int64_t>{{0, 1}, {3, 8}}));
  // Delivered again from before the positions: skipped, not even counted.
  EXPECT_TRUE(again.applied_positions().empty()) << "nothing applied yet";
  ASSERT_TRUE(again.Apply({Message(3, 7, kKey, Record("41.0000", 2, 200))}, nullptr).ok());
  EXPECT_EQ(again.counts().read, 0u);
  // What the service's follower thread checks its catch-up against: the stored positions.
  EXPECT_EQ(again.applied_positions(), *positions);
  ASSERT_TRUE(again.Apply({Message(3, 8, kKey, Record("42.0000", 3, 300))}, nullptr).ok());
  EXPECT_EQ(again.applied_positions(), (std::map<int32_t, int64_t>{{0, 1}, {3, 9}}));
  EXPECT_EQ(*again.Positions(), again.applied_positions());
  // Another topic's positions are its own.
  IndexTopicFollower other(store_.get(), "other.topic");
  EXPECT_TRUE(other.Positions()->empty());
}

// A group-day this instance takes over: what the previous owner published is in group_day from
// the topic, so the publisher keeps its bytes when the content is the same and gives the next
// revision when it changed -- never a second revision 1.
TEST_F(IndexTopicFollowerTest, ThePublisherContinuesTheRevisionsItFollowed) {
  IndexTopicFollower follower(store_.get(), "fugong.index.daily");
  ASSERT_TRUE(follower
                  .Apply({Message(0, 0, kKey, Record("40.0000", 1, 100)),
                          Message(0, 1, kKey, Record("41.0000", 2, 200))},
                         nullptr)
                  .ok());
  IndexPublisher publisher(store_.get(), 999);
  StateBatch batch(store_.get());
  std::string record;
  Result<bool> same = publisher.Publish(kKey, Content("41.0000"), &batch, &record);
  ASSERT_TRUE(same.ok());
  EXPECT_FALSE(*same);
  EXPECT_EQ(record, Record("41.0000", 2, 200));
  Result<bool> changed = publisher.Publish(kKey, Content("42.0000"), &batch, &record);
  ASSERT_TRUE(changed.ok());
  EXPECT_TRUE(*changed);
  EXPECT_EQ(record, Record("42.0000", 3, 999));
}

}  // namespace
}  // namespace fugong
