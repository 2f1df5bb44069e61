#pragma once

namespace fugong {

// `fugong broker`: the embedded Kafka cluster (librdkafka's mock) as a process of its own,
// until SIGINT or SIGTERM.
int RunBrokerCommand(int argc, char** argv);

}  // namespace fugong
