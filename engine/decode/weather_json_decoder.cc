#include "engine/decode/weather_json_decoder.h"

namespace fugong {

namespace {

enum WeatherField : size_t { kCountyCode, kDate, kTempMeanC };

// In the order of WeatherField.
constexpr JsonFieldSpec kWeatherFields[] = {
    {"county_code", true, false}, {"date", true, false}, {"temp_mean_c", true, true}};

}  // namespace

WeatherJsonDecoder::WeatherJsonDecoder(const RegionTable* regions, size_t max_message_bytes)
    : regions_(regions), reader_(kWeatherFields, kCountyCode, max_message_bytes) {}

bool WeatherJsonDecoder::Decode(std::optional<std::string_view> key, std::string_view value,
                                WeatherRow* out, DecodeError* error) {
  return reader_.Read(key, value, error) &&
         DecodeWeatherFields(reader_.required(kCountyCode), reader_.required(kDate),
                             reader_.required(kTempMeanC), *regions_, out, error) &&
         reader_.CheckKey(*key, error);
}

}  // namespace fugong
