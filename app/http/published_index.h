// The published index as the API reads it: the state's group_day store, where each key
// DATE|LEVEL|CODE holds the record last published (revision and computed_at included), so the
// API answers with the same bytes as the latest message of that key on the index topic.
// Read-only and safe to use from any thread while the service writes (RocksDB reads).
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "app/bulletin/day_record_source.h"
#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/state/state_store.h"

namespace fugong {

class PublishedIndex : public DayRecordSource {
 public:
  explicit PublishedIndex(const StateStore* state) : state_(state) {}

  // Every date with at least one published record, ascending.
  std::vector<Day> Dates() const;
  // The latest date with a published record; false if none.
  bool LatestDate(Day* day) const;
  // A day's records of one level, in code order (each a JSON object on one line).
  Status DayRecords(Day day, std::string_view level, std::vector<std::string>* out) const override;
  // NotFound when that record was never published.
  Status Record(Day day, std::string_view level, std::string_view code, std::string* out) const;
  // The records of one group over [from, to], ascending by date.
  Status Series(std::string_view level, std::string_view code, Day from, Day to,
                std::vector<std::string>* out) const;

 private:
  const StateStore* state_;
};

}  // namespace fugong
