// Fuzzes the JSON message decoders of the streaming service's three input topics: readings,
// enterprises and weather (engine/decode/*_json_decoder.*, and under them JsonRecordReader and
// JsonObjectScanner). The first byte chooses the decoder (bits 0-1) and the size limit (bit 2:
// the smallest a config allows, 64 bytes, else the default); the rest is `KEY\nVALUE`, or just
// VALUE (a message without a key) when it has no newline.
//
// Oracle: no crash, leak or UB; an accepted message obeys the decoder's guarantees (ids valid,
// the key equal to the key field, codes known to the tables); and decoding is deterministic (the
// same message through a second, fresh decoder gets the same verdict).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "engine/decode/enterprise_json_decoder.h"
#include "engine/decode/reading_json_decoder.h"
#include "engine/decode/weather_json_decoder.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

void SameVerdict(bool ok, const DecodeError& error, bool ok_again, const DecodeError& again) {
  Require(ok == ok_again);
  if (!ok) Require(error.reason == again.reason && error.detail == again.detail);
}

void DecodeReading(std::optional<std::string_view> key, std::string_view value, size_t limit) {
  // One long-lived decoder, as the service keeps, and a fresh one: the scratch buffers a decoder
  // keeps between messages must not change a verdict.
  static ReadingJsonDecoder* kept = new ReadingJsonDecoder(65536);
  static ReadingJsonDecoder* kept_small = new ReadingJsonDecoder(64);
  ReadingJsonDecoder fresh(limit);
  Reading reading, again;
  DecodeError error, error_again;
  const bool ok = (limit == 64 ? kept_small : kept)->Decode(key, value, &reading, &error);
  const bool ok_again = fresh.Decode(key, value, &again, &error_again);
  SameVerdict(ok, error, ok_again, error_again);
  if (!ok) return;
  Require(key.has_value() && *key == reading.enterprise_id);
  Require(IsValidId(reading.meter_id) && IsValidId(reading.enterprise_id));
  Require(reading.energy >= 0 && reading.energy == again.energy && reading.ts == again.ts);
  Require(reading.meter_id == again.meter_id && reading.enterprise_id == again.enterprise_id);
}

void DecodeEnterprise(std::optional<std::string_view> key, std::string_view value, size_t limit) {
  const RegionTable& regions = RegionTable::Zhejiang();
  const IndustryTable& industries = IndustryTable::Standard();
  EnterpriseJsonDecoder decoder(&regions, &industries, limit);
  EnterpriseJsonDecoder fresh(&regions, &industries, limit);
  Enterprise enterprise, again;
  DecodeError error, error_again;
  const bool ok = decoder.Decode(key, value, &enterprise, &error);
  SameVerdict(ok, error, fresh.Decode(key, value, &again, &error_again), error_again);
  if (!ok) return;
  Require(key.has_value());
  Require(IsValidId(enterprise.id) && regions.IsCounty(enterprise.county));
  Require(industries.Find(enterprise.industry) != nullptr);
}

void DecodeWeather(std::optional<std::string_view> key, std::string_view value, size_t limit) {
  const RegionTable& regions = RegionTable::Zhejiang();
  WeatherJsonDecoder decoder(&regions, limit);
  WeatherJsonDecoder fresh(&regions, limit);
  WeatherRow row, again;
  DecodeError error, error_again;
  const bool ok = decoder.Decode(key, value, &row, &error);
  SameVerdict(ok, error, fresh.Decode(key, value, &again, &error_again), error_again);
  if (!ok) return;
  Require(key.has_value() && regions.IsCounty(row.county));
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fugong::fuzz::SelectedInput input;
  if (!fugong::fuzz::Select(data, size, &input)) return 0;
  const size_t limit = (input.selector & 4) != 0 ? 64 : 65536;
  std::optional<std::string_view> key;
  std::string_view value = input.rest;
  const size_t newline = value.find('\n');
  if (newline != std::string_view::npos) {
    key = value.substr(0, newline);
    value.remove_prefix(newline + 1);
  }
  switch (input.selector & 3) {
    case 0:
    case 3:
      fugong::DecodeReading(key, value, limit);
      break;
    case 1:
      fugong::DecodeEnterprise(key, value, limit);
      break;
    default:
      fugong::DecodeWeather(key, value, limit);
      break;
  }
  return 0;
}
