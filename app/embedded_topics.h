// The embedded cluster as `serve --embedded` and `demo` start it: librdkafka's mock cluster in
// this process, with the service's topics created, sized for the mock's per-partition limit.
#pragma once

#include <memory>

#include "app/run_config.h"
#include "connectors/kafka/embedded_cluster.h"
#include "connectors/kafka/topic_spec.h"

namespace fugong {

// Starts 3 brokers and creates the topics `config` names. Sets kafka.bootstrap.servers in
// `config` to the cluster's.
Result<std::unique_ptr<EmbeddedCluster>> StartEmbeddedCluster(RunConfig* config);

}  // namespace fugong
