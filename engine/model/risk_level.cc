#include "engine/model/risk_level.h"

namespace fugong {

namespace {

constexpr std::array<std::string_view, 5> kNames = {"very_high", "high", "medium", "lower", "low"};
constexpr std::array<std::string_view, 5> kColors = {"red", "orange", "yellow", "blue", "green"};

}  // namespace

std::string_view RiskLevelName(RiskLevel level) { return kNames[static_cast<size_t>(level)]; }

std::string_view RiskLevelColor(RiskLevel level) { return kColors[static_cast<size_t>(level)]; }

std::optional<RiskLevel> ParseRiskLevel(std::string_view name) {
  for (RiskLevel level : kRiskLevels) {
    if (RiskLevelName(level) == name) return level;
  }
  return std::nullopt;
}

}  // namespace fugong
