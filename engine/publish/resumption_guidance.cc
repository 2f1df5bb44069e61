#include "engine/publish/resumption_guidance.h"

#include "engine/reference/csv_table.h"

namespace fugong {

namespace {

bool IsCategoryCode(std::string_view code) {
  if (code.size() != 3 || code[0] != 'I' || code[1] < '0' || code[1] > '9' || code[2] < '0' ||
      code[2] > '9') {
    return false;
  }
  const int n = (code[1] - '0') * 10 + (code[2] - '0');
  return n >= 1 && n <= 15;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\r')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

}  // namespace

Result<GuidanceTable> GuidanceTable::Parse(std::string_view csv, const std::string& source) {
  GuidanceTable table;
  bool header = true;
  int line_number = 0;
  std::vector<std::string> fields;
  for (size_t at = 0; at < csv.size();) {
    size_t end = csv.find('\n', at);
    if (end == std::string_view::npos) end = csv.size();
    const std::string_view line = Trim(csv.substr(at, end - at));
    at = end + 1;
    ++line_number;
    if (line.empty() || line.front() == '#') continue;
    const std::string where = source + " line " + std::to_string(line_number) + ": ";
    if (!SplitCsvLine(line, ',', &fields) || fields.size() != 4) {
      return Status::InvalidArgument(where + "want from,to,risk_level,industries");
    }
    if (header) {
      header = false;
      if (Trim(fields[0]) == "from") continue;  // the header names the columns
    }
    Period p;
    if (!ParseDate(Trim(fields[0]), &p.from) || !ParseDate(Trim(fields[1]), &p.to) ||
        p.to < p.from) {
      return Status::InvalidArgument(where + "from and to must be dates, from <= to");
    }
    const std::optional<RiskLevel> level = ParseRiskLevel(Trim(fields[2]));
    if (!level) {
      return Status::InvalidArgument(where + "unknown risk level '" + fields[2] +
                                     "' (very_high, high, medium, lower, low)");
    }
    p.level = *level;
    std::string_view list = fields[3];
    while (!list.empty()) {
      const size_t semicolon = list.find(';');
      const std::string_view code = Trim(list.substr(0, semicolon));
      if (!code.empty()) {
        if (!IsCategoryCode(code)) {
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
