#include "app/embedded_topics.h"

namespace fugong {

Result<std::unique_ptr<EmbeddedCluster>> StartEmbeddedCluster(RunConfig* config) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  if (!cluster.ok()) return cluster.status();
  // The mock keeps ~5 MiB per partition (about 38,000 readings) and does not compact: readings
  // get many partitions (48 hold ~1.8 M; producers pace on lag), the registry and index a few
  // (64 for the index: the default demo's 378,103 records of ~450 bytes are 170 MB, 2.7 MB a
  // partition; with 12 the mock had been dropping the oldest, unseen until the demo checked).
  const std::pair<std::string, int> topics[] = {
      {config->stream.readings_topic, 48}, {config->stream.enterprises_topic, 4},
      {config->stream.weather_topic, 1},   {config->stream.risk_topic, 1},
      {config->index_topic, 64},           {config->deadletter_topic, 2},
  };
  for (const auto& [name, partitions] : topics) {
    if (name.empty()) continue;
    FUGONG_RETURN_IF_ERROR((*cluster)->CreateTopic(name, partitions));
  }
  config->kafka.emplace_back("bootstrap.servers", (*cluster)->bootstrap_servers());
  return cluster;
}

}  // namespace fugong
