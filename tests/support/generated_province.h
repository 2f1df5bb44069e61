// A generated province as a test fixture: the province written into a directory, and the inputs
// of a backfill of it (the reference that stream, serve and publish runs are compared with).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "app/backfill_runner.h"
#include "app/generate/province_generator.h"
#include "engine/common/date.h"
#include "tests/support/dates.h"

namespace fugong::testing {

// What a test chooses of the province it generates; the rest is GenerateOptions' defaults.
struct ProvinceSpec {
  uint64_t seed = 1;
  int enterprises = 0;
  const char* from = "";  // first and last day of readings, YYYY-MM-DD
  const char* to = "";
  int interval_minutes = 60;  // 24 readings a meter-day keeps the tests quick
  bool faults = true;         // inject the generator's faults (bad lines, duplicates, ...)
  double register_fraction = GenerateOptions().register_fraction;  // daily register meters
  // Day shapes that fool the daily total (docs/generator.md, "Day shapes").
  double high_standby_fraction = 0;
  double idle_runner_fraction = 0;
};

// Generates the province of `spec` into dir/input. Returns what was written, or nothing (the test
// has failed) if generation failed.
inline std::optional<GenerateSummary> GenerateProvinceInto(const std::filesystem::path& dir,
                                                           const ProvinceSpec& spec) {
  GenerateOptions options;
  options.seed = spec.seed;
  options.enterprises = spec.enterprises;
  options.from = DayOf(spec.from);
  options.to = DayOf(spec.to);
  options.interval_minutes = spec.interval_minutes;
  options.faults = spec.faults;
  options.register_fraction = spec.register_fraction;
  options.high_standby_fraction = spec.high_standby_fraction;
  options.idle_runner_fraction = spec.idle_runner_fraction;
  options.out_dir = (dir / "input").string();
  Result<GenerateSummary> generated = GenerateProvince(options, nullptr);
  EXPECT_TRUE(generated.ok()) << generated.status().ToString();
  if (!generated.ok()) return std::nullopt;
  return *generated;
}

// A backfill of the province in dir/input (its registry and weather) with `readings`, writing
// dir/<name>.jsonl and dead letters to dir/<name>-dead.jsonl.
inline BackfillFiles BackfillFilesFor(const std::filesystem::path& dir,
                                      const std::vector<std::string>& readings,
                                      const std::string& name) {
  BackfillFiles files;
  files.enterprises = (dir / "input/enterprises.csv").string();
  files.weather = (dir / "input/weather.csv").string();
  files.readings = readings;
  files.out = (dir / (name + ".jsonl")).string();
  files.deadletter = (dir / (name + "-dead.jsonl")).string();
  return files;
}

}  // namespace fugong::testing
