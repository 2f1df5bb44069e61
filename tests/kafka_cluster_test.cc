// The embedded cluster: it starts with the brokers asked for, a plain client reaches it through
// the bootstrap servers alone and sees the topics with the partitions asked for, a broker can be
// taken down and brought back, and it stops cleanly.
#include "connectors/kafka/embedded_cluster.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <map>
#include <string>

#include "connectors/kafka/kafka_config.h"

namespace fugong {
namespace {

// A producer handle that knows only the bootstrap servers, as any client of a real cluster.
KafkaHandlePtr PlainClient(const std::string& bootstrap) {
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap);
  Result<KafkaConfPtr> conf = config.Build();
  EXPECT_TRUE(conf.ok());
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_PRODUCER, conf->release(), errstr, sizeof errstr);
  EXPECT_NE(rk, nullptr) << errstr;
  return KafkaHandlePtr(rk);
}

// Topic name -> partition count, as the cluster's metadata says.
std::map<std::string, int> Topics(rd_kafka_t* rk, int* brokers) {
  const rd_kafka_metadata_t* raw = nullptr;
  std::map<std::string, int> topics;
  const rd_kafka_resp_err_t err = rd_kafka_metadata(rk, 1, nullptr, &raw, 10000);
  EXPECT_EQ(err, RD_KAFKA_RESP_ERR_NO_ERROR) << rd_kafka_err2str(err);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) return topics;
  KafkaMetadataPtr metadata(raw);
  for (int i = 0; i < metadata->topic_cnt; ++i) {
    topics[metadata->topics[i].topic] = metadata->topics[i].partition_cnt;
  }
  if (brokers != nullptr) *brokers = metadata->broker_cnt;
  return topics;
}

TEST(KafkaEmbeddedCluster, StartsAndServesTopicsWithTheirPartitions) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
  const std::string& bootstrap = (*cluster)->bootstrap_servers();
  EXPECT_EQ(std::count(bootstrap.begin(), bootstrap.end(), ','), 2) << bootstrap;
  EXPECT_EQ(bootstrap.rfind("127.0.0.1:", 0), 0u) << bootstrap;
  ASSERT_TRUE((*cluster)->CreateTopic("fugong.readings", 12).ok());
  ASSERT_TRUE((*cluster)->CreateTopic("fugong.enterprises", 1).ok());
  ASSERT_TRUE((*cluster)->CreateTopic("one-replica", 5, 1).ok());

  KafkaHandlePtr client = PlainClient(bootstrap);
  int brokers = 0;
  const std::map<std::string, int> topics = Topics(client.get(), &brokers);
  EXPECT_EQ(brokers, 3);
  EXPECT_EQ(topics.at("fugong.readings"), 12);
  EXPECT_EQ(topics.at("fugong.enterprises"), 1);
  EXPECT_EQ(topics.at("one-replica"), 5);
  client.reset();
  (*cluster)->Stop();
  (*cluster)->Stop();  // idempotent
  EXPECT_FALSE((*cluster)->CreateTopic("late", 1).ok());
}

TEST(KafkaEmbeddedCluster, RejectsBadRequests) {
  EXPECT_FALSE(EmbeddedCluster::Start(0).ok());
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(1);
  ASSERT_TRUE(cluster.ok());
  EXPECT_FALSE((*cluster)->CreateTopic("t", 0).ok());
  EXPECT_FALSE((*cluster)->CreateTopic("t", 1, 2).ok());  // 2 replicas on 1 broker
  EXPECT_FALSE((*cluster)->CreateTopic("", 1).ok());
  EXPECT_FALSE((*cluster)->SetBrokerDown(7).ok());
}

TEST(KafkaEmbeddedCluster, BrokerDownAndUp) {
  Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
  ASSERT_TRUE(cluster.ok());
  ASSERT_TRUE((*cluster)->CreateTopic("t", 3).ok());
  ASSERT_TRUE((*cluster)->SetBrokerDown(2).ok());
  // The other brokers still answer.
  KafkaHandlePtr client = PlainClient((*cluster)->bootstrap_servers());
  EXPECT_EQ(Topics(client.get(), nullptr).at("t"), 3);
  ASSERT_TRUE((*cluster)->SetBrokerUp(2).ok());
  EXPECT_EQ(Topics(client.get(), nullptr).at("t"), 3);
}

}  // namespace
}  // namespace fugong
