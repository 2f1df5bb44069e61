// The meter-day record's encoding (version 2: flags, no bitmap when every slot is there, values
// divided by their common power of ten) and its reading of version 1, the encoding of states
// written before; and that RocksDB merges mix the two with the same rules (the later value wins
// and counts as a correction, the same value again is a duplicate).
#include <gtest/gtest.h>

#include <filesystem>
#include <string>
#include <vector>

#include "engine/meter_day/meter_day_accumulator.h"
#include "engine/meter_day/meter_day_cursor.h"
#include "engine/meter_day/meter_day_record.h"
#include "engine/state/key_codec.h"
#include "engine/state/state_store.h"
#include "tests/support/meter_day_state.h"

namespace fugong {
namespace {

// Version 1 as the engine wrote it before version 2: a register byte, always a bitmap, the
// values unscaled.
void PutVarint(uint64_t v, std::string* out) {
  while (v >= 0x80) {
    out->push_back(static_cast<char>(v | 0x80));
    v >>= 7;
  }
  out->push_back(static_cast<char>(v));
}

std::string EncodeVersion1(const MeterDayRecord& r) {
  std::string out(1, '\x01');
  const int n = r.intervals_per_day();
  PutVarint(static_cast<uint64_t>(n), &out);
  PutVarint(r.corrections, &out);
  PutVarint(r.duplicates, &out);
  out.push_back(r.has_register ? 1 : 0);
  if (r.has_register) PutVarint(static_cast<uint64_t>(r.register_start), &out);
  const size_t bitmap_at = out.size();
  out.append(static_cast<size_t>((n + 7) / 8), '\0');
  for (int i = 0; i < n; ++i) {
    if (r.slots[i] == MeterDayRecord::kAbsent) continue;
    out[bitmap_at + i / 8] = static_cast<char>(out[bitmap_at + i / 8] | (1 << (i % 8)));
    PutVarint(static_cast<uint64_t>(r.slots[i]), &out);
  }
  return out;
}

// Whether slot values add up without overflowing (the `huge` shape does not).
bool SumFits(const MeterDayRecord& r) {
  MicroKwh sum = 0;
  for (MicroKwh v : r.slots) {
    if (v != MeterDayRecord::kAbsent && __builtin_add_overflow(sum, v, &sum)) return false;
  }
  return true;
}

// DecodeTotals reads what Decode reads, less the slots: their count and sum.
void ExpectTotals(const std::string& bytes, const MeterDayRecord& r) {
  MeterDayRecord totals;
  int received = -1;
  MicroKwh sum = -1;
  ASSERT_TRUE(totals.DecodeTotals(bytes, &received, &sum));
  EXPECT_EQ(received, r.received());
  if (SumFits(r)) EXPECT_EQ(sum, r.interval_sum());
  EXPECT_EQ(totals.has_register, r.has_register);
  EXPECT_EQ(totals.register_start, r.register_start);
  EXPECT_EQ(totals.corrections, r.corrections);
  EXPECT_EQ(totals.duplicates, r.duplicates);
}

void ExpectSame(const MeterDayRecord& a, const MeterDayRecord& b) {
  EXPECT_EQ(a.slots, b.slots);
  EXPECT_EQ(a.has_register, b.has_register);
  EXPECT_EQ(a.register_start, b.register_start);
  EXPECT_EQ(a.corrections, b.corrections);
  EXPECT_EQ(a.duplicates, b.duplicates);
}

// Records of every shape: full and partial days, values with 0 to 6 trailing decimal zeros (and
// whole kWh), zeros, huge values, a register, counters, and the longest day there is.
std::vector<MeterDayRecord> Shapes() {
  std::vector<MeterDayRecord> out;
  const MicroKwh steps[] = {1, 10, 100, 1000, 10000, 100000, 1000000, 7, 250};
  for (MicroKwh step : steps) {
    for (int present_every : {1, 2, 5}) {
      MeterDayRecord r;
      r.Reset(96);
      for (int i = 0; i < 96; i += present_every) r.slots[i] = step * (i * 37 % 1001);
      out.push_back(r);
    }
  }
  MeterDayRecord empty;
  empty.Reset(24);
  out.push_back(empty);
  MeterDayRecord reg;
  reg.Reset(24);
  reg.ApplyRegister(123456789012);
  reg.ApplyRegister(123456789013);
  reg.ApplyInterval(0, 5000);
  reg.ApplyInterval(0, 5000);
  out.push_back(reg);
  MeterDayRecord huge;
  huge.Reset(4);
  huge.slots = {0, INT64_MAX / 1000 * 1000, INT64_MAX, 1000000000000000};
  out.push_back(huge);
  MeterDayRecord longest;  // one a minute over a 26-hour day (daylight saving)
  longest.Reset(26 * 60);
  for (int i = 0; i < 26 * 60; ++i) longest.slots[i] = 1000 * (i % 13);
  longest.corrections = 70000;
  out.push_back(longest);
  return out;
}

TEST(MeterDayEncodingTest, EveryShapeRoundTripsAndVersion1ReadsTheSame) {
  for (const MeterDayRecord& r : Shapes()) {
    SCOPED_TRACE("slots " + std::to_string(r.intervals_per_day()) + ", first " +
                 std::to_string(r.slots[0]));
    const std::string v2 = r.Encode();
    ASSERT_EQ(v2[0], '\x02');
    MeterDayRecord back;
    back.Reset(3);  // a record decoded into is overwritten whole
    back.ApplyRegister(9);
    ASSERT_TRUE(back.Decode(v2));
    ExpectSame(back, r);
    // A state written before version 2 reads as the same record.
    MeterDayRecord old;
    ASSERT_TRUE(old.Decode(EncodeVersion1(r)));
    ExpectSame(old, r);
    EXPECT_LE(v2.size(), EncodeVersion1(r).size());
    ExpectTotals(v2, r);
    ExpectTotals(EncodeVersion1(r), r);
  }
}

TEST(MeterDayEncodingTest, AFullDayOfMeterValuesTakesAThirdFewerBytesThanVersion1) {
  // 96 readings with 3 decimals, 1.2 to 2.0 kWh: version 1 stores each in 3 bytes and a bitmap,
  // version 2 in 2 bytes (1,200..1,992 once divided by 1,000) and no bitmap.
  MeterDayRecord r;
  r.Reset(96);
  for (int i = 0; i < 96; ++i) r.slots[i] = 1200000 + (8000 * i) % 800000;
  EXPECT_EQ(EncodeVersion1(r).size(), 5u + 12 + 96 * 3);
  EXPECT_EQ(r.Encode().size(), 5u + 96 * 2);
}

TEST(MeterDayEncodingTest, BytesThatAreNoRecordAreRefused) {
  MeterDayRecord r;
  r.Reset(96);
  r.slots[5] = 42000;
  const std::string good = r.Encode();
  // Refused by Decode and by DecodeTotals alike.
  const auto Readable = [](std::string_view bytes) {
    MeterDayRecord back;
    int received;
    MicroKwh sum;
    const bool whole = back.Decode(bytes);
    EXPECT_EQ(MeterDayRecord().DecodeTotals(bytes, &received, &sum), whole);
    return whole;
  };
  EXPECT_FALSE(Readable(""));
  EXPECT_FALSE(Readable("junk"));
  EXPECT_FALSE(Readable(std::string(1, '\x03') + good.substr(1)));  // an unknown version
  EXPECT_FALSE(Readable(good.substr(0, good.size() - 1)));          // cut short
  EXPECT_FALSE(Readable(good + "x"));                               // trailing bytes
  std::string bad_scale = good;
  bad_scale[4] = static_cast<char>(7 << 2);  // the flags byte: 10^7 is more than a kWh
  EXPECT_FALSE(Readable(bad_scale));
  // A value that would overflow once multiplied back: every slot present, scale 6, 2^62.
  std::string overflow = "\x02\x01";
  overflow += std::string("\x00\x00", 2);
  overflow.push_back(static_cast<char>(2 | (6 << 2)));
  PutVarint(uint64_t{1} << 62, &overflow);
  EXPECT_FALSE(Readable(overflow));
  // A version-1 record cannot carry version-2 flags.
  std::string v1 = EncodeVersion1(r);
  v1[4] = 2;
  EXPECT_FALSE(Readable(v1));
}

class MeterDayEncodingStateTest : public testing::MeterDayStateFixture {
 protected:
  MeterDayRecord Read(Day day) {
    const std::string value = ReadValue("E1", "M1", day);
    EXPECT_EQ(value[0], '\x02');  // a merge writes the current version
    MeterDayRecord r;
    EXPECT_TRUE(r.Decode(value));
    return r;
  }
};

// An old state holds version-1 rows; a new run merges version-2 rows onto them (and, the other
// way round, a version-1 merge operand not yet merged meets a version-2 value).
TEST_F(MeterDayEncodingStateTest, MergesMixVersionsWithTheSameRules) {
  const Day d = 18300;
  MeterDayRecord old;
  old.Reset(96);
  old.ApplyInterval(0, 1000);
  old.ApplyInterval(1, 2000);
  old.ApplyRegister(500000);
  StateBatch b1(store_.get());
  b1.Put(Store::kMeterDay, MeterDayKey("E1", "M1", d), EncodeVersion1(old));
  b1.Put(Store::kMeterDay, MeterDayKey("E1", "M1", d + 1), old.Encode());
  ASSERT_TRUE(store_->Write(&b1).ok());

  // Day d: version 2 onto version 1, from the accumulator as the ingest writes it.
  MeterDayAccumulator acc(96);
  bool is_new;
  const uint32_t m = acc.MeterIndex("E1", "M1", &is_new);
  acc.Add(m, {d, 0}, 1000);     // the same value: a duplicate
  acc.Add(m, {d, 1}, 2500);     // another: a correction, and it wins
  acc.Add(m, {d, 2}, 3000);     // new
  acc.Add(m, {d, -1}, 500000);  // the same register: a duplicate
  StateBatch b2(store_.get());
  acc.FlushTo(&b2);
  // Day d + 1: a version-1 operand onto a version-2 value.
  MeterDayRecord later;
  later.Reset(96);
  later.ApplyInterval(1, 2000);  // duplicate
  later.ApplyInterval(2, 7);     // new, a value no power of ten divides
  later.ApplyRegister(500001);   // correction
  b2.Merge(Store::kMeterDay, MeterDayKey("E1", "M1", d + 1), EncodeVersion1(later));
  ASSERT_TRUE(store_->Write(&b2).ok());

  const MeterDayRecord r = Read(d);
  EXPECT_EQ(r.received(), 3);
  EXPECT_EQ(r.slots[0], 1000);
  EXPECT_EQ(r.slots[1], 2500);
  EXPECT_EQ(r.slots[2], 3000);
  EXPECT_EQ(r.register_start, 500000);
  EXPECT_EQ(r.duplicates, 2u);
  EXPECT_EQ(r.corrections, 1u);

  const MeterDayRecord next = Read(d + 1);
  EXPECT_EQ(next.received(), 3);
  EXPECT_EQ(next.slots[2], 7);
  EXPECT_EQ(next.register_start, 500001);
  EXPECT_EQ(next.duplicates, 1u);
  EXPECT_EQ(next.corrections, 1u);

  // The same readings merged from version-2 rows only give the same record.
  MeterDayRecord expected = old;
  MeterDayRecord batch;
  batch.Reset(96);
  batch.ApplyInterval(0, 1000);
  batch.ApplyInterval(1, 2500);
  batch.ApplyInterval(2, 3000);
  batch.ApplyRegister(500000);
  expected.ApplyLater(batch);
  EXPECT_EQ(r.Encode(), expected.Encode());
}

// A meter-day merged once is read back as the bytes written, without a decode and an encode (the
// merge operator hands the lone operand back): a version-1 operand stays version 1 and reads the
// same, and bytes that are no record reach the reader, which refuses them as corrupt.
TEST_F(MeterDayEncodingStateTest, ALoneOperandIsReadAsWrittenAndABadOneIsCorrupt) {
  const Day d = 18300;
  MeterDayRecord r;
  r.Reset(96);
  r.ApplyInterval(5, 1234);
  r.ApplyRegister(777000);
  StateBatch batch(store_.get());
  batch.Merge(Store::kMeterDay, MeterDayKey("E1", "M1", d), r.Encode());
  batch.Merge(Store::kMeterDay, MeterDayKey("E1", "M2", d), EncodeVersion1(r));
  batch.Merge(Store::kMeterDay, MeterDayKey("E2", "M1", d), std::string("\x09junk", 5));
  ASSERT_TRUE(store_->Write(&batch).ok());

  std::string value;
  ASSERT_TRUE(store_->Get(Store::kMeterDay, MeterDayKey("E1", "M1", d), &value).ok());
  EXPECT_EQ(value, r.Encode());
  ASSERT_TRUE(store_->Get(Store::kMeterDay, MeterDayKey("E1", "M2", d), &value).ok());
  EXPECT_EQ(value, EncodeVersion1(r));
  MeterDayRecord back;
  ASSERT_TRUE(back.Decode(value));
  EXPECT_EQ(back.Encode(), r.Encode());

  const EngineConfig config;
  MeterDayCursor cursor(store_.get(), d, d + 1, &config);
  cursor.Seek("");
  EnterpriseMeterRows rows;
  Result<bool> first = cursor.Next(&rows);
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(rows.enterprise, "E1");
  EXPECT_EQ(rows.meter_ids.size(), 2u);
  Result<bool> second = cursor.Next(&rows);
  ASSERT_FALSE(second.ok());
  EXPECT_EQ(second.status().code(), Status::Code::kCorruption);
}

}  // namespace
}  // namespace fugong
