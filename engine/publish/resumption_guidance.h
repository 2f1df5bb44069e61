// Guidance by zone, industry and week ("one index, two maps", issue 11): which industry
// categories a county may resume, by its epidemic risk level (its zone on the health
// commission's chart) and the week, and how far the recommended categories have resumed against
// the others. A view of published records, like the risk matrix: it changes no record.
//
// The table (config `guidance: FILE`): CSV `from,to,risk_level,industries`, industries a
// `;`-separated list of category codes (I01..I15); a line starting with `#` is a comment. Rows
// whose periods overlap for one level add their categories up.
//
// Suppression: a side's figure sums the county x industry groups that are published with
// figures; a suppressed group (fewer than min_group_size eligible enterprises) is left out of
// both sides, since adding it to a sum whose other parts are published would give its figures
// away by subtraction. A side with fewer than min_group_size eligible enterprises is suppressed.
#pragma once

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"
#include "engine/model/risk_level.h"
#include "engine/reference/industry_table.h"

namespace fugong {

class GuidanceTable {
 public:
  // Category codes are checked against `industries` (its own codes, I01..I15 by default).
  static Result<GuidanceTable> Parse(std::string_view csv, const std::string& source,
                                     const IndustryTable& industries);

  // The categories recommended for a county of `level` on `day`; nullopt when no period of the
  // table covers that day and level.
  std::optional<std::set<std::string>> Recommended(Day day, RiskLevel level) const;

 private:
  struct Period {
    Day from, to;
    RiskLevel level;
    std::vector<std::string> categories;
  };
  std::vector<Period> periods_;
};

// A county x industry group's published figures: nullopt eligible when suppressed.
struct CategoryFigures {
  std::string category;  // I01..I15
  std::optional<int64_t> eligible, resumed;
};

struct SideResumption {
  int64_t eligible = 0, resumed = 0;  // over the groups with figures
  int groups = 0;                     // those groups
  bool suppressed = true;             // eligible < min_group_size: no rate
};

struct CountyGuidance {
  bool covered = false;  // a risk level, and a period of the table for it on the day
  std::set<std::string> recommended;
  SideResumption recommended_side, others_side;
};

CountyGuidance GuideCounty(Day day, std::optional<RiskLevel> risk, const GuidanceTable& table,
                           const std::vector<CategoryFigures>& categories, int min_group_size);

}  // namespace fugong
