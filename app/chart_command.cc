#include "app/chart_command.h"

#include <CLI/CLI.hpp>
#include <cctype>
#include <cstdio>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "app/render/line_chart_svg.h"
#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

namespace {

// The figures of an index record that a chart can draw. Rates are stored as 0..1 but drawn in
// percent, so that they share the composite's 0-100 axis (and its tier bands) on one chart.
struct FieldInfo {
  std::string_view name;
  std::string_view caption;
  bool is_rate;
};

constexpr FieldInfo kFields[] = {
    {"composite", "composite", false},
    {"load_recovery", "load recovery", true},
    {"resumption_rate", "resumption rate", true},
    {"coverage", "coverage", true},
    {"active_rate", "active rate (day shape)", true},
};

const FieldInfo* FindField(std::string_view name) {
  for (const FieldInfo& f : kFields) {
    if (f.name == name) return &f;
  }
  return nullptr;
}

// What one group code of the chosen level has in the index.
struct GroupSeries {
  std::string name;
  // One map per requested field, in request order: day -> value as drawn. A suppressed record or
  // a null figure is stored as nullopt, so that it is a gap and not a zero.
  std::vector<std::map<Day, std::optional<double>>> values;
};

struct LevelRecords {
  std::map<std::string, GroupSeries> groups;  // by code
  std::set<std::string> levels_seen;          // every level in the file, to explain a miss
  std::optional<Day> first, last;             // the days the chosen level covers
};

// The record's figure for `field`, scaled for drawing; nullopt for JSON null.
Result<std::optional<double>> FieldValue(const nlohmann::json& record, const FieldInfo& field,
                                         const std::string& where) {
  auto it = record.find(std::string(field.name));
  if (it == record.end()) {
    return Status::Corruption(where + ": record has no field " + std::string(field.name));
  }
  if (it->is_null()) return std::optional<double>();
  if (!it->is_number()) {
    return Status::Corruption(where + ": " + std::string(field.name) + " is not a number");
  }
  const double v = it->get<double>();
  return std::optional<double>(field.is_rate ? v * 100 : v);
}

// Reads the records of `level` from an index JSONL. Any line that is not an index record is an
// error: a chart silently drawn from half a file would be worse than none.
Result<LevelRecords> ReadLevelRecords(const std::string& path, const std::string& level,
                                      const std::vector<const FieldInfo*>& fields) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  LevelRecords out;
  std::string line;
  for (long line_no = 1; std::getline(in, line); ++line_no) {
    if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
    const std::string where = path + ":" + std::to_string(line_no);
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, /*allow_exceptions=*/false);
    if (j.is_discarded() || !j.is_object()) {
      return Status::Corruption(where + ": not a JSON object");
    }
    const auto date = j.find("date"), lvl = j.find("level"), code = j.find("code");
    Day day;
    if (date == j.end() || !date->is_string() || !ParseDate(date->get<std::string>(), &day) ||
        lvl == j.end() || !lvl->is_string() || code == j.end() || !code->is_string()) {
      return Status::Corruption(where + ": not an index record (date, level, code)");
    }
    out.levels_seen.insert(lvl->get<std::string>());
    if (*lvl != level) continue;
    GroupSeries& group = out.groups[code->get<std::string>()];
    if (group.values.empty()) group.values.resize(fields.size());
    const auto name = j.find("name");
    if (name != j.end() && name->is_string()) group.name = name->get<std::string>();
    const auto suppressed = j.find("suppressed");
    const bool is_suppressed =
        suppressed != j.end() && suppressed->is_boolean() && suppressed->get<bool>();
    for (size_t f = 0; f < fields.size(); ++f) {
      Result<std::optional<double>> value = FieldValue(j, *fields[f], where);
      if (!value.ok()) return value.status();
      group.values[f][day] = is_suppressed ? std::nullopt : *value;
    }
    out.first = out.first ? std::min(*out.first, day) : day;
    out.last = out.last ? std::max(*out.last, day) : day;
  }
  if (in.bad()) return Status::IOError("error reading " + path);
  return out;
}

