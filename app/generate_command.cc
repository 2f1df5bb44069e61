#include "app/generate_command.h"

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "app/generate/province_generator.h"
#include "app/progress_line.h"

namespace fugong {

int RunGenerateCommand(int argc, char** argv) {
  CLI::App app{"Write a synthetic province: enterprises, readings, weather, truth, faults.",
               "fugong generate"};
  GenerateOptions options;
  std::string from = FormatDate(options.from), to = FormatDate(options.to);
  bool no_faults = false;
  app.add_option("--out", options.out_dir, "output directory (created if missing)")->required();
  app.add_option("--seed", options.seed, "random seed; the same seed gives the same bytes");
  app.add_option("--enterprises", options.enterprises, "number of enterprises");
  app.add_option("--from", from, "first day of readings (YYYY-MM-DD)");
  app.add_option("--to", to, "last day of readings (YYYY-MM-DD)");
  app.add_option("--interval-minutes", options.interval_minutes, "interval length (divides 1440)");
  app.add_option("--split", options.split,
                 "readings split into N files by enterprise (1: one file per month)");
  app.add_option("--register-fraction", options.register_fraction,
                 "share of meters that are daily register meters");
  app.add_option("--high-standby-fraction", options.high_standby_fraction,
                 "share of enterprises whose standby is high and flat (stopped, still 40-60% of "
                 "normal): SPEC's count calls them resumed (docs/day-shape.md)");
  app.add_option("--idle-runner-fraction", options.idle_runner_fraction,
                 "share of enterprises that run idle machines (flat, 60-80% of normal) while shut "
                 "in February 2020; their truth is in truth.csv");
  app.add_option("--threads", options.threads, "worker threads (0: all cores); output unchanged");
  app.add_flag("--gzip", options.gzip, "write readings as .csv.gz");
  app.add_flag("--epoch-ts", options.epoch_timestamps, "timestamps as epoch seconds");
  app.add_flag("--no-faults", no_faults, "inject no faults");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  options.faults = !no_faults;
  if (!ParseDate(from, &options.from) || !ParseDate(to, &options.to)) {
    std::fprintf(stderr, "fugong generate: --from and --to must be dates YYYY-MM-DD\n");
    return 2;
  }
  ProgressLine progress;
  const auto start = std::chrono::steady_clock::now();
  Result<GenerateSummary> s = GenerateProvince(
      options, [&](int done, int total) { progress.OnProgress("generate", done, done, total); });
  progress.OnPhaseDone("generate");
  if (!s.ok()) {
    std::fprintf(stderr, "fugong generate: %s\n", s.status().ToString().c_str());
    return s.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::printf(
      "fugong generate: %llu enterprises, %llu meters, %llu readings lines in %zu files -> %s "
      "(%.1f s, %.2f M lines/s)\n"
      "  faults: %llu malformed, %llu unknown enterprise, %llu negative, %llu duplicates, "
      "%llu corrections, %llu rollovers, %llu estimated meter-days, %llu missing meter-days\n",
      static_cast<unsigned long long>(s->enterprises), static_cast<unsigned long long>(s->meters),
      static_cast<unsigned long long>(s->readings_lines), s->readings_files.size(),
      options.out_dir.c_str(), seconds, s->readings_lines / seconds / 1e6,
      static_cast<unsigned long long>(s->malformed_lines),
      static_cast<unsigned long long>(s->unknown_enterprise_lines),
      static_cast<unsigned long long>(s->negative_lines),
      static_cast<unsigned long long>(s->duplicate_lines),
      static_cast<unsigned long long>(s->correction_lines),
      static_cast<unsigned long long>(s->rollovers),
      static_cast<unsigned long long>(s->gap_meter_days),
      static_cast<unsigned long long>(s->dropped_meter_days));
  return 0;
}

}  // namespace fugong
