// Fuzzes the tzdata reader (engine/common/time_zone.*): compiled zone files (TZif, RFC 8536, with
// the POSIX TZ footer rule) and zone names. With an even first byte the rest is the bytes of a
// zone file (TimeZone::FromTzif); with an odd one it is the text of `timezone:` in a config
// (TimeZone::Parse: a fixed offset or a name under /usr/share/zoneinfo, which must not escape it).
// A zone that loads is then asked what the engine asks of it, at instants from 1900 to 2300 and
// at the ends of the table and of the footer rule.
//
// Oracle: no crash, leak or UB, and a zone that loads obeys the definitions of time_zone.h (the
// same ones tests/time_zone_test.cc checks): the local day is the floor of the wall clock, a day
// starts no later than any of its instants, Localize agrees with LocalDayOf.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "engine/common/time_zone.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

void Exercise(const TimeZone& zone) {
  // 1900-06-01, 1970-01-01, 2020-03-29T01:00Z (a spring change), 2020-10-25T01:30Z (a fall
  // change), 2038-01-19 (the end of 32-bit times), 2101-01-01 (past most tables), 2300-01-01.
  static constexpr EpochSeconds kInstants[] = {-2195164800, 0,          1585443600, 1603589400,
                                               2147483647,  4133980800, 10413792000};
  for (EpochSeconds t : kInstants) {
    const int offset = zone.OffsetAt(t);
    const Day day = zone.LocalDayOf(t);
    Require(day == FloorDiv(t + offset, 86400));
    const TimeZone::LocalTime local = zone.Localize(t);
    Require(local.day == day);
    const EpochSeconds start = zone.StartOfLocalDay(day);
    Require(start <= t);
    Require(local.seconds_into_day == t - start);
    zone.LocalDayLengthSeconds(day);
    zone.LocalDayLengthSeconds(day + 1);
  }
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fugong::fuzz::SelectedInput input;
  if (!fugong::fuzz::Select(data, size, &input)) return 0;
  fugong::Result<fugong::TimeZone> zone = (input.selector & 1) == 0
                                              ? fugong::TimeZone::FromTzif(input.rest, "Fuzz/Zone")
                                              : fugong::TimeZone::Parse(std::string(input.rest));
  if (zone.ok()) fugong::Exercise(*zone);
  return 0;
}
