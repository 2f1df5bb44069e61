#include "engine/decode/enterprise_csv_decoder.h"

#include <algorithm>
#include <charconv>
#include <cmath>

#include "engine/decode/csv_fields.h"
#include "engine/reference/csv_table.h"

namespace fugong {

Result<EnterpriseCsvDecoder> EnterpriseCsvDecoder::FromHeader(std::string_view header_line,
                                                              const RegionTable* regions,
                                                              const IndustryTable* industries) {
  std::vector<std::string> names;
  FUGONG_RETURN_IF_ERROR(ReadHeader(header_line, &names));
  EnterpriseCsvDecoder d;
  d.regions_ = regions;
  d.industries_ = industries;
  d.columns_ = names.size();
  d.id_ = IndexOf(names, "enterprise_id");
  d.county_ = IndexOf(names, "county_code");
  d.industry_ = IndexOf(names, "industry");
  d.scale_ = IndexOf(names, "scale");
  d.tags_ = IndexOf(names, "tags");
  d.from_ = IndexOf(names, "active_from");
  d.to_ = IndexOf(names, "active_to");
  if (d.id_ < 0 || d.county_ < 0 || d.industry_ < 0 || d.scale_ < 0) {
    return Status::InvalidArgument(
        "enterprises header must name enterprise_id, county_code, industry, scale; got: " +
        std::string(header_line));
  }
  return d;
}

bool EnterpriseCsvDecoder::Decode(std::string_view line, Enterprise* out, DecodeError* error) {
  if (!SplitFields(line, columns_, &fields_, error)) return false;
  auto optional_field = [&](int column) {
    return column >= 0 ? std::optional<std::string_view>(fields_[column]) : std::nullopt;
  };
  return DecodeEnterpriseFields(
      {fields_[id_], fields_[county_], fields_[industry_], fields_[scale_], optional_field(tags_),
       optional_field(from_), optional_field(to_)},
      *regions_, *industries_, out, error);
}

bool DecodeEnterpriseFields(const EnterpriseFieldText& text, const RegionTable& regions,
                            const IndustryTable& industries, Enterprise* out, DecodeError* error) {
  Enterprise e;
  e.id = TrimSpaces(text.enterprise_id);
  if (!IsValidId(e.id)) {
    *error = {DeadLetterReason::kBadEnterprise,
              "empty or invalid enterprise_id (control bytes, or not UTF-8)"};
    return false;
  }
  e.county = TrimSpaces(text.county_code);
  if (!regions.IsCounty(e.county)) {
    *error = {DeadLetterReason::kUnknownCounty,
              "county_code " + e.county + " is not a county of the region table"};
    return false;
  }
  Result<std::string> category = industries.Classify(TrimSpaces(text.industry));
  if (!category.ok()) {
    *error = {DeadLetterReason::kUnknownIndustry, category.status().message()};
    return false;
  }
  e.industry = *category;
  const std::string_view scale = TrimSpaces(text.scale);
  if (scale == "above") {
    e.scale = Scale::kAbove;
  } else if (scale == "below") {
    e.scale = Scale::kBelow;
  } else {
    *error = {DeadLetterReason::kBadEnterprise,
              "scale must be above or below, got '" + std::string(scale) + "'"};
    return false;
  }
  if (text.tags) {
    std::string_view tags = TrimSpaces(*text.tags);
    while (!tags.empty()) {
      const size_t semi = tags.find(';');
      const std::string_view tag = TrimSpaces(tags.substr(0, semi));
      if (!tag.empty()) {
        if (tag.find('|') != std::string_view::npos || !IsValidId(tag)) {
          *error = {DeadLetterReason::kBadEnterprise,
                    "a tag must be UTF-8 without | or control bytes"};
          return false;
        }
        e.tags.emplace_back(tag);
      }
      if (semi == std::string_view::npos) break;
      tags.remove_prefix(semi + 1);
    }
    std::sort(e.tags.begin(), e.tags.end());
    e.tags.erase(std::unique(e.tags.begin(), e.tags.end()), e.tags.end());
  }
  for (auto [field, target] : {std::pair{TrimSpaces(text.active_from), &e.active_from},
                               std::pair{TrimSpaces(text.active_to), &e.active_to}}) {
    if (!field || field->empty()) continue;
    Day day;
    if (!ParseDate(*field, &day)) {
      *error = {DeadLetterReason::kBadEnterprise, "not a date: '" + std::string(*field) + "'"};
      return false;
    }
    *target = day;
  }
  if (e.active_from && e.active_to && *e.active_from > *e.active_to) {
    *error = {DeadLetterReason::kBadEnterprise, "active_from is after active_to"};
    return false;
  }
  *out = std::move(e);
  return true;
}

Result<WeatherCsvDecoder> WeatherCsvDecoder::FromHeader(std::string_view header_line,
                                                        const RegionTable* regions) {
  std::vector<std::string> names;
  FUGONG_RETURN_IF_ERROR(ReadHeader(header_line, &names));
  WeatherCsvDecoder d;
  d.regions_ = regions;
  d.columns_ = names.size();
  d.county_ = IndexOf(names, "county_code");
  d.date_ = IndexOf(names, "date");
  d.temp_ = IndexOf(names, "temp_mean_c");
  if (d.county_ < 0 || d.date_ < 0 || d.temp_ < 0) {
    return Status::InvalidArgument("weather header must name county_code, date, temp_mean_c");
  }
  return d;
}

bool WeatherCsvDecoder::Decode(std::string_view line, Row* out, DecodeError* error) {
  if (!SplitFields(line, columns_, &fields_, error)) return false;
  return DecodeWeatherFields(fields_[county_], fields_[date_], fields_[temp_], *regions_, out,
                             error);
}

bool DecodeWeatherFields(std::string_view county_code, std::string_view date,
                         std::string_view temp_mean_c, const RegionTable& regions, WeatherRow* out,
                         DecodeError* error) {
  county_code = TrimSpaces(county_code);
  date = TrimSpaces(date);
  const std::string_view t = TrimSpaces(temp_mean_c);
  if (!regions.IsCounty(county_code)) {
    *error = {DeadLetterReason::kBadWeather, "unknown county " + std::string(county_code)};
    return false;
  }
  if (!ParseDate(date, &out->day)) {
    *error = {DeadLetterReason::kBadWeather, "not a date: '" + std::string(date) + "'"};
    return false;
  }
  auto res = std::from_chars(t.data(), t.data() + t.size(), out->temp_mean_c);
  if (res.ec != std::errc() || res.ptr != t.data() + t.size() || !std::isfinite(out->temp_mean_c) ||
      out->temp_mean_c < -90 || out->temp_mean_c > 70) {
    *error = {DeadLetterReason::kBadWeather,
              "temp_mean_c is not a temperature: '" + std::string(t) + "'"};
    return false;
  }
  out->county = county_code;
  return true;
}

}  // namespace fugong
