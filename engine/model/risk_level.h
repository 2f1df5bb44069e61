// The health commission's five epidemic risk levels of a county, as its five-colour chart draws
// them (February 2020: very high red, high orange, medium yellow, lower blue, low green).
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>

namespace fugong {

// In the order of decreasing risk, which is the order of the matrix's rows.
enum class RiskLevel : uint8_t { kVeryHigh, kHigh, kMedium, kLower, kLow };

constexpr std::array<RiskLevel, 5> kRiskLevels = {
    RiskLevel::kVeryHigh, RiskLevel::kHigh, RiskLevel::kMedium, RiskLevel::kLower, RiskLevel::kLow};

// `very_high`, `high`, `medium`, `lower`, `low`: the text of records, files and the API.
std::string_view RiskLevelName(RiskLevel level);
// `red`, `orange`, `yellow`, `blue`, `green`.
std::string_view RiskLevelColor(RiskLevel level);
// The level named `name` exactly (no case folding: a chart is machine-written).
std::optional<RiskLevel> ParseRiskLevel(std::string_view name);

}  // namespace fugong
