#include "engine/common/time_zone.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "engine/common/date.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;

constexpr char kZoneinfo[] = "/usr/share/zoneinfo";

EpochSeconds At(const char* iso) {
  EpochSeconds t = 0;
  EXPECT_TRUE(ParseInstant(iso, &t)) << iso;
  return t;
}

Day D(const char* date) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(date, &d)) << date;
  return d;
}

bool HaveZone(const std::string& name) { return fs::is_regular_file(fs::path(kZoneinfo) / name); }

// Loads a zone that the tests need; a missing tzdata fails the test rather than skipping it.
TimeZone Load(const std::string& name) {
  Result<TimeZone> tz = TimeZone::Parse(name);
  EXPECT_TRUE(tz.ok()) << name << ": " << tz.status().ToString() << " (apt-get install -y tzdata)";
  return tz.ok() ? *tz : TimeZone();
}

Day LastSunday(int year, int month) {
  Day d = month == 12 ? DayFromCivil(year + 1, 1, 1) - 1 : DayFromCivil(year, month + 1, 1) - 1;
  while (WeekdayOf(d) != 6) --d;
  return d;
}

// A scratch directory removed at the end of the test.
class TempDir {
 public:
  TempDir() {
    static std::atomic<int> counter{0};
    path_ = fs::temp_directory_path() /
            ("fugong_tz_test_" + std::to_string(getpid()) + "_" + std::to_string(counter++));
    fs::create_directories(path_);
  }
  ~TempDir() {
    std::error_code ec;
    fs::remove_all(path_, ec);
  }
  std::string dir() const { return path_.string(); }
  void Write(const std::string& name, const std::string& bytes) const {
    fs::create_directories((path_ / name).parent_path());
    std::ofstream out(path_ / name, std::ios::binary | std::ios::trunc);
    out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  }

 private:
  fs::path path_;
};

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

// Writes a TZif file: version 0 (= 1) or '2'/'3', transitions to type indices, one UTC offset per
// type, and for version 2+ a footer.
struct TzifSpec {
  char version = '2';
  std::vector<int64_t> times;
  std::vector<uint8_t> types;
  std::vector<int32_t> offsets = {0};
  std::string footer;
  uint32_t leapcnt = 0;
};

void PutBE(std::string* s, uint64_t v, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) s->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

std::string BuildTzif(const TzifSpec& spec) {
  const std::string chars = "ABC";  // one abbreviation, with its NUL: charcnt 4
  auto header = [&](std::string* s) {
    s->append("TZif");
    s->push_back(spec.version);
    s->append(15, '\0');
    PutBE(s, 0, 4);  // isutcnt
    PutBE(s, 0, 4);  // isstdcnt
    PutBE(s, spec.leapcnt, 4);
    PutBE(s, spec.times.size(), 4);
    PutBE(s, spec.offsets.size(), 4);
    PutBE(s, chars.size() + 1, 4);
  };
  auto block = [&](std::string* s, int time_size) {
    for (int64_t t : spec.times) PutBE(s, static_cast<uint64_t>(t), time_size);
    for (uint8_t type : spec.types) s->push_back(static_cast<char>(type));
    for (size_t i = 0; i < spec.offsets.size(); ++i) {
      PutBE(s, static_cast<uint32_t>(spec.offsets[i]), 4);
      s->push_back(i == 0 ? 0 : 1);  // isdst
      s->push_back(0);               // desigidx
    }
    s->append(chars);
    s->push_back('\0');
    for (uint32_t i = 0; i < spec.leapcnt; ++i) {
      PutBE(s, 0, time_size);  // occurrence
      PutBE(s, 1, 4);          // correction
    }
  };
  std::string out;
  header(&out);
  block(&out, 4);
  if (spec.version != 0) {
    header(&out);
    block(&out, 8);
    out += "\n" + spec.footer + "\n";
  }
  return out;
}

TimeZone FromSpec(const TzifSpec& spec, const std::string& name = "Test/Zone") {
  Result<TimeZone> tz = TimeZone::FromTzif(BuildTzif(spec), name);
  EXPECT_TRUE(tz.ok()) << tz.status().ToString();
  return tz.ok() ? *tz : TimeZone();
}

