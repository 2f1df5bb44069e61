// The changelog tap and the restore side of a task's state (engine/job/task_changelog.h): only
// the logged stores' rows of held tasks are marked, the outbox sends each as the row is at the
// send (or a tombstone), a wipe removes one task's rows and nothing else, and a restore applies
// records with the positions after them.
#include "engine/job/task_changelog.h"

#include <gtest/gtest.h>

#include "engine/job/outbox.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/state/key_codec.h"
#include "tests/support/fresh_state.h"

namespace fugong {
namespace {

constexpr char kReadings[] = "fugong.readings";

class TaskChangelogTest : public testing::FreshStateFixture {
 protected:
  void SetUp() override {
    FreshStateFixture::SetUp();
    sender_.emplace(store_.get(), 3);
    // e1 reads on partition 0, e2 on partition 1.
    StateBatch batch(store_.get());
    sender_->Note("e1", 0, &batch);
    sender_->Note("e2", 1, &batch);
    ASSERT_TRUE(store_->Write(&batch).ok());
    sender_->ApplyNoted();
    changelog_.emplace(store_.get(), &*sender_, kReadings);
    store_->SetWriteTap(&*changelog_);
  }
  void TearDown() override {
    store_->SetWriteTap(nullptr);
    FreshStateFixture::TearDown();
  }
  std::vector<OutboxRecord> Changelog() {
    std::vector<OutboxRecord> out;
    EXPECT_TRUE(ReadChangelogRecords(*store_, {}, 1000, &out).ok());
    return out;
  }
  // What a send's acknowledgement does: markers not marked again since go.
  void Sent(const std::vector<OutboxRecord>& sent) {
    StateBatch batch(store_.get());
    ASSERT_TRUE(DeleteSentChangelogMarkers(*store_, sent, &batch).ok());
    ASSERT_TRUE(store_->Write(&batch).ok());
  }

  // A meter-day row as the state holds it: 96 slots, one of them with `micro_kwh`.
  static std::string MeterDayRow(MicroKwh micro_kwh) {
    MeterDayRecord record;
    record.Reset(96);
    record.ApplyInterval(10, micro_kwh);
    return record.Encode();
  }

  std::optional<TaskPartialsSender> sender_;
  std::optional<TaskChangelog> changelog_;
};

TEST_F(TaskChangelogTest, MarksOnlyTheLoggedRowsOfHeldTasksAndSendsThemAsTheyAreAtTheSend) {
  changelog_->SetLogged({0});
  const Day day = 18300;
  StateBatch batch(store_.get());
  batch.Put(Store::kMeterDay, MeterDayKey("e1", "m1", day), "row-e1");
  batch.Put(Store::kMeterDay, MeterDayKey("e2", "m2", day), "row-e2");  // task 1: not held
  batch.Put(Store::kProgress, ProgressKey(kReadings, 0), "p0");
  batch.Put(Store::kProgress, ProgressKey(kReadings, 1), "p1");
  batch.Put(Store::kProgress, ProgressKey("fugong.index.daily", 0), "i0");   // not a task's
  batch.Put(Store::kEnterpriseDay, EnterpriseDayKey("e1", day), "derived");  // not logged
  batch.Put(Store::kGroupDay, "2020-02-01|county|330102", "{}");
  ASSERT_TRUE(store_->Write(&batch).ok());
  // A later change before the send: the send has the row as it is then.
  StateBatch later(store_.get());
  later.Put(Store::kMeterDay, MeterDayKey("e1", "m1", day), "row-e1-v2");
  ASSERT_TRUE(store_->Write(&later).ok());
  // The other outbox records do not include them.
  std::vector<OutboxRecord> others;
  ASSERT_TRUE(ReadOutbox(*store_, 1000, &others).ok());
  EXPECT_TRUE(others.empty());

  const std::vector<OutboxRecord> records = Changelog();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].store, ChangelogStore::kMeterDay);
  EXPECT_EQ(records[0].partition, 0);
  EXPECT_EQ(records[0].key, MeterDayKey("e1", "m1", day));
  EXPECT_EQ(records[0].value, std::string(1, kChangelogFormat) + "row-e1-v2");
  EXPECT_FALSE(records[0].tombstone);
  // The progress row sorts after the task's other rows.
  EXPECT_EQ(records[1].store, ChangelogStore::kProgress);
  EXPECT_EQ(records[1].key, ProgressKey(kReadings, 0));

  // Marked again while the send is in flight: its acknowledgement leaves that marker.
  StateBatch again(store_.get());
  again.Put(Store::kMeterDay, MeterDayKey("e1", "m1", day), "row-e1-v3");
  ASSERT_TRUE(store_->Write(&again).ok());
  Sent(records);
  const std::vector<OutboxRecord> left = Changelog();
  ASSERT_EQ(left.size(), 1u);
  EXPECT_EQ(left[0].value, std::string(1, kChangelogFormat) + "row-e1-v3");
  Sent(left);
  EXPECT_TRUE(Changelog().empty());

