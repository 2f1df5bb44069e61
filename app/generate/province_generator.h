// `fugong generate`: a deterministic synthetic province (enterprises, readings, weather and the
// ground truth) for demos, tests and benchmarks.
//
// The same options give byte-identical files whatever the number of threads. What the files hold
// and how the synthetic enterprises behave is described in docs/generator.md and in the headers
// next to this one.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "engine/common/date.h"
#include "engine/common/status.h"

namespace fugong {

struct GenerateOptions {
  uint64_t seed = 1;
  int enterprises = 20000;
  // Inclusive local days of readings.
  Day from = DayFromCivil(2019, 11, 1);
  Day to = DayFromCivil(2020, 3, 31);
  int interval_minutes = 15;  // must divide 1440
  std::string out_dir;        // created if missing
  bool gzip = false;          // readings files as .csv.gz (concatenated gzip members)
  // Readings split into N files by a hash of the enterprise id (readings-<k>-of-<N>.csv, k from
  // 1); 1 = one file per calendar month of the day a reading belongs to (readings-2019-11.csv).
  int split = 1;
  double register_fraction = 0.1;  // share of meters that are daily register meters
  // Shares of enterprises with a high flat standby, and of idle runners (docs/generator.md,
  // "Day shapes"); 0 by default, so the default province is the one it always was.
  double high_standby_fraction = 0;
  double idle_runner_fraction = 0;
  bool faults = true;             // inject the faults counted in GenerateSummary
  bool epoch_timestamps = false;  // ts as integer epoch seconds instead of ISO-8601
  // Worker threads; 0 = the machine's hardware concurrency. Never changes the output.
  int threads = 0;
};

// What was written, and exactly how many of each injected fault (also in faults.json).
struct GenerateSummary {
  uint64_t enterprises = 0;
  uint64_t meters = 0;
  uint64_t readings_lines = 0;              // data lines in all readings files (headers excluded)
  uint64_t malformed_lines = 0;             // unparseable: dead-lettered
  uint64_t unknown_enterprise_lines = 0;    // valid lines of ids not in enterprises.csv
  uint64_t negative_lines = 0;              // valid lines with a negative kwh: dead-lettered
  uint64_t duplicate_lines = 0;             // exact copies of an earlier line
  uint64_t correction_lines = 0;            // an earlier (meter, ts) again with another kwh
  uint64_t rollovers = 0;                   // register resets (a negative daily difference)
  uint64_t gap_meter_days = 0;              // interval meter-days with 75% <= coverage < 100%
  uint64_t dropped_meter_days = 0;          // interval meter-days with coverage < 75%
  std::vector<std::string> readings_files;  // paths, in out_dir
};

// Writes enterprises.csv, readings files, weather.csv, truth.csv (the 2020 season),
// truth-<year>.csv (each other Spring Festival season the range reaches, if any) and faults.json
// into options.out_dir. `progress(done_days, total_days)` is called after each day is written; it
// may be empty.
Result<GenerateSummary> GenerateProvince(const GenerateOptions& options,
                                         const std::function<void(int, int)>& progress);

}  // namespace fugong
