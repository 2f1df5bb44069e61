// SPEC "Per meter and enterprise, per day": coverage, estimation, registers, duplicates and
// corrections, and that they come out the same in memory and through RocksDB merges.
#include <gtest/gtest.h>

#include <filesystem>
#include <map>
#include <memory>

#include "engine/enterprise_day/enterprise_day_energy.h"
#include "engine/meter_day/meter_day_accumulator.h"
#include "engine/meter_day/meter_day_energy.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_store.h"
#include "tests/support/meter_day_state.h"

namespace fugong {
namespace {

Day D(const char* text) {
  Day d;
  EXPECT_TRUE(ParseDate(text, &d));
  return d;
}

MeterDaySummary Intervals(Day day, int received, double kwh_each) {
  MeterDaySummary s;
  s.day = day;
  s.received = received;
  s.interval_sum = static_cast<MicroKwh>(kwh_each * 1e6) * received;
  return s;
}

MeterDaySummary Register(Day day, double value) {
  MeterDaySummary s;
  s.day = day;
  s.has_register = true;
  s.register_start = static_cast<MicroKwh>(value * 1e6);
  return s;
}

TEST(MeterDayEnergyTest, CoverageDecidesEstimatedOrMissing) {
  EngineConfig config;
  const Day d = D("2020-02-16");
  // 70 of 96 intervals: 0.729 < 0.75 -> missing.
  MeterSeries low({Intervals(d, 70, 1.0)}, config);
  EXPECT_EQ(low.EnergyOn(d).status, EnergyStatus::kMissing);
  EXPECT_TRUE(low.EnergyOn(d).reported);
  // 72 of 96: exactly 0.75 -> estimated as sum x 96 / 72.
  MeterSeries edge({Intervals(d, 72, 2.0)}, config);
  EXPECT_EQ(edge.EnergyOn(d).status, EnergyStatus::kEstimated);
  EXPECT_DOUBLE_EQ(edge.EnergyOn(d).kwh, 144.0 * 96 / 72);
  MeterSeries full({Intervals(d, 96, 0.5)}, config);
  EXPECT_EQ(full.EnergyOn(d).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(full.EnergyOn(d).kwh, 48.0);
  // No row at all: missing and not reported.
  EXPECT_EQ(full.EnergyOn(d + 1).status, EnergyStatus::kMissing);
  EXPECT_FALSE(full.EnergyOn(d + 1).reported);
}

TEST(MeterDayEnergyTest, RegisterDifferenceAndRollover) {
  EngineConfig config;
  const Day d = D("2020-02-16");
  MeterSeries m(
      {Register(d, 1000.0), Register(d + 1, 1250.5), Register(d + 2, 3.0), Register(d + 3, 10.0)},
      config);
  EXPECT_EQ(m.EnergyOn(d).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(m.EnergyOn(d).kwh, 250.5);
  EXPECT_EQ(m.EnergyOn(d + 1).status, EnergyStatus::kMissing);  // 3.0 - 1250.5 < 0
  EXPECT_TRUE(m.EnergyOn(d + 1).rollover);
  EXPECT_DOUBLE_EQ(m.EnergyOn(d + 2).kwh, 7.0);
  EXPECT_EQ(m.EnergyOn(d + 3).status, EnergyStatus::kMissing);  // no reading closes it
  EXPECT_TRUE(m.HasDataFor(d + 2));
  EXPECT_FALSE(m.HasDataFor(d + 3));
}

TEST(EnterpriseDayTest, MissingMeterMakesTheDayMissingAndNoReadingIsNotZero) {
  EngineConfig config;
  const Day w_from = D("2019-11-29"), w_to = D("2020-01-09");
  const Day d = D("2020-02-16");
  // Meter A reported in the window and on d; meter B only in the window.
  std::vector<MeterSeries> meters;
  meters.emplace_back(
      std::vector<MeterDaySummary>{Intervals(w_from, 96, 1.0), Intervals(d, 96, 1.0)}, config);
  meters.emplace_back(std::vector<MeterDaySummary>{Intervals(w_from, 96, 2.0)}, config);
  EnterpriseDayEnergies energies(&meters);
  EXPECT_EQ(energies.EnergyOn(w_from, w_from, w_to).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(energies.EnergyOn(w_from, w_from, w_to).kwh, 96.0 + 192.0);
  // On d meter B is silent: E is missing, not 96.
  EXPECT_EQ(energies.EnergyOn(d, w_from, w_to).status, EnergyStatus::kMissing);
  // With a window in which B never reported, B does not count on d.
  EXPECT_EQ(energies.EnergyOn(d, d - 5, d - 1).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(energies.EnergyOn(d, d - 5, d - 1).kwh, 96.0);
  // A day nobody reported on, outside any window: missing.
  EXPECT_EQ(energies.EnergyOn(d + 1, d - 5, d - 1).status, EnergyStatus::kMissing);
}

TEST(MeterDayRecordTest, DuplicatesAndCorrections) {
  MeterDayRecord r;
  r.Reset(96);
  r.ApplyInterval(3, 100);
  r.ApplyInterval(3, 100);  // the same again: nothing changes
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.interval_sum(), 100);
  r.ApplyInterval(3, 150);  // another value: the later one wins
  EXPECT_EQ(r.corrections, 1u);
  EXPECT_EQ(r.interval_sum(), 150);
  EXPECT_EQ(r.received(), 1);
  MeterDayRecord back;
  ASSERT_TRUE(back.Decode(r.Encode()));
  EXPECT_EQ(back.slots, r.slots);
  EXPECT_EQ(back.corrections, 1u);
  EXPECT_EQ(back.duplicates, 1u);
  EXPECT_FALSE(back.Decode("junk"));
}

// The meter-day cursor takes a row's summary from its bytes (Decode) when no day shape is read,
// and from the record decoded whole (Of) when one is: the two must agree, or a day's energy
// would depend on whether shapes are read.
TEST(MeterDaySummaryTest, OfADecodedRecordIsWhatDecodeReadsOfItsBytes) {
  const Day day = D("2020-02-10");
  MeterDayRecord full, sparse, with_register, empty;
  full.Reset(24);
  for (int slot = 0; slot < 24; ++slot) full.ApplyInterval(slot, 1'000'000 + 37'001 * slot);
  sparse.Reset(96);
  sparse.ApplyInterval(5, 250'000);
  sparse.ApplyInterval(5, 260'000);  // a correction
  sparse.ApplyInterval(70, 3);
  sparse.ApplyInterval(70, 3);  // a duplicate
  with_register.Reset(24);
  with_register.ApplyRegister(123'456'789'000);
  with_register.ApplyInterval(23, 42);
  empty.Reset(96);
  for (const MeterDayRecord* record : {&full, &sparse, &with_register, &empty}) {
    const std::string bytes = record->Encode();
    MeterDaySummary read;
    ASSERT_TRUE(MeterDaySummary::Decode(day, bytes, &read));
    MeterDayRecord decoded;
    ASSERT_TRUE(decoded.Decode(bytes));
    const MeterDaySummary of = MeterDaySummary::Of(day, decoded);
    EXPECT_EQ(of.day, read.day);
    EXPECT_EQ(of.received, read.received);
    EXPECT_EQ(of.interval_sum, read.interval_sum);
    EXPECT_EQ(of.has_register, read.has_register);
    EXPECT_EQ(of.register_start, read.register_start);
    EXPECT_EQ(of.corrections, read.corrections);
    EXPECT_EQ(of.duplicates, read.duplicates);
  }
  // Not vacuous: the cases differ in what they carry.
  MeterDaySummary sparse_read;
  ASSERT_TRUE(MeterDaySummary::Decode(day, sparse.Encode(), &sparse_read));
  EXPECT_EQ(sparse_read.received, 2);
  EXPECT_EQ(sparse_read.interval_sum, 260'003);
  EXPECT_EQ(sparse_read.corrections, 1u);
  EXPECT_EQ(sparse_read.duplicates, 1u);
}

using MeterDayStateTest = testing::MeterDayStateFixture;

TEST_F(MeterDayStateTest, BatchesMergeLikeOneStream) {
  const Day d = D("2020-02-16");
  MeterDayAccumulator acc(96);
  bool is_new;
  const uint32_t m = acc.MeterIndex("E1", "M1", &is_new);
  EXPECT_TRUE(is_new);
  acc.Add(m, {d, 0}, 10);
  acc.Add(m, {d, 1}, 20);
  acc.Add(m, {d, -1}, 5000);
  StateBatch b1(store_.get());
  acc.FlushTo(&b1);
  ASSERT_TRUE(store_->Write(&b1).ok());
  // A later batch: a duplicate, a correction, a new slot, a corrected register.
  EXPECT_EQ(acc.MeterIndex("E1", "M1", &is_new), m);
  EXPECT_FALSE(is_new);
  acc.Add(m, {d, 0}, 10);
  acc.Add(m, {d, 1}, 25);
  acc.Add(m, {d, 2}, 30);
  acc.Add(m, {d, -1}, 5001);
  StateBatch b2(store_.get());
  acc.FlushTo(&b2);
  ASSERT_TRUE(store_->Write(&b2).ok());
  const MeterDayRecord r = Read("E1", "M1", d);
  EXPECT_EQ(r.received(), 3);
  EXPECT_EQ(r.interval_sum(), 10 + 25 + 30);
  EXPECT_EQ(r.duplicates, 1u);
  EXPECT_EQ(r.corrections, 2u);  // slot 1 and the register
  EXPECT_EQ(r.register_start, 5001);

  // The same readings in one batch give the same record.
  MeterDayAccumulator one(96);
  const uint32_t m2 = one.MeterIndex("E2", "M1", &is_new);
  for (auto [slot, v] : std::vector<std::pair<int, MicroKwh>>{
           {0, 10}, {1, 20}, {-1, 5000}, {0, 10}, {1, 25}, {2, 30}, {-1, 5001}}) {
    one.Add(m2, {d, slot}, v);
  }
  StateBatch b3(store_.get());
  one.FlushTo(&b3);
  ASSERT_TRUE(store_->Write(&b3).ok());
  EXPECT_EQ(Read("E2", "M1", d).Encode(), r.Encode());
}

// Bulk load: on a fresh state a (meter, day) no earlier flush wrote is a Put, one an earlier flush
// may have written a Merge; the rows read back are those of merges throughout.
TEST_F(MeterDayStateTest, FreshStateWritesNewRowsAsPutsAndRepeatedOnesAsMerges) {
  const Day d = D("2020-02-16");
  MeterDayAccumulator bulk(96);
  bulk.set_fresh_state(true);
  MeterDayAccumulator merging(96);
  bool is_new;
  const auto add = [&](MeterDayAccumulator* acc, const char* meter, Day day, int slot, MicroKwh v) {
    acc->Add(acc->MeterIndex("E1", meter, &is_new), {day, slot}, v);
  };
  const auto flush = [&](MeterDayAccumulator* acc) {
    auto batch = std::make_unique<StateBatch>(store_.get());
    acc->FlushTo(batch.get());
    return batch;
  };
  // First flush: every row is new.
  for (MeterDayAccumulator* acc : {&bulk, &merging}) {
    add(acc, "M1", d, 0, 10);
    add(acc, "M1", d + 1, 0, 11);
    add(acc, "M2", d, -1, 5000);
  }
  std::unique_ptr<StateBatch> b1 = flush(&bulk);
  EXPECT_FALSE(b1->HasMerge());
  EXPECT_EQ(b1->Count(), 3u);
  ASSERT_TRUE(store_->Write(b1.get()).ok());
  // Second flush: M1 on day d again (a correction and a new slot) is a merge; M1's next day
  // and M2's first interval day are new.
  for (MeterDayAccumulator* acc : {&bulk, &merging}) {
    add(acc, "M1", d, 0, 12);
    add(acc, "M1", d, 5, 13);
    add(acc, "M1", d + 2, 0, 14);
    add(acc, "M2", d - 1, 3, 15);
  }
  std::unique_ptr<StateBatch> b2 = flush(&bulk);
  EXPECT_TRUE(b2->HasMerge());
  ASSERT_TRUE(store_->Write(b2.get()).ok());
  const MeterDayRecord r = Read("E1", "M1", d);
  EXPECT_EQ(r.received(), 2);
  EXPECT_EQ(r.corrections, 1u);
  EXPECT_EQ(r.interval_sum(), 12 + 13);

  // The merging accumulator into a state of its own gives the same rows.
  const std::string other = dir_.string() + "-merging";
  std::filesystem::remove_all(other);
  Result<std::unique_ptr<StateStore>> merged = StateStore::Open(other);
  ASSERT_TRUE(merged.ok());
  // (Its two flushes were taken together: the same readings in one batch merge the same way.)
  StateBatch m(merged->get());
  merging.FlushTo(&m);
  EXPECT_TRUE(m.HasMerge());
  ASSERT_TRUE((*merged)->Write(&m).ok());
  std::map<std::string, std::string> bulk_rows, merged_rows;
  for (auto [store, rows] : {std::pair{store_.get(), &bulk_rows}, {merged->get(), &merged_rows}}) {
    std::unique_ptr<rocksdb::Iterator> it = store->NewIterator(Store::kMeterDay);
    for (it->SeekToFirst(); it->Valid(); it->Next()) {
      (*rows)[it->key().ToString()] = it->value().ToString();
    }
  }
  EXPECT_EQ(bulk_rows.size(), 5u);
  EXPECT_EQ(bulk_rows, merged_rows);
  merged->reset();
  std::filesystem::remove_all(other);
}

TEST(KeyCodecTest, KeysSortByDayEnterpriseMeter) {
  // A day's rows are one contiguous range (a close reads one day), in enterprise-id order.
  EXPECT_LT(MeterDayKey("E9", "M9", 99), MeterDayKey("E1", "M1", 100));
  EXPECT_LT(MeterDayKey("E1", "M1", -5), MeterDayKey("E1", "M1", 3));
  EXPECT_LT(MeterDayKey("E1", "M9", 100), MeterDayKey("E10", "M1", 100));
  EXPECT_LT(MeterDayKey("E1", "M1", 3), MeterDayKey("E1", "M2", 3));
  EXPECT_LE(MeterDayPrefix(100, "E1"), MeterDayKey("E1", "M1", 100));
  EXPECT_GT(MeterDayPrefix(100, "E2"), MeterDayKey("E1", "M9", 100));
  EXPECT_EQ(LeadingDay(MeterDayKey("E1", "M1", -7)), -7);
  MeterDayKeyParts parts;
  ASSERT_TRUE(ParseMeterDayKey(MeterDayKey("E7", "M:3", D("2020-02-16")), &parts));
  EXPECT_EQ(parts.enterprise, "E7");
  EXPECT_EQ(parts.meter, "M:3");
  EXPECT_EQ(FormatDate(parts.day), "2020-02-16");
}

}  // namespace
}  // namespace fugong

namespace fugong {
namespace {

TEST(MeterDayEnergyDaylightSavingTest, ExpectedIntervalsFollowTheDayLength) {
  EngineConfig config;
  ASSERT_TRUE(ApplyConfigYaml("timezone: Europe/London\ninterval_minutes: 60\n", &config).ok());
  const Day autumn = D("2020-10-25"), spring = D("2020-03-29");
  // 25 hourly readings make the long day complete; 24 would make it estimated.
  MeterSeries long_day({Intervals(autumn, 25, 1.0)}, config);
  EXPECT_EQ(long_day.EnergyOn(autumn).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(long_day.EnergyOn(autumn).kwh, 25.0);
  MeterSeries short_of_long({Intervals(autumn, 24, 1.0)}, config);
  EXPECT_EQ(short_of_long.EnergyOn(autumn).status, EnergyStatus::kEstimated);
  EXPECT_DOUBLE_EQ(short_of_long.EnergyOn(autumn).kwh, 25.0);
  MeterSeries short_day({Intervals(spring, 23, 1.0)}, config);
  EXPECT_EQ(short_day.EnergyOn(spring).status, EnergyStatus::kComplete);
  EXPECT_DOUBLE_EQ(short_day.EnergyOn(spring).kwh, 23.0);
}

}  // namespace
}  // namespace fugong