// "a,b , c" -> {a, b, c}, without repeats; an empty item is a mistake worth reporting.
Result<std::vector<std::string>> SplitList(const std::string& text, const char* option) {
  std::vector<std::string> items;
  std::set<std::string> seen;
  size_t start = 0;
  while (true) {
    const size_t comma = text.find(',', start);
    std::string item = text.substr(start, comma == std::string::npos ? comma : comma - start);
    const size_t b = item.find_first_not_of(" \t"), e = item.find_last_not_of(" \t");
    item = b == std::string::npos ? "" : item.substr(b, e - b + 1);
    if (item.empty()) {
      return Status::InvalidArgument(std::string(option) + " has an empty item: '" + text + "'");
    }
    if (seen.insert(item).second) items.push_back(item);
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return items;
}

std::string Join(const std::vector<std::string>& items, const std::string& sep) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) out += (i ? sep : "") + items[i];
  return out;
}

std::string Capitalized(std::string text) {
  if (!text.empty()) text[0] = static_cast<char>(std::toupper(static_cast<unsigned char>(text[0])));
  return text;
}

// A group as a reader knows it: its name, with the code when they differ.
std::string GroupLabel(const std::string& code, const std::string& name) {
  if (name.empty() || name == code) return code;
  return name + " (" + code + ")";
}

int Usage(const std::string& message) {
  std::fprintf(stderr, "fugong chart: %s\n", message.c_str());
  return 2;
}

}  // namespace

