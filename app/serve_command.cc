#include "app/serve_command.h"

#include <pthread.h>
#include <signal.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <atomic>
#include <cstdio>
#include <thread>

#include "app/embedded_topics.h"
#include "app/http/http_service.h"
#include "app/state_write_limit.h"
#include "app/stop_signals.h"
#include "app/stream_service.h"
#include "engine/common/json_writer.h"

namespace fugong {

int RunServeCommand(int argc, char** argv) {
  CLI::App app{
      "Run the streaming service: consume readings, the enterprise registry, weather and the risk "
      "chart from "
      "Kafka, keep state in RocksDB, publish the daily index and dead letters to Kafka. Stops "
      "cleanly on SIGINT or SIGTERM. See docs/streaming.md.",
      "fugong serve"};
  std::string config_path, state_dir = "fugong-state";
  std::vector<std::string> overrides;
  bool embedded = false;
  double exit_when_idle = -1;
  uint64_t crash_after_commits = 0;
  app.add_option("--config", config_path, "YAML config (see deploy/fugong.example.yaml)");
  app.add_option("--set", overrides, "override a config key: --set key=value (repeatable)");
  app.add_option("--state", state_dir, "state directory (RocksDB)");
  std::string http_listen;
  app.add_option("--http", http_listen,
                 "serve metrics, health, the API and the dashboard on HOST:PORT (port 0: any "
                 "free port); overrides http_listen");
  app.add_flag("--embedded", embedded,
               "start an embedded Kafka cluster (librdkafka's mock, 3 brokers) in this process, "
               "create the topics, and print its bootstrap address as the first line of stdout");
  app.add_option("--exit-when-idle", exit_when_idle,
                 "exit once all input is read and nothing came for SECONDS since the last message "
                 "or assignment: every day with data is then closed and published (replays and "
                 "tests)");
  app.add_option("--crash-after-commits", crash_after_commits,
                 "testing: exit abruptly, like kill -9, after N commits")
      ->group("");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  Result<RunConfig> config = LoadRunConfig(config_path, overrides);
  if (!config.ok()) {
    std::fprintf(stderr, "fugong serve: %s\n", config.status().ToString().c_str());
    return 2;
  }
  Result<StateStoreOptions> state_options = StateOptionsFromEnvironment();
  if (!state_options.ok()) {
    std::fprintf(stderr, "fugong serve: %s\n", state_options.status().ToString().c_str());
    return 2;
  }

  // SIGINT and SIGTERM are taken by one thread that asks the loop to stop: the loop then commits
  // and publishes before exiting.
  const sigset_t stop_signals = BlockStopSignals();
  std::atomic<bool> stop{false};
  std::thread([&stop, stop_signals] {
    int signal_number = 0;
    sigwait(&stop_signals, &signal_number);
    stop = true;
  }).detach();

  std::unique_ptr<EmbeddedCluster> cluster;
  if (embedded) {
    Result<std::unique_ptr<EmbeddedCluster>> started = StartEmbeddedCluster(&*config);
    if (!started.ok()) {
      std::fprintf(stderr, "fugong serve: %s\n", started.status().ToString().c_str());
      return 1;
    }
    cluster = std::move(started).value();
    std::printf("%s\n", cluster->bootstrap_servers().c_str());
    std::fflush(stdout);
    std::fprintf(stderr, "fugong serve: embedded Kafka cluster (3 brokers) at %s\n",
                 cluster->bootstrap_servers().c_str());
  }
  if (!http_listen.empty()) config->http_listen = http_listen;
  std::unique_ptr<HttpService> http;
  if (!config->http_listen.empty()) {
    Result<std::unique_ptr<HttpService>> started =
        HttpService::Start(&*config, config->http_listen);
    if (!started.ok()) {
      std::fprintf(stderr, "fugong serve: %s\n", started.status().ToString().c_str());
      return 2;
    }
    http = std::move(started).value();
    std::fprintf(stderr, "fugong serve: http: listening on http://%s/\n", http->address().c_str());
  }
  ServeOptions options;
  options.state_dir = state_dir;
  options.state_options = *state_options;
  options.observer = http.get();
  if (exit_when_idle >= 0) options.exit_when_idle_seconds = exit_when_idle;
  options.stop = &stop;
  options.crash_after_commits = crash_after_commits;
  options.log = [](const std::string& line) {
    // Log lines may quote what came from outside (topics, keys): never raw control bytes.
    std::fprintf(stderr, "fugong serve: %s\n", PrintableText(line).c_str());
  };
  Result<ServeSummary> summary = RunStreamService(*config, options);
  if (!summary.ok()) {
    std::fprintf(stderr, "fugong serve: %s\n", PrintableText(summary.status().ToString()).c_str());
    return summary.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  const StreamStatus& s = summary->status;
  std::printf(
      "{\"messages\":%llu,\"readings_records\":%llu,\"readings_used\":%llu,"
      "\"readings_dead\":%llu,\"enterprises_used\":%llu,\"enterprises_dead\":%llu,"
      "\"weather_used\":%llu,\"weather_dead\":%llu,\"risk_used\":%llu,\"risk_dead\":%llu,"
      "\"gaps\":%llu,\"published_index\":%llu,"
      "\"published_dead_letters\":%llu,\"records_new\":%llu,\"records_revised\":%llu,"
      "\"seconds\":%.3f,\"ingest_seconds\":%.3f,\"closes\":%llu,"
      "\"close_to_published_max_seconds\":%.4f,\"commits\":%llu,\"commit_wait_seconds\":%.3f}\n",
      static_cast<unsigned long long>(summary->messages),
      static_cast<unsigned long long>(s.readings.records),
      static_cast<unsigned long long>(s.readings.used),
      static_cast<unsigned long long>(s.readings.dead_total()),
      static_cast<unsigned long long>(s.enterprises.used),
      static_cast<unsigned long long>(s.enterprises.dead_total()),
      static_cast<unsigned long long>(s.weather.used),
      static_cast<unsigned long long>(s.weather.dead_total()),
      static_cast<unsigned long long>(s.risk.used),
      static_cast<unsigned long long>(s.risk.dead_total()), static_cast<unsigned long long>(s.gaps),
      static_cast<unsigned long long>(summary->published_index),
      static_cast<unsigned long long>(summary->published_dead_letters),
      static_cast<unsigned long long>(s.records_new),
      static_cast<unsigned long long>(s.records_revised), summary->seconds, summary->ingest_seconds,
      static_cast<unsigned long long>(summary->closes), summary->close_to_published_max_seconds,
      static_cast<unsigned long long>(summary->commits), summary->commit_wait_seconds);
  return 0;
}

}  // namespace fugong
