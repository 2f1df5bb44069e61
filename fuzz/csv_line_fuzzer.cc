// Fuzzes the CSV line decoders of the three inputs a backfill reads: readings, enterprises and
// weather. The first byte chooses the decoder; the rest is a file: its first line is the header
// (which decides the column layout), every further line is decoded as a record. A decoded
// reading is also placed on its day (ReadingValidator), since that is what a backfill does next.
//
// Oracle: no crash, leak or UB, and what a decoder accepts obeys its documented guarantees (ids
// valid, a placed reading's slot inside its day, an enterprise's county a county of the table).
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "engine/config/engine_config.h"
#include "engine/decode/enterprise_csv_decoder.h"
#include "engine/decode/reading_csv_decoder.h"
#include "engine/reference/industry_table.h"
#include "engine/reference/region_table.h"
#include "engine/validate/reading_validator.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

// A broken guarantee: abort, so that libFuzzer (and the replay test) report it.
void Require(bool condition) {
  if (!condition) std::abort();
}

void DecodeReadings(std::string_view header, std::string_view body) {
  Result<ReadingCsvDecoder> decoder = ReadingCsvDecoder::FromHeader(header);
  if (!decoder.ok()) return;
  static const EngineConfig* config = new EngineConfig();
  // 2020-03-01T00:00:00Z: what a backfill's clock would say.
  const ReadingValidator validator(*config, 1583020800);
  for (std::string_view line : fuzz::SplitAll(body, '\n')) {
    Reading reading;
    DecodeError error;
    if (!decoder->Decode(line, &reading, &error)) continue;
    Require(IsValidId(reading.meter_id) && IsValidId(reading.enterprise_id));
    Require(reading.energy >= 0);
    PlacedReading placed;
    if (validator.Place(reading, &placed, &error)) {
      Require(placed.slot >= -1 && placed.slot < config->SlotsPerDay());
    }
  }
}

void DecodeEnterprises(std::string_view header, std::string_view body) {
  const RegionTable& regions = RegionTable::Zhejiang();
  Result<EnterpriseCsvDecoder> decoder =
      EnterpriseCsvDecoder::FromHeader(header, &regions, &IndustryTable::Standard());
  if (!decoder.ok()) return;
  for (std::string_view line : fuzz::SplitAll(body, '\n')) {
    Enterprise enterprise;
    DecodeError error;
    if (!decoder->Decode(line, &enterprise, &error)) continue;
    Require(IsValidId(enterprise.id));
    Require(regions.IsCounty(enterprise.county));
    Require(IndustryTable::Standard().Find(enterprise.industry) != nullptr);
  }
}

void DecodeWeather(std::string_view header, std::string_view body) {
  const RegionTable& regions = RegionTable::Zhejiang();
  Result<WeatherCsvDecoder> decoder = WeatherCsvDecoder::FromHeader(header, &regions);
  if (!decoder.ok()) return;
  for (std::string_view line : fuzz::SplitAll(body, '\n')) {
    WeatherRow row;
    DecodeError error;
    if (!decoder->Decode(line, &row, &error)) continue;
    Require(regions.IsCounty(row.county));
  }
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  fugong::fuzz::SelectedInput input;
  if (!fugong::fuzz::Select(data, size, &input)) return 0;
  const auto [header, body] = fugong::fuzz::SplitFirst(input.rest, '\n');
  switch (input.selector % 3) {
    case 0:
      fugong::DecodeReadings(header, body);
      break;
    case 1:
      fugong::DecodeEnterprises(header, body);
      break;
    default:
      fugong::DecodeWeather(header, body);
      break;
  }
  return 0;
}
