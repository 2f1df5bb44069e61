#include "app/demo_command.h"

#include <CLI/CLI.hpp>
#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <thread>

#include "app/backfill_runner.h"
#include "app/bulletin/bulletin_day.h"
#include "app/bulletin/bulletin_files.h"
#include "app/bulletin/index_file_records.h"
#include "app/embedded_topics.h"
#include "app/generate/province_generator.h"
#include "app/http/http_service.h"
#include "app/progress_line.h"
#include "app/published_figures.h"
#include "app/render/bulletin_html.h"
#include "app/render/county_map_svg.h"
#include "app/render/line_chart_svg.h"
#include "app/stop_signals.h"
#include "app/stream_service.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/csv_topic_replay.h"
#include "connectors/kafka/topic_snapshot.h"
#include "engine/reference/region_table.h"
#include "engine/state/state_store.h"

using fugong::render::ChartOptions;
using fugong::render::CountyFigure;
using fugong::render::MapOptions;
using fugong::render::RenderCountyGeoJsonMap;
using fugong::render::RenderCountyTileMap;
using fugong::render::RenderLineChart;
using fugong::render::Series;

namespace fugong {

namespace {

struct IndexRow {
  std::optional<double> composite;
  int tier = 0;
  std::optional<double> last_year;  // the composite of the same lunar day of the season before
};

// index.jsonl -> (date, level, code) -> figures.
std::map<std::tuple<Day, std::string, std::string>, IndexRow> ReadIndex(const std::string& path) {
  std::map<std::tuple<Day, std::string, std::string>, IndexRow> rows;
  std::ifstream in(path);
  std::string line;
  while (std::getline(in, line)) {
    PublishedFigures record;
    Day day;
    if (!ReadPublishedFigures(line, &record) || !ParseDate(record.date, &day)) continue;
    rows[{day, record.level, record.code}] =
        IndexRow{record.composite, record.tier, record.last_year_composite};
  }
  return rows;
}

// The demo's streaming path: an embedded cluster, the generated files replayed into its topics
// (readings paced on the service's lag, so the mock drops nothing), the service consuming them
// until idle, and the index topic read back into `index_path` (the latest record of every key).
Status StreamThroughKafka(const std::string& input_dir, const GenerateSummary& generated,
                          const std::string& interval_setting, const std::string& state_dir,
                          const std::string& index_path, StreamObserver* observer,
                          ProgressLine* progress, double* stream_seconds) {
  // Frequent commits keep the lag the producer paces on short.
  Result<RunConfig> config = LoadRunConfig("", {"commit_interval_ms=250", interval_setting});
  if (!config.ok()) return config.status();
  Result<std::unique_ptr<EmbeddedCluster>> cluster = StartEmbeddedCluster(&*config);
  if (!cluster.ok()) return cluster.status();
  const std::string bootstrap = (*cluster)->bootstrap_servers();
  std::printf(
      "fugong demo: embedded Kafka cluster (librdkafka's mock, 3 brokers) at %s\n"
      "             e.g. kcat -b %s -t %s -C\n",
      bootstrap.c_str(), bootstrap.c_str(), config->index_topic.c_str());
  std::fflush(stdout);

  KafkaConfig producer;
  producer.Set("bootstrap.servers", bootstrap);
  SetReplayProducerDefaults(&producer);
  const auto replay = [&](const std::string& topic, TopicRecordKind kind,
                          std::vector<std::string> files, int64_t max_lag) -> Status {
    ReplayOptions options;
    options.topic = topic;
    options.kind = kind;
    options.files = std::move(files);
    options.max_lag = max_lag;
    options.group = config->group_id;
    Result<ReplayStats> stats = ReplayCsvToTopic(producer, options, progress);
    if (!stats.ok()) return stats.status();
    if (stats->failed > 0) {
      return Status::IOError(std::to_string(stats->failed) + " messages to " + topic +
                             " were not delivered: " + stats->first_delivery_error);
    }
    return Status::OK();
  };
  FUGONG_RETURN_IF_ERROR(replay(config->stream.enterprises_topic, TopicRecordKind::kEnterprises,
                                {input_dir + "/enterprises.csv"}, 0));
  FUGONG_RETURN_IF_ERROR(replay(config->stream.weather_topic, TopicRecordKind::kWeather,
                                {input_dir + "/weather.csv"}, 0));
  if (!config->stream.risk_topic.empty()) {
    FUGONG_RETURN_IF_ERROR(
        replay(config->stream.risk_topic, TopicRecordKind::kRisk, {input_dir + "/risk.csv"}, 0));
  }

  // The service runs next to the producer until everything is read and published.
  const auto start = std::chrono::steady_clock::now();
  ServeOptions serve;
  serve.state_dir = state_dir;
  serve.exit_when_idle_seconds = 2;
  // Set once the readings are produced: the producer pauses while the service is behind (a
  // season's close takes seconds), and the service must not take that pause for the end.
  std::atomic<bool> input_complete{false};
  serve.input_complete = &input_complete;
  serve.observer = observer;
  serve.log = [](const std::string& line) {
    if (line.find("GAP") != std::string::npos)
      std::fprintf(stderr, "\nfugong serve: %s\n", line.c_str());
  };
  Result<ServeSummary> served = Status::OK();
  std::thread service([&] { served = RunStreamService(*config, serve); });
  // 48 partitions of ~38,000 readings each fit in the mock, but the lag paced on is the
  // topic's, and keys spread unevenly (a partition of a 200-enterprise province can hold 3x
  // its share): stay well within.
  const Status produced = replay(config->stream.readings_topic, TopicRecordKind::kReadings,
                                 generated.readings_files, 300000);
  input_complete = true;
  service.join();
  FUGONG_RETURN_IF_ERROR(produced);
  if (!served.ok()) return served.status();
  *stream_seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  const StreamStatus& s = served->status;
  std::printf(
      "fugong demo: streamed %llu messages in %.1f s: %llu readings used, %llu dead-lettered; "
      "%llu days closed, %llu index records and %llu dead letters published\n",
      static_cast<unsigned long long>(served->messages), *stream_seconds,
      static_cast<unsigned long long>(s.readings.used),
      static_cast<unsigned long long>(s.readings.dead_total()),
      static_cast<unsigned long long>(s.days_closed),
      static_cast<unsigned long long>(served->published_index),
      static_cast<unsigned long long>(served->published_dead_letters));

  KafkaConfig reader;
  reader.Set("bootstrap.servers", bootstrap);
  Result<std::vector<TopicRecord>> records =
      ReadTopicSnapshot(reader, config->index_topic, std::chrono::seconds(60));
  if (!records.ok()) return records.status();
  // The mock drops a partition's oldest messages beyond 5 MiB (docs/kafka.md): an index read
  // from a log that no longer starts at 0 would silently lack its first records.
  std::map<int32_t, int64_t> first_offset;
  for (const TopicRecord& r : *records) {
    auto [it, added] = first_offset.try_emplace(r.partition, r.offset);
    if (!added) it->second = std::min(it->second, r.offset);
  }
  for (const auto& [partition, offset] : first_offset) {
    if (offset > 0) {
      return Status::Corruption(
          "the embedded cluster dropped the first " + std::to_string(offset) + " messages of " +
          config->index_topic + "[" + std::to_string(partition) +
          "] (the mock keeps 5 MiB per partition): the index would be incomplete");
    }
  }
  std::ofstream out(index_path);
  for (const auto& [key, value] : LatestByKey(*records)) out << value << "\n";
  if (!out) return Status::IOError("cannot write " + index_path);
  return Status::OK();
}

// The bulletin (HTML and PDF) of 2020-02-18 from the demo's index; its PDF path, or the HTML's
// when Chromium could not print it (a warning says why: the demo itself has succeeded).
std::string WriteDemoBulletin(const std::string& index_path, const RegionTable& regions,
                              const std::string& dir) {
  const Day day = DayFromCivil(2020, 2, 18);
  Result<IndexFileRecords> records = IndexFileRecords::Load(index_path, {day - 1, day});
  Result<BulletinDay> bulletin = records.ok() ? CollectBulletinDay(day, *records, {&regions})
                                              : Result<BulletinDay>(records.status());
  if (!bulletin.ok()) {
    std::fprintf(stderr, "fugong demo: no bulletin: %s\n", bulletin.status().ToString().c_str());
    return "";
  }
  const std::string page = render::RenderBulletinHtml(*bulletin, regions, IndustryTable::Standard(),
                                                      {"the demo's index " + index_path});
  BulletinFiles written;
  const Status st = WriteBulletinFiles(page, day, dir, PdfPrintOptions{}, &written);
  if (!st.ok()) std::fprintf(stderr, "fugong demo: bulletin: %s\n", st.ToString().c_str());
  return !written.pdf.empty() ? written.pdf : written.html;
}

std::string Cell(const std::optional<double>& v) {
  char buf[16];
  if (!v) return "      -";
  std::snprintf(buf, sizeof buf, "%7.1f", *v);
  return buf;
}

}  // namespace

int RunDemoCommand(int argc, char** argv) {
  CLI::App app{
      "Generate a small province, stream it through an embedded Kafka cluster into the "
      "streaming service, print the index it published and draw the map.",
      "fugong demo"};
  bool backfill = false;
  std::string dir = "fugong-demo";
  std::string geojson, code_property = "code";
  GenerateOptions gen;
  gen.enterprises = 1000;
  gen.seed = 2020;
  // Two seasons, so that each day of 2020 has its same lunar day of 2019 (SPEC last_year);
  // hourly readings keep the volume of one season of 15-minute ones.
  gen.from = DayFromCivil(2018, 11, 1);
  gen.interval_minutes = 60;
  // The engine reads the intervals the generator writes.
  const std::string interval_setting = "interval_minutes=" + std::to_string(gen.interval_minutes);
  std::string table_from = "2020-02-01", table_to = "2020-03-15";
  app.add_option("--dir", dir, "working directory for inputs and outputs");
  app.add_option("--enterprises", gen.enterprises, "enterprises in the synthetic province");
  app.add_option("--seed", gen.seed, "generator seed");
  app.add_option("--geojson", geojson,
                 "draw the map from this GeoJSON of county polygons instead of tiles");
  app.add_option("--code-property", code_property, "GeoJSON property holding the county code");
  app.add_flag("--backfill", backfill,
               "compute the index with a batch backfill of the files instead of the stream");
  std::string http_listen;
  app.add_option("--http", http_listen,
                 "serve the dashboard, API and metrics on HOST:PORT while the demo streams, and "
                 "afterwards until Ctrl-C (e.g. --http 127.0.0.1:8080)");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  // The dashboard: started first, so a browser sees the days arrive while the demo streams.
  const RunConfig http_config = *LoadRunConfig("", {});
  std::unique_ptr<HttpService> http;
  sigset_t stop_signals;
  if (!http_listen.empty()) {
    stop_signals = BlockStopSignals();  // before any thread starts: they inherit the mask
    Result<std::unique_ptr<HttpService>> started = HttpService::Start(&http_config, http_listen);
    if (!started.ok()) {
      std::fprintf(stderr, "fugong demo: %s\n", started.status().ToString().c_str());
      return 2;
    }
    http = std::move(started).value();
    std::printf("fugong demo: dashboard at http://%s/\n", http->address().c_str());
    std::fflush(stdout);
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

  const std::string index_path = dir + "/index.jsonl";
  if (backfill) {
    BackfillFiles files;
    files.enterprises = gen.out_dir + "/enterprises.csv";
    files.weather = gen.out_dir + "/weather.csv";
    files.risk = gen.out_dir + "/risk.csv";
    files.readings = generated->readings_files;
    files.out = index_path;
    files.deadletter = dir + "/deadletter.jsonl";
    files.state_dir = dir + "/state";
    std::printf("fugong demo: backfilling %llu readings\n",
                static_cast<unsigned long long>(generated->readings_lines));
    std::fflush(stdout);
    const auto backfill_start = std::chrono::steady_clock::now();
    Result<BackfillSummary> summary =
        RunBackfillFromFiles(*LoadRunConfig("", {interval_setting}), files, &progress);
    if (!summary.ok()) {
      std::fprintf(stderr, "fugong demo: %s\n", summary.status().ToString().c_str());
      return 1;
    }
    const double backfill_seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - backfill_start).count();
    std::fputs(SummaryText(*summary, files, backfill_seconds).c_str(), stdout);
  } else {
    std::printf("fugong demo: streaming %llu readings through Kafka into `fugong serve`\n",
                static_cast<unsigned long long>(generated->readings_lines));
    std::fflush(stdout);
    double stream_seconds = 0;
    const Status streamed =
        StreamThroughKafka(gen.out_dir, *generated, interval_setting, dir + "/state", index_path,
                           http.get(), &progress, &stream_seconds);
    if (!streamed.ok()) {
      std::fprintf(stderr, "fugong demo: %s\n", streamed.ToString().c_str());
      return 1;
    }
  }

  // The table: the province and its 11 cities, composite per day.
  const RegionTable& regions = RegionTable::Zhejiang();
  const auto index = ReadIndex(index_path);
  std::printf(
      "\nComposite index (0-100; T1 >= 80 green, T2 >= 60 blue, T3 >= 40 yellow, "
      "T4 >= 20 orange, T5 red; 'last yr': Zhejiang on the same lunar day of 2019)\n\n"
      "%-10s %-2s %8s %7s",
      "date", "", "Zhejiang", "last yr");
  for (const std::string& city : regions.cities()) {
    std::printf(" %7.7s", regions.Find(city)->name_pinyin.c_str());
  }
  std::printf("\n");
  std::vector<Series> series;
  series.push_back({"Zhejiang", {}});
  series.push_back({"Zhejiang, lunar 2019", {}});
  for (const std::string& city : regions.cities()) {
    series.push_back({regions.Find(city)->name_pinyin, {}});
  }
  for (Day d = first; d <= last; ++d) {
    static const char* kDays[] = {"Mo", "Tu", "We", "Th", "Fr", "Sa", "Su"};
    auto province = index.find({d, "province", regions.provinces()[0]});
    const std::optional<double> p =
        province == index.end() ? std::nullopt : province->second.composite;
    const std::optional<double> then =
        province == index.end() ? std::nullopt : province->second.last_year;
    std::printf("%s %s %8s %7s", FormatDate(d).c_str(), kDays[WeekdayOf(d)], Cell(p).c_str() + 0,
                Cell(then).c_str());
    series[0].points.emplace_back(d, p);
    series[1].points.emplace_back(d, then);
    for (size_t i = 0; i < regions.cities().size(); ++i) {
      auto it = index.find({d, "city", regions.cities()[i]});
      const std::optional<double> c = it == index.end() ? std::nullopt : it->second.composite;
      std::printf(" %7s", Cell(c).c_str());
      series[i + 2].points.emplace_back(d, c);
    }
    std::printf("\n");
  }

  // The five-colour county map of the last day, and the trend chart.
  std::vector<CountyFigure> figures;
  for (const std::string& county : regions.counties()) {
    auto it = index.find({last, "county", county});
    CountyFigure f{county, std::nullopt, 0, std::nullopt};
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

  // The daily bulletin of the day State Grid's report quoted (2020-02-18), as officials get it.
  const std::string bulletin = WriteDemoBulletin(index_path, regions, dir);

  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf("\nmap of %s: %s/map.svg   chart: %s/composite.svg   index: %s   (%.1f s)\n",
              FormatDate(last).c_str(), dir.c_str(), dir.c_str(), index_path.c_str(), seconds);
  if (!bulletin.empty()) std::printf("bulletin of 2020-02-18: %s\n", bulletin.c_str());
  if (http) {
    // The run is over: its state (published records included) stays open for the dashboard.
    Result<std::unique_ptr<StateStore>> state = StateStore::Open(dir + "/state");
    if (!state.ok()) {
      std::fprintf(stderr, "fugong demo: %s\n", state.status().ToString().c_str());
      return 1;
    }
    http->OnStateOpened(**state);
    std::printf("fugong demo: serving the dashboard at http://%s/ until Ctrl-C\n",
                http->address().c_str());
    std::fflush(stdout);
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    http->OnStateClosing();
  }
  return 0;
}

}  // namespace fugong