// Checks a northern-hemisphere EU-style zone: DST from 01:00 UTC on the last Sunday of March to
// 01:00 UTC on the last Sunday of October.
void ExpectEuRules(const TimeZone& tz, int year, int std_offset) {
  SCOPED_TRACE(tz.name() + " " + std::to_string(year));
  const EpochSeconds spring = static_cast<EpochSeconds>(LastSunday(year, 3)) * 86400 + 3600;
  const EpochSeconds fall = static_cast<EpochSeconds>(LastSunday(year, 10)) * 86400 + 3600;
  EXPECT_EQ(tz.OffsetAt(spring - 1), std_offset);
  EXPECT_EQ(tz.OffsetAt(spring), std_offset + 3600);
  EXPECT_EQ(tz.OffsetAt(fall - 1), std_offset + 3600);
  EXPECT_EQ(tz.OffsetAt(fall), std_offset);
  EXPECT_EQ(tz.LocalDayLengthSeconds(LastSunday(year, 3)), 82800);
  EXPECT_EQ(tz.LocalDayLengthSeconds(LastSunday(year, 10)), 90000);
  EXPECT_EQ(tz.LocalDayLengthSeconds(LastSunday(year, 3) - 1), 86400);
  EXPECT_EQ(tz.LocalDayLengthSeconds(LastSunday(year, 10) + 1), 86400);
  const EpochSeconds july = static_cast<EpochSeconds>(DayFromCivil(year, 7, 1)) * 86400;
  EXPECT_EQ(tz.LocalDayOf(july + 12 * 3600), DayFromCivil(year, 7, 1));
  EXPECT_EQ(tz.SecondsIntoLocalDay(july + 12 * 3600), 12 * 3600 + std_offset + 3600);
}

// The definitions, checked from the outside for every instant in [from, to) at `step`:
// LocalDayOf is the floor of the wall clock, SecondsIntoLocalDay is measured from
// StartOfLocalDay, and StartOfLocalDay is the first instant of its day.
// `monotone` is false for a zone whose local day goes back to the previous one, where an instant
// can lie more than a day length past its day's start.
void ExpectConsistent(const TimeZone& tz, EpochSeconds from, EpochSeconds to, EpochSeconds step,
                      bool monotone = true) {
  SCOPED_TRACE(tz.name());
  int failures = 0;
  for (EpochSeconds t = from; t < to && failures < 5; t += step) {
    const Day day = tz.LocalDayOf(t);
    const Day expected_day = static_cast<Day>(FloorDiv(t + tz.OffsetAt(t), 86400));
    const EpochSeconds start = tz.StartOfLocalDay(day);
    const TimeZone::LocalTime local = tz.Localize(t);
    const bool ok = day == expected_day && local.day == day &&
                    local.seconds_into_day == t - start && tz.SecondsIntoLocalDay(t) == t - start &&
                    start <= t && tz.LocalDayOf(start) == day && tz.LocalDayOf(start - 1) < day &&
                    (!monotone || t - start < tz.LocalDayLengthSeconds(day));
    if (!ok) {
      ++failures;
      ADD_FAILURE() << "instant " << t << " day " << FormatDate(day) << " expected day "
                    << FormatDate(expected_day) << " start " << start << " seconds "
                    << tz.SecondsIntoLocalDay(t);
    }
  }
}

// --- Fixed offsets ---

TEST(TimeZoneFixedTest, PlusEight) {
  Result<TimeZone> tz = TimeZone::Parse("+08:00");
  ASSERT_TRUE(tz.ok()) << tz.status().ToString();
  EXPECT_TRUE(tz->is_fixed());
  EXPECT_EQ(tz->name(), "+08:00");
  const EpochSeconds t = At("2020-02-16T00:15:00+08:00");
  EXPECT_EQ(tz->OffsetAt(t), 8 * 3600);
  EXPECT_EQ(tz->LocalDayOf(t), D("2020-02-16"));
  EXPECT_EQ(tz->SecondsIntoLocalDay(t), 900);
  EXPECT_EQ(tz->StartOfLocalDay(D("2020-02-16")), At("2020-02-16T00:00:00+08:00"));
  EXPECT_EQ(tz->LocalDayLengthSeconds(D("2020-02-16")), 86400);
  // An interval ending at local midnight is second 0 of the next day.
  EXPECT_EQ(tz->LocalDayOf(At("2020-02-16T16:00:00Z")), D("2020-02-17"));
  EXPECT_EQ(tz->SecondsIntoLocalDay(At("2020-02-16T16:00:00Z")), 0);
}

