// Runs a backfill from files: the wiring shared by `fugong backfill` and `fugong demo`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/run_config.h"
#include "engine/common/status.h"
#include "engine/job/backfill_job.h"

namespace fugong {

struct BackfillFiles {
  std::string enterprises;
  std::vector<std::string> readings;
  std::string weather;  // optional
  std::string out;
  std::string deadletter;
  std::string state_dir;  // empty: a temporary directory, removed afterwards
  std::optional<Day> from, to;
  uint64_t commit_records = UINT64_MAX;
  uint64_t crash_after_commits = 0;  // testing: exit like kill -9 after this many commits
};

Result<BackfillSummary> RunBackfillFromFiles(const RunConfig& config, const BackfillFiles& files,
                                             ProgressListener* progress);

// The summary as text lines for people, and as JSON for tools.
std::string SummaryText(const BackfillSummary& summary, const BackfillFiles& files, double seconds);
std::string SummaryJson(const BackfillSummary& summary, double seconds);

}  // namespace fugong
