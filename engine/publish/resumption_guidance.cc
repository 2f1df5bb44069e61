#include "engine/publish/resumption_guidance.h"

#include "engine/decode/csv_fields.h"
#include "engine/reference/csv_table.h"

namespace fugong {

Result<GuidanceTable> GuidanceTable::Parse(std::string_view csv, const std::string& source,
                                           const IndustryTable& industries) {
  GuidanceTable table;
  bool header = true;
  int line_number = 0;
  std::vector<std::string> fields;
  for (size_t at = 0; at < csv.size();) {
    size_t end = csv.find('\n', at);
    if (end == std::string_view::npos) end = csv.size();
    std::string_view line = csv.substr(at, end - at);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    line = TrimSpaces(line);
    at = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = source + " line " + std::to_string(line_number) + ": ";
    if (!SplitCsvLine(line, ',', &fields) || fields.size() != 4) {
      return Status::InvalidArgument(where + "want from,to,risk_level,industries");
    }
    if (header) {
      header = false;
      if (TrimSpaces(std::string_view(fields[0])) == "from")
        continue;  // the header names the columns
    }
    Period p;
    if (!ParseDate(TrimSpaces(std::string_view(fields[0])), &p.from) ||
        !ParseDate(TrimSpaces(std::string_view(fields[1])), &p.to) || p.to < p.from) {
      return Status::InvalidArgument(where + "from and to must be dates, from <= to");
    }
    const std::optional<RiskLevel> level = ParseRiskLevel(TrimSpaces(std::string_view(fields[2])));
    if (!level) {
      return Status::InvalidArgument(where + "unknown risk level '" + fields[2] +
                                     "' (very_high, high, medium, lower, low)");
    }
    p.level = *level;
    std::string_view list = fields[3];
    while (!list.empty()) {
      const size_t semicolon = list.find(';');
      const std::string_view code = TrimSpaces(list.substr(0, semicolon));
      if (!code.empty()) {
        // A category's own code: Find also maps GB/T 4754 codes (C27) to their category.
        const IndustryCategory* category = industries.Find(code);
        if (category == nullptr || category->code != code) {
          return Status::InvalidArgument(where + "'" + std::string(code) +
                                         "' is not an industry category (I01..I15)");
        }
        p.categories.emplace_back(code);
      }
      if (semicolon == std::string_view::npos) break;
      list.remove_prefix(semicolon + 1);
    }
    table.periods_.push_back(std::move(p));
  }
  if (table.periods_.empty()) return Status::InvalidArgument(source + ": no guidance periods");
  return table;
}

std::optional<std::set<std::string>> GuidanceTable::Recommended(Day day, RiskLevel level) const {
  std::optional<std::set<std::string>> out;
  for (const Period& p : periods_) {
    if (p.level != level || day < p.from || day > p.to) continue;
    if (!out) out.emplace();
    out->insert(p.categories.begin(), p.categories.end());
  }
  return out;
}

CountyGuidance GuideCounty(Day day, std::optional<RiskLevel> risk, const GuidanceTable& table,
                           const std::vector<CategoryFigures>& categories, int min_group_size) {
  CountyGuidance g;
  if (!risk) return g;
  std::optional<std::set<std::string>> recommended = table.Recommended(day, *risk);
  if (!recommended) return g;
  g.covered = true;
  g.recommended = std::move(*recommended);
  for (const CategoryFigures& c : categories) {
    if (!c.eligible || !c.resumed) continue;  // suppressed: on neither side
    SideResumption& side = g.recommended.count(c.category) ? g.recommended_side : g.others_side;
    side.eligible += *c.eligible;
    side.resumed += *c.resumed;
    ++side.groups;
  }
  for (SideResumption* side : {&g.recommended_side, &g.others_side}) {
    side->suppressed = side->eligible < min_group_size;
  }
  return g;
}

}  // namespace fugong
