// The librdkafka properties of a run: the config's `kafka:` keys (file and --set), then every
// FUGONG_KAFKA_* variable of the environment, which wins (docs/kafka.md, "Kafka properties").
#pragma once

#include "app/run_config.h"
#include "connectors/kafka/kafka_config.h"

namespace fugong {

KafkaConfig KafkaConfigOf(const RunConfig& config);

}  // namespace fugong
