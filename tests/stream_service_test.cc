// The service loop in process (app/stream_service.h), against the embedded cluster: what the
// command-line tests cannot reach.
#include "app/stream_service.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <future>
#include <thread>

#include "app/run_config.h"
#include "connectors/kafka/embedded_cluster.h"

namespace fugong {
namespace {

namespace fs = std::filesystem;

// A producer that pauses (the demo's, pacing on the service's lag) is not the end of input: with
// `input_complete` the idle exit waits for it, however long the topics stay quiet.
TEST(StreamServiceTest, TheIdleExitWaitsUntilTheInputIsComplete) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  Result<RunConfig> config = LoadRunConfig("", {"commit_interval_ms=200"});
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  for (const std::string& topic : {config->stream.readings_topic, config->stream.enterprises_topic,
                                   config->stream.weather_topic, config->stream.risk_topic,
                                   config->index_topic, config->deadletter_topic}) {
    ASSERT_TRUE((*cluster)->CreateTopic(topic, 1).ok()) << topic;
  }
  config->kafka.emplace_back("bootstrap.servers", (*cluster)->bootstrap_servers());
  config->kafka.emplace_back("session.timeout.ms", "6000");
  const fs::path state =
      fs::temp_directory_path() / ("fugong-stream-service-test-" + std::to_string(getpid()));
  fs::remove_all(state);

  std::atomic<bool> input_complete{false}, stop{false};
  ServeOptions options;
  options.stop = &stop;
  options.state_dir = state.string();
  options.exit_when_idle_seconds = 0.5;
  options.input_complete = &input_complete;
  std::promise<Result<ServeSummary>> result;
  std::future<Result<ServeSummary>> done = result.get_future();
  std::thread service([&] { result.set_value(RunStreamService(*config, options)); });
  // Empty topics, read to their end: idle for far longer than half a second (the group join
  // takes about three), yet the service goes on.
  EXPECT_EQ(done.wait_for(std::chrono::seconds(8)), std::future_status::timeout)
      << "the service exited before its input was complete";
  input_complete = true;
  const bool exited = done.wait_for(std::chrono::seconds(30)) == std::future_status::ready;
  EXPECT_TRUE(exited) << "the service did not exit once idle with its input complete";
  stop = true;  // a no-op when it has exited
  service.join();
  const Result<ServeSummary> summary = done.get();
  EXPECT_TRUE(summary.ok()) << summary.status().ToString();
  fs::remove_all(state);
}

}  // namespace
}  // namespace fugong
