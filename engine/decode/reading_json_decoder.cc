#include "engine/decode/reading_json_decoder.h"

namespace fugong {

namespace {

enum ReadingField : size_t { kMeterId, kEnterpriseId, kTs, kKwh, kKind };

// In the order of ReadingField.
constexpr JsonFieldSpec kReadingFields[] = {{"meter_id", true, false},
                                            {"enterprise_id", true, false},
                                            {"ts", true, false},
                                            {"kwh", true, true},
                                            {"kind", false, false}};

}  // namespace

ReadingJsonDecoder::ReadingJsonDecoder(size_t max_message_bytes)
    : reader_(kReadingFields, kEnterpriseId, max_message_bytes) {}

bool ReadingJsonDecoder::Decode(std::optional<std::string_view> key, std::string_view value,
                                Reading* out, DecodeError* error) {
  return reader_.Read(key, value, error) &&
         DecodeReadingFields(reader_.required(kMeterId), reader_.required(kEnterpriseId),
                             reader_.required(kTs), reader_.required(kKwh), reader_.field(kKind),
                             out, error) &&
         reader_.CheckKey(*key, error);
}

}  // namespace fugong