TEST(TimeZoneFixedTest, NegativeOffsetsAndInstantsBefore1970) {
  Result<TimeZone> tz = TimeZone::Parse("-05:30");
  ASSERT_TRUE(tz.ok());
  EXPECT_EQ(tz->OffsetAt(0), -(5 * 3600 + 1800));
  EXPECT_EQ(tz->LocalDayOf(At("2020-01-01T00:00:00Z")), D("2019-12-31"));
  EXPECT_EQ(tz->SecondsIntoLocalDay(At("2020-01-01T00:00:00Z")), 18 * 3600 + 1800);
  for (const char* utc : {"UTC", "Z"}) {
    Result<TimeZone> u = TimeZone::Parse(utc);
    ASSERT_TRUE(u.ok()) << utc;
    EXPECT_TRUE(u->is_fixed());
    EXPECT_EQ(u->LocalDayOf(-1), -1);  // floor, not truncation
    EXPECT_EQ(u->SecondsIntoLocalDay(-1), 86399);
  }
  const TimeZone fixed = TimeZone::Fixed(3600, "CET-ish");
  EXPECT_EQ(fixed.name(), "CET-ish");
  EXPECT_EQ(fixed.StartOfLocalDay(0), -3600);
}

TEST(TimeZoneFixedTest, RejectsMalformedOffsets) {
  for (const char* bad : {"+8:00", "+15:00", "+08:60", "08:00", "+08:00 ", "", "+0800"}) {
    Result<TimeZone> tz = TimeZone::Parse(bad);
    EXPECT_FALSE(tz.ok()) << "'" << bad << "'";
    if (!tz.ok()) {
      EXPECT_EQ(tz.status().code(), Status::Code::kInvalidArgument) << bad;
    }
  }
}

// --- IANA zones from the system's tzdata ---

TEST(TimeZoneIanaTest, ShanghaiIsPlusEightAllThrough2020) {
  const TimeZone tz = Load("Asia/Shanghai");
  EXPECT_EQ(tz.name(), "Asia/Shanghai");
  const TimeZone plus8 = TimeZone::Fixed(8 * 3600, "+08:00");
  for (EpochSeconds t = At("2020-01-01T00:00:00+08:00"); t < At("2021-01-01T00:00:00+08:00");
       t += 900) {
    ASSERT_EQ(tz.OffsetAt(t), 8 * 3600) << t;
    ASSERT_EQ(tz.LocalDayOf(t), plus8.LocalDayOf(t)) << t;
    ASSERT_EQ(tz.SecondsIntoLocalDay(t), plus8.SecondsIntoLocalDay(t)) << t;
  }
  for (Day d = D("2020-01-01"); d <= D("2020-12-31"); ++d) {
    ASSERT_EQ(tz.LocalDayLengthSeconds(d), 86400) << FormatDate(d);
  }
  // China did observe DST 1986-1991; the zone file knows it, so this is a real zone, not +8.
  EXPECT_FALSE(tz.is_fixed());
  EXPECT_EQ(tz.OffsetAt(At("1990-07-01T00:00:00Z")), 9 * 3600);
}

TEST(TimeZoneIanaTest, LondonDstDays2020) {
  const TimeZone tz = Load("Europe/London");
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-03-29")), 23 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-10-25")), 25 * 3600);
  int other_days = 0;
  for (Day d = D("2020-01-01"); d <= D("2020-12-31"); ++d) {
    if (d != D("2020-03-29") && d != D("2020-10-25")) {
      EXPECT_EQ(tz.LocalDayLengthSeconds(d), 86400) << FormatDate(d);
      ++other_days;
    }
  }
  EXPECT_EQ(other_days, 364);
  EXPECT_EQ(tz.OffsetAt(At("2020-03-29T00:59:59Z")), 0);
  EXPECT_EQ(tz.OffsetAt(At("2020-03-29T01:00:00Z")), 3600);
  EXPECT_EQ(tz.StartOfLocalDay(D("2020-03-29")), At("2020-03-29T00:00:00Z"));
  EXPECT_EQ(tz.StartOfLocalDay(D("2020-03-30")), At("2020-03-30T00:00:00+01:00"));
  ExpectEuRules(tz, 2020, 0);
}

