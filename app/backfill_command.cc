#include "app/backfill_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>
#include <fstream>

#include "app/backfill_runner.h"
#include "app/phase_timer.h"
#include "app/progress_line.h"
#include "app/state_write_limit.h"

namespace fugong {

namespace {

bool ParseDateOption(const std::string& text, const char* name, std::optional<Day>* out) {
  if (text.empty()) return true;
  Day day;
  if (!ParseDate(text, &day)) {
    std::fprintf(stderr, "fugong backfill: %s must be a date YYYY-MM-DD, got '%s'\n", name,
                 text.c_str());
    return false;
  }
  *out = day;
  return true;
}

}  // namespace

int RunBackfillCommand(int argc, char** argv) {
  CLI::App app{"Backfill the index from readings files (CSV, plain or gzip).", "fugong backfill"};
  BackfillFiles files;
  std::string from, to, config_path, summary_path;
  std::vector<std::string> overrides;
  app.add_option("--enterprises", files.enterprises, "enterprises CSV")->required();
  app.add_option("--readings", files.readings, "readings CSV files (plain or .gz)")
      ->required()
      ->expected(1, -1);
  app.add_option("--weather", files.weather, "weather CSV (county_code,date,temp_mean_c)");
  app.add_option("--risk", files.risk,
                 "epidemic risk chart CSV (county_code,date,level; level very_high, high, "
                 "medium, lower or low): county records gain `risk`");
  app.add_option("--from", from, "first day to publish (YYYY-MM-DD)");
  app.add_option("--to", to, "last day to publish (YYYY-MM-DD)");
  app.add_option("--config", config_path, "YAML config (see deploy/fugong.example.yaml)");
  app.add_option("--out", files.out, "index records, JSONL sorted by key")->required();
  app.add_option("--deadletter", files.deadletter, "dead letters, JSONL")->required();
  app.add_option("--set", overrides, "override a config key: --set key=value (repeatable)");
  app.add_option("--state", files.state_dir,
                 "RocksDB state directory; run again with the same one to resume");
  app.add_option("--summary", summary_path, "also write the summary as JSON to this file");
  app.add_flag("--publish", files.publish,
               "also produce the index records to the index topic (topic_index) of the Kafka "
               "cluster in kafka.bootstrap.servers; records the topic already holds are not sent "
               "again");
  app.add_flag("--republish", files.republish,
               "with --publish: send every record, also those the topic acknowledged before");
  app.add_option("--commit-every", files.commit_records, "commit at least every N readings");
  app.add_option("--crash-after-commits", files.crash_after_commits,
                 "testing: exit abruptly (like kill -9) after N commits")
      ->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  if (!ParseDateOption(from, "--from", &files.from) || !ParseDateOption(to, "--to", &files.to)) {
    return 2;
  }
  if (files.republish && !files.publish) {
    std::fprintf(stderr, "fugong backfill: --republish goes with --publish\n");
    return 2;
  }
  if (files.from.has_value() != files.to.has_value()) {
    std::fprintf(stderr, "fugong backfill: give --from and --to together\n");
    return 2;
  }
  Result<RunConfig> config = LoadRunConfig(config_path, overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "fugong backfill: %s\n", config.status().ToString().c_str());
    return 2;
  }
  Result<StateStoreOptions> state_options = StateOptionsFromEnvironment();
  if (!state_options.ok()) {
    std::fprintf(stderr, "fugong backfill: %s\n", state_options.status().ToString().c_str());
    return 2;
  }
  files.state_options = *state_options;
  ProgressLine progress_line;
  PhaseTimer progress(&progress_line);
  const auto start = std::chrono::steady_clock::now();
  PublishSummary published;
  Result<BackfillSummary> summary = RunBackfillFromFiles(*config, files, &progress, &published);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!summary.ok()) {
    std::fprintf(stderr, "fugong backfill: %s\n", summary.status().ToString().c_str());
    return summary.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  std::fputs(SummaryText(*summary, files, seconds).c_str(), stdout);
  std::printf("  phases       %s\n", progress.Report().c_str());
  if (files.publish) {
    std::fprintf(stderr,
                 "fugong backfill: published %llu index records to %s (%llu unchanged, already "
                 "there, not sent again)\n",
                 static_cast<unsigned long long>(published.sent), published.topic.c_str(),
                 static_cast<unsigned long long>(published.held));
  }
  if (!summary_path.empty()) {
    std::ofstream(summary_path) << SummaryJson(*summary, seconds,
                                               files.publish ? &published : nullptr)
                                << "\n";
  }
  return 0;
}

}  // namespace fugong
