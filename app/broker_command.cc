#include "app/broker_command.h"

#include <pthread.h>
#include <signal.h>

#include <CLI/CLI.hpp>
#include <cstdio>

#include "app/stop_signals.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/topic_spec.h"

namespace fugong {

int RunBrokerCommand(int argc, char** argv) {
  CLI::App app{
      "Run an embedded Kafka cluster (librdkafka's mock) until SIGINT or SIGTERM. The first "
      "line of stdout is the bootstrap address. The mock keeps at most 5 MiB or 100,000 message "
      "sets per partition (older ones are dropped), keeps everything in memory, does not "
      "compact, and loses everything when it stops. See docs/kafka.md.",
      "fugong broker"};
  int brokers = 3;
  std::string topics = DefaultTopicSpecs();
  app.add_option("--brokers", brokers, "number of brokers")->check(CLI::Range(1, 32));
  app.add_option("--topics", topics, "topics to create, name:partitions,...")
      ->default_str(DefaultTopicSpecs());
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  Result<std::vector<TopicSpec>> specs = ParseTopicSpecs(topics);
  if (!specs.ok()) {
    std::fprintf(stderr, "fugong broker: --topics: %s\n", specs.status().message().c_str());
    return 2;
  }

  // The signals are blocked before the cluster's threads start (they inherit the mask), so
  // that they all stay pending for sigwait below instead of killing the process mid-write.
  const sigset_t stop_signals = BlockStopSignals();

  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(brokers);
  if (!cluster.ok()) {
    std::fprintf(stderr, "fugong broker: %s\n", cluster.status().ToString().c_str());
    return 1;
  }
  for (const TopicSpec& spec : *specs) {
    const Status created = (*cluster)->CreateTopic(spec.name, spec.partitions);
    if (!created.ok()) {
      std::fprintf(stderr, "fugong broker: %s\n", created.ToString().c_str());
      return 1;
    }
  }
  // The first line of stdout is the contract with scripts and tests; the rest goes to stderr.
  std::printf("%s\n", (*cluster)->bootstrap_servers().c_str());
  std::fflush(stdout);
  std::fprintf(stderr, "fugong broker: %d brokers at %s\n", brokers,
               (*cluster)->bootstrap_servers().c_str());
  for (const TopicSpec& spec : *specs) {
    std::fprintf(stderr, "fugong broker: topic %s, %d partitions\n", spec.name.c_str(),
                 spec.partitions);
  }
  std::fprintf(stderr, "fugong broker: running until SIGINT or SIGTERM\n");

  int signal_number = 0;
  sigwait(&stop_signals, &signal_number);
  (*cluster)->Stop();
  std::fprintf(stderr, "fugong broker: stopped (%s)\n",
               signal_number == SIGINT ? "SIGINT" : "SIGTERM");
  return 0;
}

}  // namespace fugong