  StateBatch gone(store_.get());
  gone.Delete(Store::kMeterDay, MeterDayKey("e1", "m1", day));
  ASSERT_TRUE(store_->Write(&gone).ok());
  const std::vector<OutboxRecord> deleted = Changelog();
  ASSERT_EQ(deleted.size(), 1u);
  EXPECT_TRUE(deleted[0].tombstone);
}

TEST_F(TaskChangelogTest, AWipeRemovesOneTasksRowsAndARestoreBringsThemBackWithPositions) {
  const Day day = 18300;
  StateBatch batch(store_.get());
  batch.Put(Store::kMeterDay, MeterDayKey("e1", "m1", day), "row-e1");
  batch.Put(Store::kMeterDay, MeterDayKey("e2", "m2", day), "row-e2");
  batch.Put(Store::kProgress, ProgressKey(kReadings, 1), "p1");
  ASSERT_TRUE(store_->Write(&batch).ok());
  changelog_->SetLogged({1});
  StateBatch marked(store_.get());  // a change not sent yet
  marked.Put(Store::kMeterDay, MeterDayKey("e2", "m2", day), "row-e2-v2");
  ASSERT_TRUE(store_->Write(&marked).ok());
  ASSERT_EQ(Changelog().size(), 1u);
  EXPECT_FALSE(changelog_->Wipe({1}).ok()) << "a held task is never wiped";
  changelog_->SetLogged({});
  ASSERT_TRUE(changelog_->Wipe({1}).ok());
  EXPECT_TRUE(Changelog().empty()) << "a wiped row's marker would send a tombstone";
  std::string value;
  EXPECT_FALSE(store_->Get(Store::kMeterDay, MeterDayKey("e2", "m2", day), &value).ok());
  EXPECT_FALSE(store_->Get(Store::kProgress, ProgressKey(kReadings, 1), &value).ok());
  EXPECT_FALSE(store_->Get(Store::kMeta, std::string("task\0e2", 7), &value).ok());
  EXPECT_TRUE(store_->Get(Store::kMeterDay, MeterDayKey("e1", "m1", day), &value).ok());
  EXPECT_TRUE(store_->Get(Store::kMeta, std::string("task\0e1", 7), &value).ok());
  EXPECT_FALSE(changelog_->Positions(1).has_value());

  RestoredTask restored;
  const std::string row = std::string(1, kChangelogFormat) + MeterDayRow(7);
  std::vector<LogRecord> records(3);
  records[0] = {1, 0, MeterDayKey("e2", "m2", day), row};
  records[1] = {1, 1, MeterDayKey("e2", "m3", day + 2), row};
  records[2] = {1, 2, MeterDayKey("e2", "m3", day + 2), std::nullopt};  // then deleted
  ASSERT_TRUE(changelog_->Apply(1, ChangelogStore::kMeterDay, records, 3, &restored).ok());
  ASSERT_TRUE(store_->Get(Store::kMeterDay, MeterDayKey("e2", "m2", day), &value).ok());
  EXPECT_EQ(value, MeterDayRow(7));
  EXPECT_FALSE(store_->Get(Store::kMeterDay, MeterDayKey("e2", "m3", day + 2), &value).ok());
  EXPECT_EQ(restored.records, 3u);
  ASSERT_EQ(restored.meter_days.size(), 2u);
  EXPECT_EQ(restored.meter_days[0], std::make_pair(std::string("e2"), day));
  EXPECT_EQ(restored.day_span, std::make_pair(day, day + 2));
  const std::optional<ChangelogPositions> positions = changelog_->Positions(1);
  ASSERT_TRUE(positions.has_value());
  EXPECT_EQ((*positions)[0], 3);
  EXPECT_EQ((*positions)[2], 0);

  // A record in a format this version does not read is an error, not a silent skip.
  std::vector<LogRecord> bad = {{1, 3, MeterDayKey("e2", "m2", day), std::string("9x")}};
  EXPECT_EQ(changelog_->Apply(1, ChangelogStore::kMeterDay, bad, 4, &restored).code(),
            Status::Code::kCorruption);
  // Nor is a held task restored over.
  changelog_->SetLogged({1});
  EXPECT_FALSE(changelog_->Apply(1, ChangelogStore::kMeterDay, records, 3, &restored).ok());
  // Released: logged no more; its positions stay (nothing here changes its logged rows).
  changelog_->Release(1);
  EXPECT_FALSE(changelog_->logged(1));
  EXPECT_TRUE(changelog_->Positions(1).has_value());
  StateBatch unlogged(store_.get());
  unlogged.Put(Store::kMeterDay, MeterDayKey("e2", "m2", day), "changed-while-not-held");
  ASSERT_TRUE(store_->Write(&unlogged).ok());
  EXPECT_TRUE(Changelog().empty()) << "a task not held is not logged";
}

