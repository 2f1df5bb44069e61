#include "connectors/kafka/embedded_cluster.h"

#include <librdkafka/rdkafka_mock.h>

#include <algorithm>

namespace fugong {

Result<std::unique_ptr<EmbeddedCluster>> EmbeddedCluster::Start(int brokers) {
  if (brokers < 1) return Status::InvalidArgument("an embedded cluster needs at least 1 broker");
  KafkaConfPtr conf(rd_kafka_conf_new());
  char errstr[512];
  // The owning handle only hosts the mock's threads; it never connects anywhere, and without
  // bootstrap servers librdkafka would log that at every start.
  if (rd_kafka_conf_set(conf.get(), "log_level", "3", errstr, sizeof errstr) != RD_KAFKA_CONF_OK) {
    return Status::InvalidArgument(errstr);
  }
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf.get(), errstr, sizeof errstr);
  if (rk == nullptr) {
    return Status::IOError(std::string("cannot create the embedded cluster's handle: ") + errstr);
  }
  conf.release();  // rd_kafka_new took it
  std::unique_ptr<EmbeddedCluster> cluster(new EmbeddedCluster());
  cluster->owner_.reset(rk);
  cluster->cluster_ = rd_kafka_mock_cluster_new(rk, brokers);
  if (cluster->cluster_ == nullptr) {
    return Status::IOError("cannot start the embedded Kafka cluster (librdkafka mock)");
  }
  cluster->bootstrap_servers_ = rd_kafka_mock_cluster_bootstraps(cluster->cluster_);
  cluster->brokers_ = brokers;
  return cluster;
}

EmbeddedCluster::~EmbeddedCluster() { Stop(); }

void EmbeddedCluster::Stop() {
  if (cluster_ != nullptr) {
    rd_kafka_mock_cluster_destroy(cluster_);
    cluster_ = nullptr;
  }
  owner_.reset();
}

Status EmbeddedCluster::CreateTopic(const std::string& name, int partitions,
                                    int replication_factor) {
  if (cluster_ == nullptr) return Status::InvalidArgument("the embedded cluster is stopped");
  if (name.empty()) return Status::InvalidArgument("a topic needs a name");
  if (partitions < 1) {
    return Status::InvalidArgument("topic " + name + " needs at least 1 partition");
  }
  if (replication_factor == 0) replication_factor = std::min(3, brokers_);
  if (replication_factor < 1 || replication_factor > brokers_) {
    return Status::InvalidArgument("topic " + name + ": replication factor " +
                                   std::to_string(replication_factor) + " with " +
                                   std::to_string(brokers_) + " brokers");
  }
  const rd_kafka_resp_err_t err =
      rd_kafka_mock_topic_create(cluster_, name.c_str(), partitions, replication_factor);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument("cannot create topic " + name + ": " + rd_kafka_err2str(err));
  }
  return Status::OK();
}

Status EmbeddedCluster::SetBrokerDown(int32_t broker_id) {
  if (cluster_ == nullptr) return Status::InvalidArgument("the embedded cluster is stopped");
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_down(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument("broker " + std::to_string(broker_id) + ": " +
                                   rd_kafka_err2str(err));
  }
  return Status::OK();
}

Status EmbeddedCluster::SetBrokerUp(int32_t broker_id) {
  if (cluster_ == nullptr) return Status::InvalidArgument("the embedded cluster is stopped");
  const rd_kafka_resp_err_t err = rd_kafka_mock_broker_set_up(cluster_, broker_id);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument("broker " + std::to_string(broker_id) + ": " +
                                   rd_kafka_err2str(err));
  }
  return Status::OK();
}

}  // namespace fugong
