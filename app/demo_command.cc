#include "app/demo_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "app/progress_line.h"
#include "app/render/county_map_svg.h"
#include "app/render/line_chart_svg.h"

using fugong::render::ChartOptions;
using fugong::render::CountyFigure;
using fugong::render::MapOptions;
using fugong::render::RenderCountyGeoJsonMap;
using fugong::render::RenderCountyTileMap;
using fugong::render::RenderLineChart;
using fugong::render::Series;
#include "engine/reference/region_table.h"

namespace fugong {

namespace {

struct IndexRow {
  std::optional<double> composite;
  int tier = 0;
};

// index.jsonl -> (date, level, code) -> figures.
std::map<std::tuple<Day, std::string, std::string>, IndexRow> ReadIndex(const std::string& path) {
  std::map<std::tuple<Day, std::string, std::string>, IndexRow> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    const nlohmann::json j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded()) continue;
    Day day;
    if (!ParseDate(j.value("date", ""), &day)) continue;
    IndexRow row;
    if (j["composite"].is_number()) row.composite = j["composite"].get<double>();
    if (j["tier"].is_string()) row.tier = j["tier"].get<std::string>()[1] - '0';
    rows[{day, j.value("level", ""), j.value("code", "")}] = row;
  }
  return rows;
}

std::string Cell(const std::optional<double>& v) {
  char buf[16];
  if (!v) return "      -";
  std::snprintf(buf, sizeof buf, "%7.1f", *v);
  return buf;
}

}  // namespace

int RunDemoCommand(int argc, char** argv) {
  CLI::App app{"Generate a small province, backfill it, print the index and draw the map.",
               "fugong demo"};
  std::string dir = "fugong-demo";
  std::string geojson, code_property = "code";
  GenerateOptions gen;
  gen.enterprises = 1000;
  gen.seed = 2020;
  std::string table_from = "2020-02-01", table_to = "2020-03-15";
  app.add_option("--dir", dir, "working directory for inputs and outputs");
  app.add_option("--enterprises", gen.enterprises, "enterprises in the synthetic province");
  app.add_option("--seed", gen.seed, "generator seed");
  app.add_option("--geojson", geojson,
                 "draw the map from this GeoJSON of county polygons instead of tiles");
  app.add_option("--code-property", code_property, "GeoJSON property holding the county code");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  Day first, last;
  ParseDate(table_from, &first);
  ParseDate(table_to, &last);

  std::error_code ec;
  std::filesystem::remove_all(std::filesystem::path(dir) / "state", ec);
  gen.out_dir = (std::filesystem::path(dir) / "input").string();
  ProgressLine progress;
  const auto start = std::chrono::steady_clock::now();
  std::printf("fugong demo: generating %d enterprises in Zhejiang's 90 counties, %s..%s -> %s\n",
              gen.enterprises, FormatDate(gen.from).c_str(), FormatDate(gen.to).c_str(),
              gen.out_dir.c_str());
  std::fflush(stdout);
  Result<GenerateSummary> generated = GenerateProvince(
      gen, [&](int done, int total) { progress.OnProgress("generate", done, done, total); });
  progress.OnPhaseDone("generate");
  if (!generated.ok()) {
    std::fprintf(stderr, "fugong demo: %s\n", generated.status().ToString().c_str());
    return 1;
  }

  BackfillFiles files;
  files.enterprises = gen.out_dir + "/enterprises.csv";
  files.weather = gen.out_dir + "/weather.csv";
  files.readings = generated->readings_files;
  files.out = dir + "/index.jsonl";
  files.deadletter = dir + "/deadletter.jsonl";
  files.state_dir = dir + "/state";
  std::printf("fugong demo: backfilling %llu readings\n",
              static_cast<unsigned long long>(generated->readings_lines));
  std::fflush(stdout);
  const auto backfill_start = std::chrono::steady_clock::now();
  Result<BackfillSummary> summary = RunBackfillFromFiles(*LoadRunConfig("", {}), files, &progress);
  if (!summary.ok()) {
    std::fprintf(stderr, "fugong demo: %s\n", summary.status().ToString().c_str());
    return 1;
  }
  const double backfill_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - backfill_start).count();
  std::fputs(SummaryText(*summary, files, backfill_seconds).c_str(), stdout);

  // The table: the province and its 11 cities, composite per day.
  const RegionTable& regions = RegionTable::Zhejiang();
  const auto index = ReadIndex(files.out);
  std::printf(
      "\nComposite index (0-100; T1 >= 80 green, T2 >= 60 blue, T3 >= 40 yellow, "
      "T4 >= 20 orange, T5 red)\n\n%-10s %-2s %8s",
      "date", "", "Zhejiang");
  for (const std::string& city : regions.cities()) {
    std::printf(" %7.7s", regions.Find(city)->name_pinyin.c_str());
  }
  std::printf("\n");
  std::vector<Series> series;
  series.push_back({"Zhejiang", {}});
  for (const std::string& city : regions.cities()) {
    series.push_back({regions.Find(city)->name_pinyin, {}});
  }
  for (Day d = first; d <= last; ++d) {
    static const char* kDays[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    auto province = index.find({d, "province", regions.provinces()[0]});
    const std::optional<double> p =
        province == index.end() ? std::nullopt : province->second.composite;
    std::printf("%s %s %8s", FormatDate(d).c_str(), kDays[WeekdayOf(d)], Cell(p).c_str() + 0);
    series[0].points.emplace_back(d, p);
    for (size_t i = 0; i < regions.cities().size(); ++i) {
      auto it = index.find({d, "city", regions.cities()[i]});
      const std::optional<double> c = it == index.end() ? std::nullopt : it->second.composite;
      std::printf(" %7s", Cell(c).c_str());
      series[i + 1].points.emplace_back(d, c);
    }
    std::printf("\n");
  }

  // The five-colour county map of the last day, and the trend chart.
  std::vector<CountyFigure> figures;
  for (const std::string& county : regions.counties()) {
    auto it = index.find({last, "county", county});
    CountyFigure f{county, std::nullopt, 0};
    if (it != index.end()) {
      f.composite = it->second.composite;
      f.tier = it->second.tier;
    }
    figures.push_back(f);
  }
  MapOptions map_options;
  map_options.title = "Zhejiang electricity work-resumption index, " + FormatDate(last);
  map_options.subtitle = "Composite index by county (synthetic demo province)";
  std::string svg;
  if (geojson.empty()) {
    svg = RenderCountyTileMap(regions, figures, map_options);
  } else {
    std::ifstream in(geojson);
    std::stringstream buf;
    buf << in.rdbuf();
    Result<std::string> drawn =
        RenderCountyGeoJsonMap(buf.str(), code_property, regions, figures, map_options);
    if (!drawn.ok()) {
      std::fprintf(stderr, "fugong demo: %s\n", drawn.status().ToString().c_str());
      return 2;
    }
    svg = *drawn;
  }
  std::ofstream(dir + "/map.svg") << svg;
  ChartOptions chart_options;
  chart_options.title = "Composite index, province and cities";
  chart_options.y_label = "composite";
  chart_options.tier_bands = true;
  chart_options.y_min = 0;
  chart_options.y_max = 100;
  std::ofstream(dir + "/composite.svg") << RenderLineChart(series, chart_options);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nmap of %s: %s/map.svg   chart: %s/composite.svg   index: %s   (%.1f s)\n",
              FormatDate(last).c_str(), dir.c_str(), dir.c_str(), files.out.c_str(), seconds);
  return 0;
}

}  // namespace fugong
