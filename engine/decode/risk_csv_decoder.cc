#include "engine/decode/risk_csv_decoder.h"

#include "engine/decode/csv_fields.h"

namespace fugong {

Result<RiskCsvDecoder> RiskCsvDecoder::FromHeader(std::string_view header_line,
                                                  const RegionTable* regions) {
  std::vector<std::string> names;
  FUGONG_RETURN_IF_ERROR(ReadHeader(header_line, &names));
  RiskCsvDecoder d;
  d.regions_ = regions;
  d.columns_ = names.size();
  d.county_ = IndexOf(names, "county_code");
  d.date_ = IndexOf(names, "date");
  d.level_ = IndexOf(names, "level");
  if (d.county_ < 0 || d.date_ < 0 || d.level_ < 0) {
    return Status::InvalidArgument("risk chart header must name county_code, date, level");
  }
  return d;
}

bool RiskCsvDecoder::Decode(std::string_view line, Row* out, DecodeError* error) {
  if (!SplitFields(line, columns_, &fields_, error)) return false;
  return DecodeRiskFields(fields_[county_], fields_[date_], fields_[level_], *regions_, out, error);
}

bool DecodeRiskFields(std::string_view county_code, std::string_view date, std::string_view level,
                      const RegionTable& regions, RiskRow* out, DecodeError* error) {
  county_code = TrimSpaces(county_code);
  date = TrimSpaces(date);
  level = TrimSpaces(level);
  if (!regions.IsCounty(county_code)) {
    *error = {DeadLetterReason::kUnknownCounty, "unknown county " + std::string(county_code)};
    return false;
  }
  if (!ParseDate(date, &out->day)) {
    *error = {DeadLetterReason::kBadDate, "not a date: '" + std::string(date) + "'"};
    return false;
  }
  const std::optional<RiskLevel> parsed = ParseRiskLevel(level);
  if (!parsed) {
    *error = {
        DeadLetterReason::kBadRiskLevel,
        "not a risk level (very_high, high, medium, lower, low): '" + std::string(level) + "'"};
    return false;
  }
  out->level = *parsed;
  out->county = county_code;
  return true;
}

}  // namespace fugong
