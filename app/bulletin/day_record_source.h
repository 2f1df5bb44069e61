// Where a view of the published index (the bulletin) reads a day's records: the state's
// group_day store (a running service, or a backfill's --state; see app/http/published_index.h)
// or an index JSONL file that a backfill wrote (index_file_records.h). Both give the records as
// published, so a bulletin says the same whichever it is made from.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

class DayRecordSource {
 public:
  virtual ~DayRecordSource() = default;
  // The day's records of one level, in code order, each a JSON object on one line; none (and
  // OK) when the day has no record of that level.
  virtual Status DayRecords(Day day, std::string_view level,
                            std::vector<std::string>* out) const = 0;
};

}  // namespace fugong
