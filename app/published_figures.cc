#include "app/published_figures.h"

#include <nlohmann/json.hpp>

#include "engine/score/tier.h"

namespace fugong {

namespace {

// A field's number, none when it is absent, null or not a number.
std::optional<double> NumberOf(const nlohmann::json& record, const char* key) {
  const auto it = record.find(key);
  return it != record.end() && it->is_number() ? std::optional<double>(it->get<double>())
                                               : std::nullopt;
}

// A field's integer, none when it is absent, null or not an integer.
std::optional<int64_t> IntegerOf(const nlohmann::json& record, const char* key) {
  const auto it = record.find(key);
  return it != record.end() && it->is_number_integer() ? std::optional<int64_t>(it->get<int64_t>())
                                                       : std::nullopt;
}

}  // namespace

bool ReadPublishedFigures(std::string_view json, PublishedFigures* out) {
  const nlohmann::json record = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object()) return false;
  // find(), not operator[]: on a const object a missing key is undefined behaviour.
  const auto date = record.find("date"), level = record.find("level"), code = record.find("code");
  if (date == record.end() || !date->is_string() || level == record.end() || !level->is_string() ||
      code == record.end() || !code->is_string()) {
    return false;
  }
  out->date = date->get<std::string>();
  out->level = level->get<std::string>();
  out->code = code->get<std::string>();
  const auto name = record.find("name");
  out->name = name != record.end() && name->is_string() ? name->get<std::string>() : "";
  const auto tier = record.find("tier");
  out->composite = NumberOf(record, "composite");
  out->tier = tier != record.end() && tier->is_string() ? TierNumber(tier->get<std::string>()) : 0;
  out->eligible = IntegerOf(record, "eligible");
  out->resumed = IntegerOf(record, "resumed");
  out->load_recovery = NumberOf(record, "load_recovery");
  out->suspect_idle = IntegerOf(record, "suspect_idle");
  out->active_rate = NumberOf(record, "active_rate");
  out->last_year_composite = std::nullopt;
  out->last_year_date.clear();
  const auto last_year = record.find("last_year");
  if (last_year != record.end() && last_year->is_object()) {
    const auto composite_then = last_year->find("composite");
    const auto date_then = last_year->find("date");
    if (composite_then != last_year->end() && composite_then->is_number() &&
        date_then != last_year->end() && date_then->is_string()) {
      out->last_year_composite = composite_then->get<double>();
      out->last_year_date = date_then->get<std::string>();
    }
  }
  const auto risk = record.find("risk");
  out->risk = risk != record.end() && risk->is_string()
                  ? ParseRiskLevel(risk->get_ref<const std::string&>())
                  : std::nullopt;
  return true;
}

}  // namespace fugong