// A restore takes in only what task 0_<task> could have written: a record of another task's or
// group's changelog (a topic mixed up by hand, a wrong partition count), or a damaged one, stops
// it with the record's offset and changes nothing, rather than entering the state and failing
// far from its cause (a meter-day that does not decode at a close, a task row of another task).
TEST_F(TaskChangelogTest, ARestoreRefusesWhatIsNotARowOfTheTaskAndAppliesNothingOfTheBatch) {
  const Day day = 18300;
  const auto put = [](int64_t offset, std::string key, std::string value) {
    return LogRecord{1, offset, std::move(key), std::string(1, kChangelogFormat) + value};
  };
  const auto tombstone = [](int64_t offset, std::string key) {
    return LogRecord{1, offset, std::move(key), std::nullopt};
  };
  std::string le1(4, '\0');  // little-endian 1: a task row naming task 1
  le1[0] = 1;
  std::string le0(4, '\0');
  std::string span_key = std::string("pspan\0", 6) + le1;
  struct Case {
    ChangelogStore store;
    LogRecord bad;
    std::string says;
  };
  const std::vector<Case> cases = {
      {ChangelogStore::kMeterDay, put(5, "not-a-meter-day-key", MeterDayRow(1)),
       "not a meter-day's"},
      {ChangelogStore::kMeterDay, put(5, MeterDayKey("e2", "m2", day), "garbage"),
       "not a meter-day record"},
      {ChangelogStore::kMeterDay, tombstone(5, "not-a-meter-day-key"), "not a meter-day's"},
      {ChangelogStore::kTask, put(5, std::string("task\0e9", 7), le0), "of this task"},
      {ChangelogStore::kTask, put(5, std::string("pspan\0", 6) + le0, std::string(8, '\0')),
       "of this task"},
      {ChangelogStore::kTask, put(5, span_key, "short"), "of this task"},
      {ChangelogStore::kTask, put(5, "closed_through", le1), "of this task"},
      {ChangelogStore::kProgress, put(5, ProgressKey(kReadings, 2), std::string(16, '\0')),
       "not the progress of fugong.readings[1]"},
      {ChangelogStore::kProgress, put(5, ProgressKey("other.readings", 1), std::string(16, '\0')),
       "not the progress of fugong.readings[1]"},
      {ChangelogStore::kProgress, put(5, ProgressKey(kReadings, 1), "short"), "too short"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.says + " in " + std::string(ChangelogStoreName(c.store)));
    // A good record first: the whole batch is refused, the good one too.
    std::vector<LogRecord> records;
    if (c.store == ChangelogStore::kMeterDay) {
      records.push_back(put(4, MeterDayKey("e2", "m4", day), MeterDayRow(3)));
    } else if (c.store == ChangelogStore::kTask) {
      records.push_back(put(4, std::string("task\0e5", 7), le1));
    } else {
      records.push_back(put(4, ProgressKey(kReadings, 1), std::string(16, '\0')));
    }
    records.push_back(c.bad);
    RestoredTask restored;
    const Status status = changelog_->Apply(1, c.store, records, 6, &restored);
    EXPECT_EQ(status.code(), Status::Code::kCorruption);
    EXPECT_NE(status.ToString().find("offset 5 of the " + std::string(ChangelogStoreName(c.store)) +
                                     " changelog of task 0_1"),
              std::string::npos)
        << status.ToString();
    EXPECT_NE(status.ToString().find(c.says), std::string::npos) << status.ToString();
    std::string value;
    EXPECT_FALSE(store_->Get(Store::kMeterDay, MeterDayKey("e2", "m4", day), &value).ok());
    EXPECT_FALSE(store_->Get(Store::kMeta, std::string("task\0e5", 7), &value).ok());
    EXPECT_FALSE(store_->Get(Store::kProgress, ProgressKey(kReadings, 1), &value).ok());
    EXPECT_FALSE(changelog_->Positions(1).has_value());
  }
  // The same shapes, right, are taken: a task row and span of task 1, their tombstones.
  RestoredTask restored;
  EXPECT_TRUE(
      changelog_
          ->Apply(1, ChangelogStore::kTask,
                  {put(0, std::string("task\0e5", 7), le1), put(1, span_key, std::string(8, '\0')),
                   tombstone(2, span_key), tombstone(3, std::string("task\0e5", 7))},
                  4, &restored)
          .ok());
  EXPECT_EQ(restored.records, 4u);
}

}  // namespace
}  // namespace fugong
