// librdkafka's mock Kafka cluster, running inside this process: brokers listening on loopback
// ports that any Kafka client reaches through bootstrap_servers(), exactly as it reaches a real
// cluster. Only this class (and the commands and tests that start it) knows the cluster is a
// mock; producers and consumers never get a pointer to it.
//
// Limits of the mock in librdkafka 2.0.2 (docs/kafka.md): it keeps at most 5 MiB or 100,000
// message sets per partition and drops the oldest beyond that, keeps everything in memory, does
// not compact, and dies with its process.
#pragma once

#include <cstdint>
#include <memory>
#include <string>

#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"

typedef struct rd_kafka_mock_cluster_s rd_kafka_mock_cluster_t;

namespace fugong {

class EmbeddedCluster {
 public:
  // Starts `brokers` brokers (ids 1..brokers) on 127.0.0.1, on ports the OS picks.
  static Result<std::unique_ptr<EmbeddedCluster>> Start(int brokers = 3);
  ~EmbeddedCluster();
  EmbeddedCluster(const EmbeddedCluster&) = delete;
  EmbeddedCluster& operator=(const EmbeddedCluster&) = delete;

  // "127.0.0.1:port,127.0.0.1:port,...": the bootstrap.servers of every client.
  const std::string& bootstrap_servers() const { return bootstrap_servers_; }
  int broker_count() const { return brokers_; }

  // Creates a topic. `replication_factor` 0 means min(3, brokers). A topic a client names
  // before it was created is auto-created by the mock with 4 partitions, which is rarely
  // what a test or the service wants, so create topics first.
  Status CreateTopic(const std::string& name, int partitions, int replication_factor = 0);

  // Takes a broker off the network (closes its connections, refuses new ones) and back. The
  // partitions it leads stay unavailable meanwhile: the mock does not move leadership.
  Status SetBrokerDown(int32_t broker_id);
  Status SetBrokerUp(int32_t broker_id);

  // Stops the brokers; clients still connected see them disconnect. Idempotent.
  void Stop();

 private:
  EmbeddedCluster() = default;

  KafkaHandlePtr owner_;  // the handle the mock cluster lives in (a producer that sends nothing)
  rd_kafka_mock_cluster_t* cluster_ = nullptr;
  std::string bootstrap_servers_;
  int brokers_ = 0;
};

}  // namespace fugong
