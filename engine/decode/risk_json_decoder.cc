#include "engine/decode/risk_json_decoder.h"

namespace fugong {

namespace {

enum RiskField : size_t { kCountyCode, kDate, kLevel };

// In the order of RiskField.
constexpr JsonFieldSpec kRiskFields[] = {
    {"county_code", true, false}, {"date", true, false}, {"level", true, false}};

}  // namespace

RiskJsonDecoder::RiskJsonDecoder(const RegionTable* regions, size_t max_message_bytes)
    : regions_(regions), reader_(kRiskFields, kCountyCode, max_message_bytes) {}

bool RiskJsonDecoder::Decode(std::optional<std::string_view> key, std::string_view value,
                             RiskRow* out, DecodeError* error) {
  return reader_.Read(key, value, error) &&
         DecodeRiskFields(reader_.required(kCountyCode), reader_.required(kDate),
                          reader_.required(kLevel), *regions_, out, error) &&
         reader_.CheckKey(*key, error);
}

}  // namespace fugong
