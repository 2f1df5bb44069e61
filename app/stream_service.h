// The streaming service: a Kafka consumer feeding the StreamJob, the job's outbox sent by two
// idempotent producers (index and dead letters), and the loop that commits, closes days and
// publishes. The wiring behind `fugong serve` and `fugong demo`.
#pragma once

#include <atomic>
#include <functional>
#include <optional>
#include <string>

#include "app/run_config.h"
#include "app/stream_observer.h"
#include "engine/common/status.h"
#include "engine/job/stream_job.h"
#include "engine/state/state_store.h"

namespace fugong {

struct ServeOptions {
  std::string state_dir;
  // Exit once every assigned partition has been read to its end and nothing new came for this
  // many seconds: every day with data is then closed and published (a replay, a test).
  std::optional<double> exit_when_idle_seconds;
  // With exit_when_idle_seconds, when not null: the idle exit waits until this is true. A process
  // that feeds the topics while the service runs (the demo) sets it once it has produced
  // everything, so that a pause of its producer (pacing on the service's lag) is not taken for
  // the end of input, which would leave the producer waiting on a service that has exited.
  const std::atomic<bool>* input_complete = nullptr;
  // Set to stop: the loop commits, publishes and returns.
  const std::atomic<bool>* stop = nullptr;
  // Progress and status lines (stderr in the command).
  std::function<void(const std::string&)> log;
  // Testing: exit like kill -9 (no commit, no flush) after this many commits.
  uint64_t crash_after_commits = 0;
  // Told what the service does (metrics, the HTTP API); may be null.
  StreamObserver* observer = nullptr;
  // Testing: how the state is opened (e.g. on a file system that runs out of space).
  StateStoreOptions state_options;
};

struct ServeSummary {
  StreamStatus status;
  uint64_t messages = 0;  // consumed in this run
  uint64_t published_index = 0;
  uint64_t published_dead_letters = 0;
  double seconds = 0;
  // From the first message to the commit that made the last one durable: the ingest time.
  double ingest_seconds = 0;
  // Closing days: from the commit that closed them to their records acknowledged by the brokers.
  uint64_t closes = 0;
  double close_to_published_max_seconds = 0;
  double close_to_published_total_seconds = 0;
  // Commits written on the commit thread, and how long the job thread waited for them (to seal
  // the next, or before a registry or weather batch): the pipeline's stalls.
  uint64_t commits = 0;
  double commit_wait_seconds = 0;
};

// `config.kafka` must name bootstrap.servers (or FUGONG_KAFKA_BOOTSTRAP_SERVERS must).
Result<ServeSummary> RunStreamService(const RunConfig& config, const ServeOptions& options);

}  // namespace fugong
