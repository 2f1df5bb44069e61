#include "app/embedded_topics.h"

namespace fugong {

Result<std::unique_ptr<EmbeddedCluster>> StartEmbeddedCluster(RunConfig* config) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  if (!cluster.ok()) return cluster.status();
  // The default topics' partitions (sized for the mock: DefaultPartitions), under the names the
  // config gives them.
  using P = DefaultPartitions;
  const std::pair<std::string, int> topics[] = {
      {config->stream.readings_topic, P::kReadings},
      {config->stream.enterprises_topic, P::kEnterprises},
      {config->stream.weather_topic, P::kWeather},
      {config->stream.risk_topic, P::kRisk},
      {config->index_topic, P::kIndex},
      {config->deadletter_topic, P::kDeadLetter},
  };
  for (const auto& [name, partitions] : topics) {
    if (name.empty()) continue;
    FUGONG_RETURN_IF_ERROR((*cluster)->CreateTopic(name, partitions));
  }
  config->kafka.emplace_back("bootstrap.servers", (*cluster)->bootstrap_servers());
  return cluster;
}

}  // namespace fugong
