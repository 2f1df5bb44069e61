// The records of a few days out of an index JSONL (what `fugong backfill --out` writes), held in
// memory as a DayRecordSource: `fugong bulletin --index FILE` reads one day and the day before
// it, not the whole file.
#pragma once

#include <map>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "app/bulletin/day_record_source.h"

namespace fugong {

class IndexFileRecords : public DayRecordSource {
 public:
  // Keeps the records of `days`. A record of one of those days that is not an index record (no
  // date, level or code) makes the file unreadable, with its line number: a bulletin made from
  // part of a day would be worse than none. Lines of other days are only checked to be JSON
  // objects on one line, so that a season's file is read in about a second. A key given twice
  // keeps its last line, as a compacted topic would.
  static Result<IndexFileRecords> Load(const std::string& path, const std::set<Day>& days);

  Status DayRecords(Day day, std::string_view level, std::vector<std::string>* out) const override;

 private:
  // (date, level) -> code -> record.
  std::map<std::pair<Day, std::string>, std::map<std::string, std::string>, std::less<>> records_;
};

}  // namespace fugong
