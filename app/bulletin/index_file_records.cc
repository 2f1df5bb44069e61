#include "app/bulletin/index_file_records.h"

#include <fstream>

#include "app/published_figures.h"

namespace fugong {

Result<IndexFileRecords> IndexFileRecords::Load(const std::string& path,
                                                const std::set<Day>& days) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  // Every record starts {"date":"YYYY-MM-DD" (SPEC's field order): a line of another day is
  // recognised without parsing it.
  std::set<std::string> wanted;
  for (Day day : days) wanted.insert("{\"date\":\"" + FormatDate(day) + "\"");
  IndexFileRecords out;
  std::string line;
  for (int64_t number = 1; std::getline(in, line); ++number) {
    const std::string where = path + " line " + std::to_string(number);
    if (line.empty()) continue;
    if (line.front() != '{' || line.back() != '}') {
      return Status::Corruption(where + ": not a JSON object on one line");
    }
    constexpr size_t kDatePrefix = sizeof("{\"date\":\"YYYY-MM-DD\"") - 1;
    if (!wanted.count(line.substr(0, kDatePrefix))) continue;
    PublishedFigures figures;
    Day day;
    if (!ReadPublishedFigures(line, &figures) || !ParseDate(figures.date, &day)) {
      return Status::Corruption(where + ": not an index record (date, level and code)");
    }
    out.records_[{day, figures.level}][figures.code] = line;
  }
  if (in.bad()) return Status::IOError("cannot read " + path);
  return out;
}

Status IndexFileRecords::DayRecords(Day day, std::string_view level,
                                    std::vector<std::string>* out) const {
  out->clear();
  auto it = records_.find(std::make_pair(day, std::string(level)));
  if (it == records_.end()) return Status::OK();
  for (const auto& [code, record] : it->second) out->push_back(record);
  return Status::OK();
}

}  // namespace fugong