int RunChartCommand(int argc, char** argv) {
  CLI::App app{"Draw index records of one level as a line chart (SVG).", "fugong chart"};
  std::string index_path, level, codes_text, fields_text = "composite", from_text, to_text;
  std::string title, out_path;
  app.add_option("--index", index_path, "index JSONL written by `fugong backfill`")->required();
  app.add_option("--level", level,
                 "level to draw: province, city, county, industry, county_industry, scale, tag")
      ->required();
  app.add_option("--codes", codes_text,
                 "comma-separated group codes, one line each (default: every code of the level)");
  app.add_option(
      "--field", fields_text,
      "composite (default), load_recovery, resumption_rate, coverage or active_rate; several, "
      "comma-separated, share the axis");
  app.add_option("--from", from_text, "first day to draw (YYYY-MM-DD; default: the index's)");
  app.add_option("--to", to_text, "last day to draw (YYYY-MM-DD; default: the index's)");
  app.add_option("--title", title, "chart title (default: made from the fields and groups)");
  app.add_option("--out", out_path, "the SVG file to write")->required();
  app.footer(
      "Rates (load_recovery, resumption_rate, coverage, active_rate) are stored as 0..1 and drawn "
      "in percent\n"
      "(x100), on the composite's 0-100 scale: load recovery 100 = the normal level. The tier\n"
      "bands (T1 >= 80 .. T5 < 20) are shaded when composite is one of the fields. Suppressed\n"
      "groups, null figures and days missing from the index are gaps in the lines.");
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    app.exit(e);  // prints the message
    return 2;
  }

  Result<std::vector<std::string>> field_names = SplitList(fields_text, "--field");
  if (!field_names.ok()) return Usage(field_names.status().message());
  std::vector<const FieldInfo*> fields;
  for (const std::string& name : *field_names) {
    const FieldInfo* f = FindField(name);
    if (f == nullptr) {
      return Usage("unknown --field '" + name +
                   "' (composite, load_recovery, resumption_rate, coverage or active_rate)");
    }
    fields.push_back(f);
  }
  std::vector<std::string> codes;
  if (!codes_text.empty()) {
    Result<std::vector<std::string>> split = SplitList(codes_text, "--codes");
    if (!split.ok()) return Usage(split.status().message());
    codes = *split;
  }
  std::optional<Day> from, to;
  for (auto [text, option, out] :
       {std::tuple(&from_text, "--from", &from), std::tuple(&to_text, "--to", &to)}) {
    if (text->empty()) continue;
    Day day;
    if (!ParseDate(*text, &day)) {
      return Usage(std::string(option) + " must be a date YYYY-MM-DD, got '" + *text + "'");
    }
    *out = day;
  }
  if (from && to && *from > *to) return Usage("--from is after --to");

  Result<LevelRecords> records = ReadLevelRecords(index_path, level, fields);
  if (!records.ok()) {
    std::fprintf(stderr, "fugong chart: %s\n", records.status().ToString().c_str());
    return 1;
  }
  if (records->groups.empty()) {
    const std::vector<std::string> seen(records->levels_seen.begin(), records->levels_seen.end());
    return Usage(
        "no records of level '" + level + "' in " + index_path +
        (seen.empty() ? " (the file has no records)" : " (levels: " + Join(seen, ", ") + ")"));
  }
  if (codes.empty()) {
    for (const auto& [code, group] : records->groups) codes.push_back(code);
  }
  for (const std::string& code : codes) {
    if (!records->groups.count(code)) {
      std::vector<std::string> known;
      for (const auto& [c, group] : records->groups) {
        if (known.size() == 10) {
          known.push_back("...");
          break;
        }
        known.push_back(c);
      }
      return Usage("no " + level + " records with code '" + code + "' in " + index_path +
                   " (codes: " + Join(known, ", ") + ")");
    }
  }
  const Day first = from.value_or(*records->first), last = to.value_or(*records->last);
  if (first > last)
    return Usage("the range " + FormatDate(first) + ".." + FormatDate(last) +
                 " is empty (the index has " + FormatDate(*records->first) + ".." +
                 FormatDate(*records->last) + ")");

  // One series per (code, field); every day of the range is a point, so a day the index lacks
  // breaks the line like a suppressed one.
  std::vector<render::Series> series;
  size_t values = 0;
  for (const std::string& code : codes) {
    const GroupSeries& group = records->groups.at(code);
    for (size_t f = 0; f < fields.size(); ++f) {
      render::Series s;
      if (fields.size() == 1) {
        s.label = GroupLabel(code, group.name);
      } else if (codes.size() == 1) {
        s.label = std::string(fields[f]->caption);
      } else {
        s.label = GroupLabel(code, group.name) + ": " + std::string(fields[f]->caption);
      }
      for (Day d = first; d <= last; ++d) {
        auto it = group.values[f].find(d);
        const std::optional<double> v = it == group.values[f].end() ? std::nullopt : it->second;
        if (v) ++values;
        s.points.emplace_back(d, v);
      }
      series.push_back(std::move(s));
    }
  }

  std::vector<std::string> captions;
  bool any_composite = false, any_rate = false;
  for (const FieldInfo* f : fields) {
    captions.emplace_back(f->caption);
    any_composite |= !f->is_rate;
    any_rate |= f->is_rate;
  }
  render::ChartOptions options;
  options.tier_bands = any_composite;
  if (title.empty()) {
    const std::string what = Join(captions, " and ");
    title = codes.size() == 1
                ? GroupLabel(codes[0], records->groups.at(codes[0]).name) + ": " + what
                : Capitalized(what) + " by " + level;
    title += ", " + FormatDate(first) + " to " + FormatDate(last);
  }
  options.title = title;
  if (!any_rate) {
    options.y_label = "Composite index (0-100)";
  } else if (!any_composite && fields.size() == 1) {
    options.y_label = Capitalized(captions[0]) + " (%)";
  } else {
    options.y_label = any_composite ? "Composite index; rates in %" : "Percent";
  }

  const std::string svg = render::RenderLineChart(series, options);
  std::ofstream out(out_path, std::ios::binary | std::ios::trunc);
  out << svg;
  out.close();
  if (!out) {
    std::fprintf(stderr, "fugong chart: cannot write %s\n", out_path.c_str());
    return 1;
  }
  if (values == 0) {
    std::fprintf(stderr, "fugong chart: warning: no values to draw in %s..%s\n",
                 FormatDate(first).c_str(), FormatDate(last).c_str());
  }
  std::printf("fugong chart: %zu series, %s..%s, %zu values -> %s\n", series.size(),
              FormatDate(first).c_str(), FormatDate(last).c_str(), values, out_path.c_str());
  return 0;
}

}  // namespace fugong
