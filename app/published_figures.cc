#include "app/published_figures.h"

#include <nlohmann/json.hpp>

#include "engine/score/tier.h"

namespace fugong {

bool ReadPublishedFigures(std::string_view json, PublishedFigures* out) {
  const nlohmann::json record = nlohmann::json::parse(json, nullptr, /*allow_exceptions=*/false);
  if (!record.is_object() || !record["date"].is_string() || !record["level"].is_string() ||
      !record["code"].is_string()) {
    return false;
  }
  out->date = record["date"];
  out->level = record["level"];
  out->code = record["code"];
  const nlohmann::json& composite = record["composite"];
  const nlohmann::json& tier = record["tier"];
  out->composite =
      composite.is_number() ? std::optional<double>(composite.get<double>()) : std::nullopt;
  out->tier = tier.is_string() ? TierNumber(tier.get<std::string>()) : 0;
  return true;
}

}  // namespace fugong
