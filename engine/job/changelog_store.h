// The stores whose rows are kept in changelog topics (docs/scale-out.md, "Changelogs"), and the
// topics' names.
//
// Only what cannot be computed again is logged: a task's meter-days (everything its readings
// said), which task each enterprise is in with the task's partials sequence and span, and the
// task's progress (its readings offset and event time). Enterprise-days, baselines, scores and
// pending rescores are functions of the meter-days and the global tables: a restore schedules
// their recomputation, as reading the readings again would, instead of doubling the bytes
// logged.
#pragma once

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "engine/state/state_store.h"

namespace fugong {

enum class ChangelogStore : uint8_t {
  kMeterDay = 0,  // meter_day rows of the task's enterprises
  kTask = 1,      // meta rows: task of each enterprise, the task's partials span and sequence
  kProgress = 2,  // the task's progress row (readings offset, event time); sent last
};
inline constexpr std::array<ChangelogStore, 3> kChangelogStores = {
    ChangelogStore::kMeterDay, ChangelogStore::kTask, ChangelogStore::kProgress};

// "meter_day", "task", "progress".
std::string_view ChangelogStoreName(ChangelogStore store);
// The state store its rows live in.
Store StateStoreOf(ChangelogStore store);
// `fugong.<group>.<store>-changelog`, as Kafka Streams names a store's changelog after its
// application id.
std::string ChangelogTopic(std::string_view group, ChangelogStore store);

// A changelog value is the row with a one-byte format version in front (a row may be empty;
// a deleted row is a tombstone, no value).
inline constexpr char kChangelogFormat = '1';

}  // namespace fugong
