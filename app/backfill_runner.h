// Runs a backfill from files: the wiring shared by `fugong backfill` and `fugong demo`.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "app/run_config.h"
#include "engine/common/status.h"
#include "engine/job/backfill_job.h"
#include "engine/state/state_store.h"

namespace fugong {

struct BackfillFiles {
  std::string enterprises;
  std::vector<std::string> readings;
  std::string weather;  // optional
  std::string risk;     // optional: the epidemic risk chart
  std::string out;
  std::string deadletter;
  std::string state_dir;  // empty: a temporary directory, removed afterwards
  std::optional<Day> from, to;
  uint64_t commit_records = UINT64_MAX;
  uint64_t crash_after_commits = 0;  // testing: exit like kill -9 after this many commits
  StateStoreOptions state_options;   // testing: e.g. a file system that runs out of space
  // `--publish`: the index records also go to the index topic (config.index_topic) of the
  // cluster that config.kafka or FUGONG_KAFKA_* name; `republish` sends even the records the
  // topic acknowledged in earlier runs (docs/kafka.md, "Backfill to Kafka").
  bool publish = false;
  bool republish = false;
};

// What `--publish` sent.
struct PublishSummary {
  std::string topic;
  uint64_t sent = 0;  // produced and acknowledged (a failure fails the run)
  uint64_t held = 0;  // not sent again: the topic acknowledged the same bytes in an earlier run
};

// With `files.publish`, `published` (optional) receives what was sent.
Result<BackfillSummary> RunBackfillFromFiles(const RunConfig& config, const BackfillFiles& files,
                                             ProgressListener* progress,
                                             PublishSummary* published = nullptr);

// The summary as text lines for people, and as JSON for tools.
std::string SummaryText(const BackfillSummary& summary, const BackfillFiles& files, double seconds);
// `published` (optional): what --publish sent.
std::string SummaryJson(const BackfillSummary& summary, double seconds,
                        const PublishSummary* published = nullptr);

}  // namespace fugong
