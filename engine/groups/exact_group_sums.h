// The sums of one group on one day, kept exactly: the counts, and the two kWh sums as ExactSum
// (engine/common/exact_sum.h). Sums over any subsets of a group's enterprises -- the input
// partitions that several instances own, the shards of a parallel close -- add up to the same
// bits whatever the order or grouping, so a record does not depend on how the work was split.
// Records are made from Rounded(): each kWh sum rounded once, from its exact value, to the
// nearest double.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/exact_sum.h"
#include "engine/groups/group_day_sums.h"

namespace fugong {

struct ExactGroupSums {
  uint32_t registered = 0;  // registered and active on the day
  uint32_t eligible = 0;
  uint32_t resumed = 0;
  // The day-shape counts over the eligible (issue 14): judged, active, suspects of idle running.
  uint32_t shape_judged = 0;
  uint32_t active = 0;
  uint32_t suspect_idle = 0;
  ExactSum recovered_kwh;  // sum of min(E, r_max * B) over the eligible
  ExactSum baseline_kwh;   // sum of B over the eligible

  void Add(const ExactGroupSums& other);
  GroupDaySums Rounded() const;
  bool IsZero() const;

  // A canonical encoding (equal sums, equal bytes), for partial sums sent between instances:
  //   byte 0: version 2; then registered, eligible, resumed, shape_judged, active, suspect_idle
  //   as 32-bit little-endian; then each ExactSum's encoding preceded by its length as 16-bit
  //   little-endian. Version 1 (without the shape counts) is still read, with zero counts.
  void Encode(std::string* out) const;
  // The sums Encode wrote, or nothing for any other bytes.
  static std::optional<ExactGroupSums> Decode(std::string_view bytes);

  friend bool operator==(const ExactGroupSums& a, const ExactGroupSums& b) {
    return a.registered == b.registered && a.eligible == b.eligible && a.resumed == b.resumed &&
           a.shape_judged == b.shape_judged && a.active == b.active &&
           a.suspect_idle == b.suspect_idle && a.recovered_kwh == b.recovered_kwh &&
           a.baseline_kwh == b.baseline_kwh;
  }
};

// Adds one enterprise's day to the sums of its groups (`sums` indexed by group): counted as
// registered when active, and its score's terms when it is eligible. Any order gives the same
// sums.
template <typename Score>
void AddScoreTerms(const Score* score, const std::vector<uint32_t>& groups,
                   std::vector<ExactGroupSums>* sums);

template <typename Score>
void AddToGroupSums(bool active, const Score* score, const std::vector<uint32_t>& groups,
                    std::vector<ExactGroupSums>* sums) {
  if (!active) return;
  for (uint32_t g : groups) ++(*sums)[g].registered;
  AddScoreTerms(score, groups, sums);
}

// The score's part of AddToGroupSums, for an enterprise active on the day: its terms when it is
// eligible, nothing else (its registered count is the registry's: RegisteredOn in
// day_group_sums.h).
template <typename Score>
void AddScoreTerms(const Score* score, const std::vector<uint32_t>& groups,
                   std::vector<ExactGroupSums>* sums) {
  if (score == nullptr || !score->eligible) return;
  for (uint32_t g : groups) {
    ExactGroupSums& s = (*sums)[g];
    ++s.eligible;
    s.resumed += score->resumed ? 1 : 0;
    s.shape_judged += score->shape_judged ? 1 : 0;
    s.active += score->active ? 1 : 0;
    s.suspect_idle += score->suspect_idle ? 1 : 0;
    s.recovered_kwh.Add(score->recovered_kwh);
    s.baseline_kwh.Add(score->baseline_kwh);
  }
}

}  // namespace fugong
