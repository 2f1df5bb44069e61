#include "app/produce_command.h"

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <chrono>
#include <cstdio>

#include "app/progress_line.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/csv_topic_replay.h"

namespace fugong {

namespace {

void PrintSummary(const ReplayOptions& options, const ReplayStats& stats, double seconds) {
  const double rate = seconds > 0 ? stats.messages / seconds : 0;
  const double byte_rate = seconds > 0 ? stats.delivered_bytes / seconds : 0;
  std::printf("topic      %s (%s)\n", options.topic.c_str(),
              std::string(TopicRecordKindName(options.kind)).c_str());
  std::printf("messages   %llu (raw lines %llu; blank lines skipped %llu)\n",
              static_cast<unsigned long long>(stats.messages),
              static_cast<unsigned long long>(stats.raw_messages),
              static_cast<unsigned long long>(stats.blank_lines));
  std::printf("delivered  %llu\n", static_cast<unsigned long long>(stats.delivered));
  std::printf("failed     %llu%s%s\n", static_cast<unsigned long long>(stats.failed),
              stats.first_delivery_error.empty() ? "" : "  first error: ",
              stats.first_delivery_error.c_str());
  std::printf("bytes      %llu\n", static_cast<unsigned long long>(stats.delivered_bytes));
  std::printf("seconds    %.2f\n", seconds);
  std::printf("rate       %s messages/s, %sB/s\n", ProgressLine::Human(rate).c_str(),
              ProgressLine::Human(byte_rate).c_str());
  if (options.max_lag > 0) {
    std::printf("paced      %.2f s waiting for group %s (max lag %lld; %llu checks, %llu waits)\n",
                stats.paced_seconds, options.group.c_str(), static_cast<long long>(options.max_lag),
                static_cast<unsigned long long>(stats.lag_checks),
                static_cast<unsigned long long>(stats.lag_waits));
  }
}

}  // namespace

int RunProduceCommand(int argc, char** argv) {
  CLI::App app{
      "Replay CSV files (plain or gzip) into a Kafka topic, one JSON message per line, keyed by "
      "enterprise_id (county_code for weather); a line that does not split into the header's "
      "fields is sent as its raw bytes without a key. Kafka properties: -X name=value, and "
      "FUGONG_KAFKA_<NAME_WITH_UNDERSCORES>=value in the environment (which wins). "
      "See docs/kafka.md.",
      "fugong produce"};
  std::string bootstrap, kind_name = "readings";
  std::vector<std::string> properties;
  ReplayOptions options;
  app.add_option("--bootstrap", bootstrap, "bootstrap servers, HOST:PORT[,HOST:PORT...]");
  app.add_option("--topic", options.topic, "topic to produce to")->required();
  app.add_option("--kind", kind_name,
                 "what the files hold: readings, enterprises, weather or risk (the risk chart)")
      ->check(CLI::IsMember({"readings", "enterprises", "weather", "risk"}));
  app.add_option("--max-lag", options.max_lag,
                 "pace: wait while consumer group --group is more than N messages behind");
  app.add_option("--group", options.group, "the consumer group --max-lag watches");
  app.add_option("--pace-batch", options.pace_batch,
                 "messages between two lag checks (default: max-lag/10, at most 50000)");
  app.add_option("-X,--property", properties,
                 "a librdkafka property name=value (repeatable), e.g. -X linger.ms=100");
  app.add_option("files", options.files, "CSV files, plain or .gz")->required()->expected(1, -1);
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  ParseTopicRecordKind(kind_name, &options.kind);
  if (options.max_lag > 0 && options.group.empty()) {
    std::fprintf(stderr, "fugong produce: --max-lag needs --group\n");
    return 2;
  }
  KafkaConfig config;
  if (!bootstrap.empty()) config.Set("bootstrap.servers", bootstrap, "--bootstrap");
  for (const std::string& property : properties) {
    const size_t eq = property.find('=');
    if (eq == std::string::npos || eq == 0) {
      std::fprintf(stderr, "fugong produce: -X takes name=value, got '%s'\n", property.c_str());
      return 2;
    }
    config.Set(property.substr(0, eq), property.substr(eq + 1), "-X " + property.substr(0, eq));
  }
  config.ApplyEnvironment(environ);
  if (!config.Get("bootstrap.servers").has_value()) {
    std::fprintf(
        stderr, "fugong produce: give --bootstrap HOST:PORT (or FUGONG_KAFKA_BOOTSTRAP_SERVERS)\n");
    return 2;
  }
  SetReplayProducerDefaults(&config);
  if (Result<KafkaConfPtr> built = config.Build(); !built.ok()) {
    std::fprintf(stderr, "fugong produce: %s\n", built.status().message().c_str());
    return 2;
  }
  // On a terminal a warning first clears the progress line, which redraws itself after it.
  const char* clear_line = isatty(STDERR_FILENO) != 0 ? "\r\033[K" : "";
  options.on_warning = [clear_line](std::string_view text) {
    std::fprintf(stderr, "%sfugong produce: %.*s\n", clear_line, static_cast<int>(text.size()),
                 text.data());
  };

  ProgressLine progress;
  const auto start = std::chrono::steady_clock::now();
  Result<ReplayStats> stats = ReplayCsvToTopic(config, options, &progress);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  if (!stats.ok()) {
    std::fprintf(stderr, "fugong produce: %s\n", stats.status().ToString().c_str());
    return stats.status().code() == Status::Code::kInvalidArgument ? 2 : 1;
  }
  PrintSummary(options, *stats, seconds);
  if (stats->failed > 0) {
    std::fprintf(stderr, "fugong produce: %llu messages were not delivered: %s\n",
                 static_cast<unsigned long long>(stats->failed),
                 stats->first_delivery_error.c_str());
    return 1;
  }
  return 0;
}

}  // namespace fugong
