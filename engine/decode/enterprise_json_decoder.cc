#include "engine/decode/enterprise_json_decoder.h"

namespace fugong {

namespace {

enum EnterpriseField : size_t {
  kEnterpriseId,
  kCountyCode,
  kIndustry,
  kScale,
  kTags,
  kActiveFrom,
  kActiveTo
};

// In the order of EnterpriseField.
constexpr JsonFieldSpec kEnterpriseFields[] = {
    {"enterprise_id", true, false}, {"county_code", true, false}, {"industry", true, false},
    {"scale", true, false},         {"tags", false, false},       {"active_from", false, false},
    {"active_to", false, false}};

}  // namespace

EnterpriseJsonDecoder::EnterpriseJsonDecoder(const RegionTable* regions,
                                             const IndustryTable* industries,
                                             size_t max_message_bytes)
    : regions_(regions),
      industries_(industries),
      reader_(kEnterpriseFields, kEnterpriseId, max_message_bytes) {}

bool EnterpriseJsonDecoder::Decode(std::optional<std::string_view> key, std::string_view value,
                                   Enterprise* out, DecodeError* error) {
  if (!reader_.Read(key, value, error)) return false;
  const EnterpriseFieldText text{
      reader_.required(kEnterpriseId), reader_.required(kCountyCode), reader_.required(kIndustry),
      reader_.required(kScale),        reader_.field(kTags),          reader_.field(kActiveFrom),
      reader_.field(kActiveTo)};
  return DecodeEnterpriseFields(text, *regions_, *industries_, out, error) &&
         reader_.CheckKey(*key, error);
}

}  // namespace fugong
