// Fuzzes the readers of the reference tables a user may configure or replace: the region table
// (`region_table:`), the holiday calendar with its Spring Festival dates (`calendar:`), the
// industry tables, and the CSV reader under all of them (engine/reference/*). The first byte
// chooses the table; tables made of two files take them separated by a NUL byte. A table that
// parses is then used the way the engine uses it (lookups, group keys, baseline windows).
//
// Oracle: no crash, leak or UB, and a parsed table keeps its guarantees (every county has a city
// and a province in the table; a category an industry is classified into exists).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/baseline/baseline_window.h"
#include "engine/config/engine_config.h"
#include "engine/groups/group_key.h"
#include "engine/reference/csv_table.h"
#include "engine/reference/holiday_calendar.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

void Regions(std::string_view text) {
  Result<RegionTable> table = RegionTable::Parse(text, "fuzz regions");
  if (!table.ok()) return;
  static const std::vector<GroupLevel> kAllLevels = {
      GroupLevel::kProvince,       GroupLevel::kCity,  GroupLevel::kCounty, GroupLevel::kIndustry,
      GroupLevel::kCountyIndustry, GroupLevel::kScale, GroupLevel::kTag};
  for (const std::string& county : table->counties()) {
    Require(table->IsCounty(county));
    const std::string& city = table->CityOf(county);
    Require(table->Find(city) != nullptr);
    Require(table->Find(table->ProvinceOf(county)) != nullptr);
    Enterprise e;
    e.id = "E1";
    e.county = county;
    e.industry = "I07";
    e.tags = {"t"};
    Require(GroupKeysOf(e, *table, kAllLevels).size() == kAllLevels.size());
  }
}

void Calendar(std::string_view calendar_csv, std::string_view festivals_csv) {
  Result<HolidayCalendar> calendar = HolidayCalendar::Parse(calendar_csv, festivals_csv, "fuzz");
  if (!calendar.ok()) return;
  // 2020-02-16, and days far out on either side.
  static const EngineConfig* config = new EngineConfig();
  for (Day day : {Day{18308}, Day{0}, Day{-719468}, Day{2932896}}) {
    calendar->KindOf(day);
    const int type = calendar->DayTypeOf(day);
    Require(type >= 0 && type <= 6);
    calendar->SeasonFestivalOf(day);
    Result<DayRange> window = BaselineWindowFor(day, *config, *calendar);
    if (window.ok()) Require(window->length() == config->baseline_days);
  }
}

void Industries(std::string_view categories_csv, std::string_view divisions_csv) {
  Result<IndustryTable> table = IndustryTable::Parse(categories_csv, divisions_csv);
  if (!table.ok()) return;
  auto check = [&](std::string_view industry) {
    Result<std::string> category = table->Classify(industry);
    if (category.ok()) Require(table->Find(*category) != nullptr);
  };
  for (const IndustryCategory& c : table->categories()) check(c.code);
  for (std::string_view s : {"C34", "34", "3411", "C3411", "F", "C", "I07", "", "Z99"}) check(s);
  // Codes made of the table's own bytes reach the division and section maps.
  check(categories_csv.substr(0, 5));
  check(divisions_csv.substr(0, 5));
}

void Csv(std::string_view text, char separator) {
  Result<CsvTable> table = CsvTable::Parse(text, "fuzz", separator);
  if (!table.ok()) return;
  for (size_t i = 0; i < table->rows().size(); ++i) {
    Require(table->rows()[i].size() == table->header().size());
    Require(table->LineOf(i) >= 2);
  }
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fugong::fuzz::SelectedInput input;
  if (!fugong::fuzz::Select(data, size, &input)) return 0;
  const auto [first, second] = fugong::fuzz::SplitFirst(input.rest, '\0');
  switch (input.selector % 4) {
    case 0:
      fugong::Regions(input.rest);
      break;
    case 1:
      fugong::Calendar(first, second);
      break;
    case 2:
      fugong::Industries(first, second);
      break;
    default:
      fugong::Csv(input.rest, (input.selector & 4) != 0 ? ';' : ',');
      break;
  }
  return 0;
}
