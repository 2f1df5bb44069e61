#pragma once

namespace fugong {

// `fugong produce`: replays CSV files (plain or gzip) into a Kafka topic, the load generator
// of the streaming service.
int RunProduceCommand(int argc, char** argv);

}  // namespace fugong
