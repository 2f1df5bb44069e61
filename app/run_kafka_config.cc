#include "app/run_kafka_config.h"

extern char** environ;

namespace fugong {

KafkaConfig KafkaConfigOf(const RunConfig& config) {
  KafkaConfig kafka;
  for (const auto& [name, value] : config.kafka) kafka.Set(name, value, "config file");
  kafka.ApplyEnvironment(environ);
  return kafka;
}

}  // namespace fugong