TEST(TimeZoneIanaTest, LondonSummerMidnightStartsTheDay) {
  const TimeZone tz = Load("Europe/London");
  const EpochSeconds t = At("2020-07-01T00:00:00+01:00");
  EXPECT_EQ(tz.OffsetAt(t), 3600);
  EXPECT_EQ(tz.LocalDayOf(t), D("2020-07-01"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(t), 0);
  EXPECT_EQ(tz.StartOfLocalDay(D("2020-07-01")), t);
  EXPECT_EQ(tz.LocalDayOf(t - 1), D("2020-06-30"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(t - 1), 86399);
}

TEST(TimeZoneIanaTest, LondonRepeatedHourIsElapsedTime) {
  const TimeZone tz = Load("Europe/London");
  const EpochSeconds first = At("2020-10-25T01:30:00+01:00");   // 01:30 BST
  const EpochSeconds second = At("2020-10-25T01:30:00+00:00");  // 01:30 GMT, an hour later
  EXPECT_EQ(second - first, 3600);
  EXPECT_EQ(tz.LocalDayOf(first), D("2020-10-25"));
  EXPECT_EQ(tz.LocalDayOf(second), D("2020-10-25"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(first), 5400);
  EXPECT_EQ(tz.SecondsIntoLocalDay(second), 9000);
  EXPECT_EQ(tz.SecondsIntoLocalDay(second) - tz.SecondsIntoLocalDay(first), 3600);
  // The last instant of the 25-hour day.
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-10-25T23:59:59Z")), 90000 - 1);
  EXPECT_EQ(tz.LocalDayOf(At("2020-10-26T00:00:00Z")), D("2020-10-26"));
}

TEST(TimeZoneIanaTest, ParisDstDays2020) {
  const TimeZone tz = Load("Europe/Paris");
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-03-29")), 23 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-10-25")), 25 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-03-28")), 86400);
  EXPECT_EQ(tz.OffsetAt(At("2020-01-15T12:00:00Z")), 3600);
  EXPECT_EQ(tz.OffsetAt(At("2020-07-15T12:00:00Z")), 7200);
  // 02:30 on the spring day does not exist: 02:00 CET jumps to 03:00 CEST.
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-03-29T03:00:00+02:00")), 2 * 3600);
  ExpectEuRules(tz, 2020, 3600);
}

TEST(TimeZoneIanaTest, FarFutureFollowsTheFooterRule) {
  const TimeZone london = Load("Europe/London");
  const TimeZone paris = Load("Europe/Paris");
  // 2035 and 2037 may still be explicit transitions in a 'fat' file; 2038 on are the footer's,
  // through the precomputed table up to 2100 and evaluated directly after it.
  for (int year : {2035, 2037, 2038, 2040, 2099, 2100, 2101, 2150, 2400}) {
    ExpectEuRules(london, year, 0);
    ExpectEuRules(paris, year, 3600);
  }
  EXPECT_EQ(london.LocalDayLengthSeconds(D("2035-03-25")), 82800);  // last Sunday of March 2035
  EXPECT_EQ(london.LocalDayLengthSeconds(D("2035-10-28")), 90000);
}

TEST(TimeZoneIanaTest, SaoPauloGapAtMidnight) {
  if (!HaveZone("America/Sao_Paulo")) GTEST_SKIP() << "no America/Sao_Paulo in tzdata";
  const TimeZone tz = Load("America/Sao_Paulo");
  // 2018-11-04: 00:00 -03 became 01:00 -02, so the day has no midnight and starts at 01:00.
  EXPECT_EQ(tz.StartOfLocalDay(D("2018-11-04")), At("2018-11-04T01:00:00-02:00"));
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2018-11-04")), 23 * 3600);
  EXPECT_EQ(tz.LocalDayOf(At("2018-11-04T01:00:00-02:00")), D("2018-11-04"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2018-11-04T01:00:00-02:00")), 0);
  EXPECT_EQ(tz.LocalDayOf(At("2018-11-04T01:00:00-02:00") - 1), D("2018-11-03"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2018-11-04T01:00:00-02:00") - 1), 86399);
  // 2019-02-17: 00:00 -02 fell back to 23:00 -03 on the 16th, which is therefore 25 hours long.
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2019-02-16")), 25 * 3600);
  EXPECT_EQ(tz.StartOfLocalDay(D("2019-02-17")), At("2019-02-17T00:00:00-03:00"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2019-02-16T23:30:00-03:00")), 24 * 3600 + 1800);
  // Brazil dropped DST in 2019.
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-11-01")), 86400);
  EXPECT_EQ(tz.OffsetAt(At("2030-01-01T00:00:00Z")), -3 * 3600);
}

TEST(TimeZoneIanaTest, DayLengthsOtherThanAnHour) {
  if (HaveZone("Australia/Lord_Howe")) {
    const TimeZone tz = Load("Australia/Lord_Howe");  // half-hour DST
    EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-10-04")), 86400 - 1800);
    EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-04-05")), 86400 + 1800);
  }
  if (HaveZone("Pacific/Apia")) {
    const TimeZone tz = Load("Pacific/Apia");  // skipped 2011-12-30 to cross the date line
    EXPECT_EQ(tz.LocalDayLengthSeconds(D("2011-12-30")), 0);
    EXPECT_EQ(tz.StartOfLocalDay(D("2011-12-30")), tz.StartOfLocalDay(D("2011-12-31")));
    EXPECT_EQ(tz.LocalDayOf(tz.StartOfLocalDay(D("2011-12-31")) - 1), D("2011-12-29"));
  }
}

TEST(TimeZoneIanaTest, FastPathAgreesWithTheDefinitions) {
  std::vector<std::string> names = {"Europe/London", "Europe/Paris", "Asia/Shanghai",
                                    "America/New_York"};
  for (const char* optional :
       {"America/Sao_Paulo", "Australia/Lord_Howe", "Pacific/Apia", "America/Nuuk",
        "Africa/Casablanca", "Asia/Tehran", "America/Havana"}) {
    if (HaveZone(optional)) names.push_back(optional);
  }
  for (const std::string& name : names) {
    const TimeZone tz = Load(name);
    // Every 15 minutes through years with transitions, and sparsely over the whole table.
    ExpectConsistent(tz, At("2010-01-01T00:00:00Z"), At("2013-01-01T00:00:00Z"), 900);
    ExpectConsistent(tz, At("2018-01-01T00:00:00Z"), At("2021-01-01T00:00:00Z"), 900);
    ExpectConsistent(tz, At("1890-01-01T00:00:00Z"), At("2200-01-01T00:00:00Z"), 86400 * 3 + 977);
  }
}

// Our offsets must agree with the C library's reading of the same files, for every zone.
TEST(TimeZoneIanaTest, AgreesWithGlibcForAllZones) {
  std::ifstream tab(std::string(kZoneinfo) + "/zone1970.tab");
  ASSERT_TRUE(tab.good()) << "no zone1970.tab; apt-get install -y tzdata";
  std::vector<std::string> names;
  for (std::string line; std::getline(tab, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::istringstream fields(line);
    std::string codes, coordinates, name;
    fields >> codes >> coordinates >> name;
    names.push_back(name);
  }
  ASSERT_GT(names.size(), 250u);
  const char* old_tz = std::getenv("TZ");
  const std::string saved = old_tz == nullptr ? "" : old_tz;
  int failures = 0;
  for (const std::string& name : names) {
    const TimeZone tz = Load(name);
    setenv("TZ", (":" + std::string(kZoneinfo) + "/" + name).c_str(), 1);
    tzset();
    for (EpochSeconds t = At("1970-01-01T00:00:00Z");
         t < At("2100-01-01T00:00:00Z") && failures < 10; t += 86400 * 5 + 3607) {
      const time_t tt = static_cast<time_t>(t);
      struct tm local;
      ASSERT_NE(localtime_r(&tt, &local), nullptr);
      if (tz.OffsetAt(t) != local.tm_gmtoff) {
        ++failures;
        ADD_FAILURE() << name << " at " << t << ": ours " << tz.OffsetAt(t) << ", glibc "
                      << local.tm_gmtoff;
      }
    }
  }
  if (old_tz == nullptr) {
    unsetenv("TZ");
  } else {
    setenv("TZ", saved.c_str(), 1);
  }
  tzset();
}

TEST(TimeZoneIanaTest, EveryCompiledZoneLoads) {
  int loaded = 0;
  for (const auto& entry : fs::recursive_directory_iterator(kZoneinfo)) {
    if (!entry.is_regular_file()) continue;
    const std::string rel = fs::relative(entry.path(), kZoneinfo).string();
    if (rel.rfind("right/", 0) == 0) continue;  // leap-second variants, rejected on purpose
    if (ReadFile(entry.path().string()).rfind("TZif", 0) != 0) continue;  // zone.tab etc.
    Result<TimeZone> tz = TimeZone::Parse(rel);
    EXPECT_TRUE(tz.ok()) << rel << ": " << tz.status().ToString();
    if (tz.ok()) {
      (void)tz->LocalDayOf(At("2020-06-01T00:00:00Z"));
      ++loaded;
    }
  }
  EXPECT_GT(loaded, 300);
  Result<TimeZone> utc = TimeZone::Parse("Etc/UTC");
  ASSERT_TRUE(utc.ok());
  EXPECT_TRUE(utc->is_fixed());  // one offset forever: no table needed
}

TEST(TimeZoneIanaTest, CopiesAndConcurrentReadsAgree) {
  const TimeZone london = Load("Europe/London");
  TimeZone copy = london;
  copy = TimeZone::Fixed(0, "UTC");
  copy = london;
  EXPECT_EQ(copy.name(), "Europe/London");
  EXPECT_EQ(copy.LocalDayLengthSeconds(D("2020-03-29")), 82800);
  std::vector<std::thread> threads;
  std::atomic<int> mismatches{0};
  for (int k = 0; k < 4; ++k) {
    threads.emplace_back([&london, &mismatches, k] {
      for (EpochSeconds t = 1577836800 + k * 61; t < 1609459200; t += 1800) {
        const int64_t s = london.SecondsIntoLocalDay(t);
        if (s != t - london.StartOfLocalDay(london.LocalDayOf(t))) ++mismatches;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(mismatches.load(), 0);
}

TEST(TimeZoneOddTest, FallBackAcrossMidnightRevisitsThePreviousDay) {
  // +01:00 until local 00:30 on June 1, then back to +00:00, which is 23:30 on May 31 again.
  TzifSpec spec;
  spec.times = {At("2000-01-01T00:00:00Z"), At("2020-06-01T00:30:00+01:00")};
  spec.types = {1, 0};
  spec.offsets = {0, 3600};
  spec.footer = "GMT0";
  const TimeZone tz = FromSpec(spec, "Odd/Zone");
  // June 1 first began at 00:00 +01:00; the revisited half hour belongs to May 31 again.
  EXPECT_EQ(tz.StartOfLocalDay(D("2020-06-01")), At("2020-05-31T23:00:00Z"));
  EXPECT_EQ(tz.LocalDayOf(At("2020-05-31T23:45:00Z")), D("2020-05-31"));
  // An hour of June 1 had already passed when its second 00:00 came.
  EXPECT_EQ(tz.LocalDayOf(At("2020-06-01T00:00:00Z")), D("2020-06-01"));
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-06-01T00:00:00Z")), 3600);
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-06-01T12:00:00Z")), 13 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-06-01")), 25 * 3600);
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-06-02T00:00:00Z")), 0);
  ExpectConsistent(tz, At("2020-05-30T00:00:00Z"), At("2020-06-03T00:00:00Z"), 900,
                   /*monotone=*/false);
}

// --- Bad names and bad files ---

TEST(TimeZoneErrorTest, UnknownAndUnsafeNames) {
  struct Case {
    const char* name;
    const char* message_part;
  };
  for (const Case& c :
       {Case{"Mars/Olympus", "unknown time zone 'Mars/Olympus'"}, Case{"../../etc/passwd", "'..'"},
        Case{"/etc/passwd", "'/'"}, Case{"Europe/../Europe/London", "'..'"},
        Case{"Europe", "unknown time zone"},  // a directory
        Case{"./Europe/London", "IANA name"}, Case{"Europe/London ", "IANA name"},
        Case{"Europe\\London", "IANA name"}, Case{"zone1970.tab", "not a compiled zone"}}) {
    Result<TimeZone> tz = TimeZone::Parse(c.name);
    ASSERT_FALSE(tz.ok()) << c.name;
    EXPECT_EQ(tz.status().code(), Status::Code::kInvalidArgument) << c.name;
    EXPECT_NE(tz.status().message().find(c.message_part), std::string::npos)
        << c.name << ": " << tz.status().message();
  }
  Result<TimeZone> no_dir = TimeZone::Parse("Europe/London", "/nonexistent/zoneinfo");
  ASSERT_FALSE(no_dir.ok());
  EXPECT_NE(no_dir.status().message().find("tzdata"), std::string::npos);
  if (HaveZone("right/Europe/London")) {
    Result<TimeZone> right = TimeZone::Parse("right/Europe/London");
    ASSERT_FALSE(right.ok());
    EXPECT_NE(right.status().message().find("leap seconds"), std::string::npos);
  }
}

TEST(TimeZoneErrorTest, TruncatedFilesAreErrors) {
  const std::string london = ReadFile(std::string(kZoneinfo) + "/Europe/London");
  ASSERT_GT(london.size(), 100u);
  ASSERT_TRUE(TimeZone::FromTzif(london, "Europe/London").ok());
  for (size_t n = 0; n < london.size(); ++n) {
    Result<TimeZone> tz = TimeZone::FromTzif(std::string_view(london).substr(0, n), "Cut/Zone");
    ASSERT_FALSE(tz.ok()) << "prefix of " << n << " bytes";
  }
  // The same through a zone directory.
  TempDir dir;
  dir.Write("Cut/Zone", london.substr(0, london.size() / 2));
  Result<TimeZone> tz = TimeZone::Parse("Cut/Zone", dir.dir());
  ASSERT_FALSE(tz.ok());
  EXPECT_EQ(tz.status().code(), Status::Code::kCorruption);
  EXPECT_NE(tz.status().message().find("Cut/Zone"), std::string::npos);
  dir.Write("Empty/Zone", "");
  EXPECT_FALSE(TimeZone::Parse("Empty/Zone", dir.dir()).ok());
}

TEST(TimeZoneErrorTest, InconsistentFilesAreCorruption) {
  auto expect_corrupt = [](const TzifSpec& spec, const char* what) {
    Result<TimeZone> tz = TimeZone::FromTzif(BuildTzif(spec), "Bad/Zone");
    ASSERT_FALSE(tz.ok()) << what;
    EXPECT_EQ(tz.status().code(), Status::Code::kCorruption)
        << what << ": " << tz.status().message();
  };
  TzifSpec good;
  good.times = {1000, 2000};
  good.types = {1, 0};
  good.offsets = {0, 3600};
  good.footer = "GMT0";
  ASSERT_TRUE(TimeZone::FromTzif(BuildTzif(good), "Good/Zone").ok());

  TzifSpec s = good;
  s.types = {1, 7};
  expect_corrupt(s, "undefined type");
  s = good;
  s.times = {2000, 1000};
  expect_corrupt(s, "unordered transitions");
  s = good;
  s.offsets = {0, 100 * 3600};
  expect_corrupt(s, "offset out of range");
  for (const char* footer : {"GMT0BST", "ZZ0", "GMT0BST,M3.5.0/1", "GMT0BST,M13.5.0,M10.5.0",
                             "GMT0BST,M3.5.0/1,M10.5.0junk", "GMT", "<AB>0"}) {
    s = good;
    s.footer = footer;
    expect_corrupt(s, footer);
  }
  // Counts that promise more data than there is, without allocating for them first.
  std::string huge = BuildTzif(good);
  huge[20 + 12] = '\xff';  // timecnt of the version 1 header
  Result<TimeZone> tz = TimeZone::FromTzif(huge, "Huge/Zone");
  ASSERT_FALSE(tz.ok());
  EXPECT_EQ(tz.status().code(), Status::Code::kCorruption);
  // A leap-second table: refused, since its timestamps are not POSIX seconds.
  s = good;
  s.leapcnt = 1;
  tz = TimeZone::FromTzif(BuildTzif(s), "Leap/Zone");
  ASSERT_FALSE(tz.ok());
  EXPECT_EQ(tz.status().code(), Status::Code::kInvalidArgument);
}

TEST(TimeZoneErrorTest, RandomCorruptionNeverCrashes) {
  const std::string london = ReadFile(std::string(kZoneinfo) + "/Europe/London");
  ASSERT_FALSE(london.empty());
  std::mt19937 rng(20200216);
  int accepted = 0;
  for (int round = 0; round < 3000; ++round) {
    std::string bytes = london;
    const int flips = 1 + static_cast<int>(rng() % 4);
    for (int i = 0; i < flips; ++i) {
      bytes[rng() % bytes.size()] = static_cast<char>(rng() & 0xff);
    }
    Result<TimeZone> tz = TimeZone::FromTzif(bytes, "Fuzz/Zone");
    if (!tz.ok()) continue;
    ++accepted;
    // A file that still parses must still give answers that obey the definitions.
    for (EpochSeconds t :
         {At("1900-06-01T00:00:00Z"), At("2020-10-25T01:30:00Z"), At("2150-03-31T00:00:00Z")}) {
      const Day day = tz->LocalDayOf(t);
      ASSERT_EQ(day, FloorDiv(t + tz->OffsetAt(t), 86400)) << round;
      ASSERT_LE(tz->StartOfLocalDay(day), t) << round;
    }
  }
  EXPECT_GT(accepted, 0);  // some flips hit abbreviations or unused bytes
}

// --- The POSIX TZ footer, on its own ---

TEST(TimeZoneFooterTest, SlimFileFollowsTheRule) {
  TzifSpec slim;  // no transitions at all: the footer governs every instant
  slim.footer = "GMT0BST,M3.5.0/1,M10.5.0";
  const TimeZone tz = FromSpec(slim, "Slim/London");
  EXPECT_FALSE(tz.is_fixed());
  for (int year : {1990, 2020, 2035, 2100, 2101, 2300}) ExpectEuRules(tz, year, 0);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-03-29")), 82800);
  EXPECT_EQ(tz.SecondsIntoLocalDay(At("2020-10-25T01:30:00Z")), 9000);
  ExpectConsistent(tz, At("2019-01-01T00:00:00Z"), At("2021-01-01T00:00:00Z"), 900);

  // After explicit transitions, the footer takes over.
  TzifSpec mixed;
  mixed.times = {At("2019-03-31T01:00:00Z"), At("2019-10-27T01:00:00Z")};
  mixed.types = {1, 0};
  mixed.offsets = {0, 3600};
  mixed.footer = "GMT0BST,M3.5.0/1,M10.5.0";
  const TimeZone m = FromSpec(mixed, "Mixed/London");
  ExpectEuRules(m, 2019, 0);
  ExpectEuRules(m, 2020, 0);
}

TEST(TimeZoneFooterTest, SouthernHemisphere) {
  TzifSpec spec;
  spec.offsets = {36000};
  spec.footer = "AEST-10AEDT,M10.1.0,M4.1.0/3";
  const TimeZone tz = FromSpec(spec, "Slim/Sydney");
  EXPECT_EQ(tz.OffsetAt(At("2020-01-15T00:00:00Z")), 11 * 3600);
  EXPECT_EQ(tz.OffsetAt(At("2020-07-15T00:00:00Z")), 10 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-04-05")), 25 * 3600);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-10-04")), 23 * 3600);
  EXPECT_EQ(tz.StartOfLocalDay(D("2020-07-01")), At("2020-07-01T00:00:00+10:00"));
  ExpectConsistent(tz, At("2019-12-01T00:00:00Z"), At("2021-02-01T00:00:00Z"), 900);
  if (HaveZone("Australia/Sydney")) {
    const TimeZone real = Load("Australia/Sydney");
    for (EpochSeconds t = At("2020-01-01T00:00:00Z"); t < At("2060-01-01T00:00:00Z");
         t += 3 * 3600) {
      ASSERT_EQ(tz.OffsetAt(t), real.OffsetAt(t)) << t;
    }
  }
}

TEST(TimeZoneFooterTest, DayNumberRulesAndSignedTimes) {
  TzifSpec spec;
  spec.footer = "AAA0BBB,J60/0,J300/0";  // Jn never counts February 29: J60 is March 1
  TimeZone tz = FromSpec(spec);
  EXPECT_EQ(tz.OffsetAt(At("2020-02-29T23:59:59Z")), 0);
  EXPECT_EQ(tz.OffsetAt(At("2020-03-01T00:00:00Z")), 3600);
  EXPECT_EQ(tz.OffsetAt(At("2021-03-01T00:00:00Z")), 3600);

  spec.footer = "AAA0BBB,59/0,300/0";  // zero-based n counts it: 59 is Feb 29 in a leap year
  tz = FromSpec(spec);
  EXPECT_EQ(tz.OffsetAt(At("2020-02-29T00:00:00Z")), 3600);
  EXPECT_EQ(tz.OffsetAt(At("2021-02-28T23:59:59Z")), 0);
  EXPECT_EQ(tz.OffsetAt(At("2021-03-01T00:00:00Z")), 3600);

  // Greenland's rule: times of day before midnight (-1 = 23:00 the day before), in <...> names.
  spec.offsets = {-7200};
  spec.footer = "<-02>2<-01>,M3.5.0/-1,M10.5.0/0";
  tz = FromSpec(spec);
  const EpochSeconds spring = static_cast<EpochSeconds>(LastSunday(2030, 3)) * 86400 + 3600;
  EXPECT_EQ(tz.OffsetAt(spring - 1), -7200);
  EXPECT_EQ(tz.OffsetAt(spring), -3600);

  // Daylight time all year (RFC 8536 3.3.1): ends Dec 31 25:00 as the next starts Jan 1 00:00.
  spec.offsets = {-5 * 3600};
  spec.footer = "EST5EDT,0/0,J365/25";
  tz = FromSpec(spec);
  for (EpochSeconds t = At("2020-01-01T00:00:00Z"); t < At("2023-01-01T00:00:00Z"); t += 1800) {
    ASSERT_EQ(tz.OffsetAt(t), -4 * 3600) << t;
  }
  for (Day d = D("2020-01-01"); d < D("2023-01-01"); ++d) {
    ASSERT_EQ(tz.LocalDayLengthSeconds(d), 86400) << FormatDate(d);
  }
}

TEST(TimeZoneFooterTest, Version1FileHasNoFooter) {
  TzifSpec v1;
  v1.version = 0;
  v1.times = {At("2020-03-29T01:00:00Z"), At("2020-10-25T01:00:00Z")};
  v1.types = {1, 0};
  v1.offsets = {0, 3600};
  const TimeZone tz = FromSpec(v1, "Old/London");
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-03-29")), 82800);
  EXPECT_EQ(tz.LocalDayLengthSeconds(D("2020-10-25")), 90000);
  EXPECT_EQ(tz.OffsetAt(At("2030-07-01T00:00:00Z")), 0);  // the last type stays in force
  EXPECT_EQ(tz.OffsetAt(At("1990-07-01T00:00:00Z")), 0);  // type 0 before the first transition
}

}  // namespace
}  // namespace fugong
