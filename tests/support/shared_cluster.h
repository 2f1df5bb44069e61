// One embedded Kafka cluster (librdkafka's mock, three brokers) for all the tests of a suite:
// derive the fixture from SharedClusterTest and use `cluster_`. Starting a cluster per test would
// cost more than most of the tests themselves.
#pragma once

#include <gtest/gtest.h>

#include <memory>

#include "connectors/kafka/embedded_cluster.h"

namespace fugong::testing {

class SharedClusterTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<std::unique_ptr<EmbeddedCluster>> cluster = EmbeddedCluster::Start(3);
    ASSERT_TRUE(cluster.ok()) << cluster.status().ToString();
    cluster_ = std::move(cluster).value().release();
  }
  static void TearDownTestSuite() {
    delete cluster_;
    cluster_ = nullptr;
  }

  // Null if the cluster did not start (the suite's setup has failed).
  static inline EmbeddedCluster* cluster_ = nullptr;
};

}  // namespace fugong::testing
