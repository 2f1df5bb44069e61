#include "engine/score/day_score.h"

#include <bit>
#include <cstdint>

#include "engine/state/key_codec.h"

namespace fugong {

namespace {

constexpr size_t kBytes = 2 + 3 * 8;
enum Flags : uint8_t {
  kHasData = 1,
  kEligible = 2,
  kResumed = 4,
  // The day-shape verdict (issue 14); rows written before it have none of these: not judged.
  kShapeJudged = 8,
  kActive = 16,
  kSuspectIdle = 32,
};
constexpr uint8_t kAllFlags =
    kHasData | kEligible | kResumed | kShapeJudged | kActive | kSuspectIdle;

}  // namespace

std::string DayScore::Encode() const {
  std::string out;
  out.reserve(kBytes);
  out.push_back(static_cast<char>((has_data ? kHasData : 0) | (eligible ? kEligible : 0) |
                                  (resumed ? kResumed : 0) | (shape_judged ? kShapeJudged : 0) |
                                  (active ? kActive : 0) | (suspect_idle ? kSuspectIdle : 0)));
  out.push_back(static_cast<char>(energy_status));
  AppendFixed64(std::bit_cast<uint64_t>(energy_kwh), &out);
  AppendFixed64(std::bit_cast<uint64_t>(recovered_kwh), &out);
  AppendFixed64(std::bit_cast<uint64_t>(baseline_kwh), &out);
  return out;
}

std::optional<DayScore> DayScore::Decode(std::string_view bytes) {
  if (bytes.size() != kBytes) return std::nullopt;
  const auto flags = static_cast<uint8_t>(bytes[0]);
  const auto status = static_cast<uint8_t>(bytes[1]);
  if ((flags & ~kAllFlags) != 0 || status > static_cast<uint8_t>(EnergyStatus::kMissing)) {
    return std::nullopt;
  }
  DayScore s;
  s.has_data = flags & kHasData;
  s.eligible = flags & kEligible;
  s.resumed = flags & kResumed;
  s.shape_judged = flags & kShapeJudged;
  s.active = flags & kActive;
  s.suspect_idle = flags & kSuspectIdle;
  s.energy_status = static_cast<EnergyStatus>(status);
  s.energy_kwh = std::bit_cast<double>(ReadFixed64(bytes.data() + 2));
  s.recovered_kwh = std::bit_cast<double>(ReadFixed64(bytes.data() + 10));
  s.baseline_kwh = std::bit_cast<double>(ReadFixed64(bytes.data() + 18));
  return s;
}

}  // namespace fugong
