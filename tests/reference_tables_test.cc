// The built-in reference tables of schemas/ (regions, calendar, industries), read the way the
// engine reads them.
#include <gtest/gtest.h>

#include <optional>
#include <set>
#include <string>

#include "engine/common/date.h"
#include "engine/reference/builtin_tables.h"
#include "engine/reference/csv_table.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"

namespace fugong {
namespace {

Day D(const char* text) {
  Day d = 0;
  EXPECT_TRUE(ParseDate(text, &d)) << text;
  return d;
}

// Zhejiang's extent, mainland and islands, with a small margin.
constexpr double kMinLon = 118.0, kMaxLon = 123.3, kMinLat = 27.0, kMaxLat = 31.2;

TEST(ReferenceRegionsTest, ZhejiangHasNinetyCountiesElevenCitiesOneProvince) {
  const RegionTable& t = RegionTable::Zhejiang();
  EXPECT_EQ(t.counties().size(), 90u);
  EXPECT_EQ(t.cities().size(), 11u);
  ASSERT_EQ(t.provinces().size(), 1u);
  EXPECT_EQ(t.provinces()[0], "330000");
  ASSERT_NE(t.Find("330000"), nullptr);
  EXPECT_EQ(t.Find("330000")->name, "浙江省");
}

TEST(ReferenceRegionsTest, CountyCityIsFirstFourDigitsPlus00) {
  const RegionTable& t = RegionTable::Zhejiang();
  for (const std::string& county : t.counties()) {
    ASSERT_EQ(county.size(), 6u) << county;
    EXPECT_EQ(t.CityOf(county), county.substr(0, 4) + "00") << county;
    EXPECT_EQ(t.ProvinceOf(county), "330000") << county;
  }
  for (const std::string& city : t.cities()) {
    EXPECT_EQ(city.substr(4), "00") << city;
    ASSERT_NE(t.Find(city), nullptr) << city;
    EXPECT_EQ(t.Find(city)->parent, "330000") << city;
  }
}

TEST(ReferenceRegionsTest, SpotChecks) {
  const RegionTable& t = RegionTable::Zhejiang();
  ASSERT_TRUE(t.IsCounty("330782"));
  EXPECT_EQ(t.Find("330782")->name, "义乌市");
  EXPECT_EQ(t.Find("330782")->name_pinyin, "Yiwu");
  EXPECT_EQ(t.CityOf("330782"), "330700");
  EXPECT_EQ(t.Find("330700")->name, "金华市");
  // Longgang was split off Cangnan in 2019.
  ASSERT_TRUE(t.IsCounty("330383"));
  EXPECT_EQ(t.Find("330383")->name, "龙港市");
  EXPECT_EQ(t.CityOf("330383"), "330300");
  // February 2020: before Hangzhou's 2021 redistricting (Xiacheng and Jianggan still exist,
  // Linping 330113 and Qiantang 330114 do not).
  EXPECT_TRUE(t.IsCounty("330103"));
  EXPECT_TRUE(t.IsCounty("330104"));
  EXPECT_FALSE(t.IsCounty("330113"));
  EXPECT_FALSE(t.IsCounty("330114"));
  EXPECT_EQ(t.Find("330382")->name_pinyin, "Yueqing");
  EXPECT_EQ(t.Find("331127")->name, "景宁畲族自治县");
}

TEST(ReferenceRegionsTest, EveryRegionHasAPositionInsideZhejiang) {
  const RegionTable& t = RegionTable::Zhejiang();
  std::set<std::string> all(t.counties().begin(), t.counties().end());
  all.insert(t.cities().begin(), t.cities().end());
  all.insert("330000");
  for (const std::string& code : all) {
    const Region* r = t.Find(code);
    ASSERT_NE(r, nullptr) << code;
    EXPECT_FALSE(r->name_pinyin.empty()) << code;
    ASSERT_TRUE(r->lon.has_value()) << code;
    ASSERT_TRUE(r->lat.has_value()) << code;
    EXPECT_GE(*r->lon, kMinLon) << code;
    EXPECT_LE(*r->lon, kMaxLon) << code;
    EXPECT_GE(*r->lat, kMinLat) << code;
    EXPECT_LE(*r->lat, kMaxLat) << code;
  }
}

TEST(ReferenceRegionsTest, NeighboursAreOrderedAsOnTheMap) {
  const RegionTable& t = RegionTable::Zhejiang();
  auto lon = [&](const char* code) { return *t.Find(code)->lon; };
  auto lat = [&](const char* code) { return *t.Find(code)->lat; };
  EXPECT_LT(lat("330383"), lat("330326"));  // Longgang south of Pingyang
  EXPECT_GT(lon("330383"), lon("330327"));  // and east of Cangnan
  EXPECT_GT(lat("331082"), lat("331081"));  // Linhai north of Wenling
  EXPECT_LT(lon("330824"), lon("330822"));  // Kaihua west of Changshan
  EXPECT_GT(lat("330522"), lat("330523"));  // Changxing north of Anji
  EXPECT_GT(lon("330922"), lon("330902"));  // Shengsi east of Dinghai
  EXPECT_GT(lat("330782"), lat("330784"));  // Yiwu north of Yongkang
}

TEST(ReferenceCalendarTest, SpringFestival2020AndTheEpidemicExtension) {
  const HolidayCalendar& c = HolidayCalendar::China();
  EXPECT_EQ(c.KindOf(D("2020-01-23")), DayKind::kOrdinary);
  EXPECT_EQ(c.KindOf(D("2020-01-24")), DayKind::kHoliday);
  EXPECT_EQ(c.KindOf(D("2020-01-30")), DayKind::kHoliday);
  EXPECT_EQ(c.KindOf(D("2020-01-31")), DayKind::kHoliday);  // the extension
  EXPECT_EQ(c.KindOf(D("2020-02-02")), DayKind::kHoliday);
  EXPECT_EQ(c.KindOf(D("2020-02-03")), DayKind::kOrdinary);
  EXPECT_EQ(c.KindOf(D("2020-01-19")), DayKind::kMakeupWorkday);
  // Saturday 2020-02-01 was to be worked; the extension made it part of the break, so it is no
  // make-up workday and is scored as the Saturday it is.
  EXPECT_NE(c.KindOf(D("2020-02-01")), DayKind::kMakeupWorkday);
  EXPECT_EQ(c.KindOf(D("2020-02-01")), DayKind::kHoliday);
  EXPECT_EQ(c.DayTypeOf(D("2020-02-01")), 5);
  EXPECT_EQ(c.KindOf(D("2020-02-16")), DayKind::kOrdinary);
}

TEST(ReferenceCalendarTest, NationalDay2019AndMakeupWorkdays) {
  const HolidayCalendar& c = HolidayCalendar::China();
  EXPECT_EQ(c.KindOf(D("2019-10-01")), DayKind::kHoliday);
  EXPECT_EQ(c.KindOf(D("2019-10-07")), DayKind::kHoliday);
  EXPECT_EQ(c.KindOf(D("2019-10-08")), DayKind::kOrdinary);
  EXPECT_EQ(c.KindOf(D("2019-09-29")), DayKind::kMakeupWorkday);
  EXPECT_EQ(c.KindOf(D("2019-10-12")), DayKind::kMakeupWorkday);
  // A make-up workday counts as a Wednesday; 2019-09-29 is a Sunday.
  EXPECT_EQ(WeekdayOf(D("2019-09-29")), 6);
  EXPECT_EQ(c.DayTypeOf(D("2019-09-29")), 2);
  EXPECT_EQ(c.DayTypeOf(D("2020-01-19")), 2);
  // A holiday keeps its real weekday (2019-10-01 is a Tuesday), an ordinary day too.
  EXPECT_EQ(c.DayTypeOf(D("2019-10-01")), 1);
  EXPECT_EQ(c.DayTypeOf(D("2019-10-13")), 6);
  EXPECT_TRUE(c.IsHoliday(D("2015-09-03")));  // Victory Day 70th anniversary
  EXPECT_EQ(c.KindOf(D("2015-09-06")), DayKind::kMakeupWorkday);
  EXPECT_EQ(c.KindOf(D("2026-02-14")), DayKind::kMakeupWorkday);
}

TEST(ReferenceCalendarTest, SeasonFestival) {
  const HolidayCalendar& c = HolidayCalendar::China();
  ASSERT_TRUE(c.has_spring_festivals());
  EXPECT_EQ(c.SeasonFestivalOf(D("2020-02-16")), std::optional<Day>(D("2020-01-25")));
  EXPECT_EQ(c.SeasonFestivalOf(D("2019-11-01")), std::optional<Day>(D("2020-01-25")));
  EXPECT_EQ(c.SeasonFestivalOf(D("2019-02-18")), std::optional<Day>(D("2019-02-05")));
  EXPECT_EQ(c.SeasonFestivalOf(D("2030-06-01")), std::optional<Day>(D("2030-02-03")));
}

TEST(ReferenceCalendarTest, FileIsSortedAndProjectedYearsHaveNoWorkdays) {
  Result<CsvTable> csv = CsvTable::Parse(BuiltinTable("calendar_cn.csv"), "calendar_cn.csv");
  ASSERT_TRUE(csv.ok()) << csv.status().ToString();
  const int c_date = csv->Column("date"), c_type = csv->Column("type"),
            c_name = csv->Column("name");
  ASSERT_GE(c_date, 0);
  ASSERT_GE(c_type, 0);
  ASSERT_GE(c_name, 0);
  ASSERT_GT(csv->rows().size(), 400u);
  Day previous = D("2014-12-31");
  const std::string projected = " (projected)";
  for (const auto& row : csv->rows()) {
    Day day;
    ASSERT_TRUE(ParseDate(row[c_date], &day)) << row[c_date];
    EXPECT_GT(day, previous) << row[c_date] << " is out of order or repeated";
    previous = day;
    EXPECT_TRUE(row[c_type] == "holiday" || row[c_type] == "workday") << row[c_date];
    if (row[c_type] == "workday") {
      EXPECT_GE(WeekdayOf(day), 5) << row[c_date];
    }
    const std::string& name = row[c_name];
    const bool is_projected = name.size() > projected.size() && name.ends_with(projected);
    if (CivilFromDay(day).year >= 2027) {
      EXPECT_TRUE(is_projected) << row[c_date];
      EXPECT_EQ(row[c_type], "holiday") << row[c_date];
    } else {
      EXPECT_FALSE(is_projected) << row[c_date];
    }
  }
  EXPECT_LE(previous, D("2030-12-31"));
}

TEST(ReferenceCalendarTest, ProjectedYearsUseTheLunarDates) {
  const HolidayCalendar& c = HolidayCalendar::China();
  // 2027: Spring Festival 02-06 (eve 02-05), Qingming 04-05, Dragon Boat 06-09, Mid-Autumn 09-15.
  for (const char* day : {"2027-01-01", "2027-02-05", "2027-02-08", "2027-04-05", "2027-05-02",
                          "2027-06-09", "2027-09-15", "2027-10-03", "2028-10-03", "2030-02-02"}) {
    EXPECT_TRUE(c.IsHoliday(D(day))) << day;
  }
  EXPECT_EQ(c.KindOf(D("2027-02-09")), DayKind::kOrdinary);
  EXPECT_EQ(c.KindOf(D("2027-10-04")), DayKind::kOrdinary);
}

TEST(ReferenceIndustryTest, ClassifiesCategoriesDivisionsClassesAndSections) {
  const IndustryTable& t = IndustryTable::Standard();
  EXPECT_EQ(t.categories().size(), 15u);
  struct Case {
    const char* input;
    const char* category;
  };
  for (const Case& c :
       {Case{"I07", "I07"}, Case{"C34", "I07"}, Case{"34", "I07"}, Case{"3411", "I07"},
        Case{"C3411", "I07"}, Case{"C27", "I05"}, Case{"F", "I13"}, Case{"H62", "I13"},
        Case{"I65", "I14"}, Case{"K70", "I15"}, Case{"R90", "I15"}, Case{"S91", "I15"},
        Case{"T97", "I15"}, Case{"A01", "I01"}, Case{"D44", "I11"}}) {
    Result<std::string> r = t.Classify(c.input);
    ASSERT_TRUE(r.ok()) << c.input << ": " << r.status().ToString();
    EXPECT_EQ(*r, c.category) << c.input;
  }
}

TEST(ReferenceIndustryTest, RejectsWhatMapsToNoSingleCategory) {
  const IndustryTable& t = IndustryTable::Standard();
  // C spans I03..I10; X is no section; 51 is wholesale (F), not manufacturing (C); 90 is
  // entertainment, section R, not S; 98 is no division.
  for (const char* input : {"C", "X1", "C51", "S90", "98", "I16", ""}) {
    Result<std::string> r = t.Classify(input);
    EXPECT_FALSE(r.ok()) << "'" << input << "' classified as " << (r.ok() ? *r : "");
    if (!r.ok()) {
      EXPECT_EQ(r.status().code(), Status::Code::kNotFound) << input;
    }
  }
}

TEST(ReferenceIndustryTest, EveryDivisionMapsToItsSectionAndCategory) {
  const IndustryTable& t = IndustryTable::Standard();
  // GB/T 4754-2017 sections by their last division.
  const std::pair<int, char> kSectionEnds[] = {
      {5, 'A'},  {12, 'B'}, {43, 'C'}, {46, 'D'}, {50, 'E'}, {52, 'F'}, {60, 'G'},
      {62, 'H'}, {65, 'I'}, {69, 'J'}, {70, 'K'}, {72, 'L'}, {75, 'M'}, {79, 'N'},
      {82, 'O'}, {83, 'P'}, {85, 'Q'}, {90, 'R'}, {96, 'S'}, {97, 'T'}};
  size_t s = 0;
  for (int division = 1; division <= 97; ++division) {
    while (division > kSectionEnds[s].first) ++s;
    const char section = kSectionEnds[s].second;
    char code[4] = {section, static_cast<char>('0' + division / 10),
                    static_cast<char>('0' + division % 10), 0};
    Result<std::string> r = t.Classify(code);
    ASSERT_TRUE(r.ok()) << code << ": " << r.status().ToString();
    switch (section) {
      case 'A':
        EXPECT_EQ(*r, "I01") << code;
        break;
      case 'B':
        EXPECT_EQ(*r, "I02") << code;
        break;
      case 'C':
        EXPECT_TRUE(*r >= "I03" && *r <= "I10") << code << " -> " << *r;
        break;
      case 'D':
        EXPECT_EQ(*r, "I11") << code;
        break;
      case 'E':
        EXPECT_EQ(*r, "I12") << code;
        break;
      case 'F':
      case 'H':
        EXPECT_EQ(*r, "I13") << code;
        break;
      case 'G':
      case 'I':
        EXPECT_EQ(*r, "I14") << code;
        break;
      default:
        EXPECT_EQ(*r, "I15") << code;
        break;  // J..T
    }
  }
}

}  // namespace
}  // namespace fugong
