// Kafka properties: environment variable names map to librdkafka properties, the environment
// wins, and unknown or invalid properties are errors that name the property and its origin.
// Topic lists for `fugong broker` parse or say what is wrong.
#include "connectors/kafka/kafka_config.h"

#include <gtest/gtest.h>

#include "connectors/kafka/topic_spec.h"

namespace fugong {
namespace {

TEST(KafkaConfig, EnvironmentVariableNamesMapToProperties) {
  EXPECT_EQ(KafkaConfig::PropertyOfEnvironmentVariable("FUGONG_KAFKA_BOOTSTRAP_SERVERS"),
            "bootstrap.servers");
  EXPECT_EQ(KafkaConfig::PropertyOfEnvironmentVariable("FUGONG_KAFKA_QUEUE_BUFFERING_MAX_MS"),
            "queue.buffering.max.ms");
  EXPECT_EQ(KafkaConfig::PropertyOfEnvironmentVariable("FUGONG_KAFKA_"), "");
  EXPECT_EQ(KafkaConfig::PropertyOfEnvironmentVariable("FUGONG_KAFKAX"), "");
  EXPECT_EQ(KafkaConfig::PropertyOfEnvironmentVariable("KAFKA_LINGER_MS"), "");
}

TEST(KafkaConfig, EnvironmentOverridesWhatWasSetBefore) {
  KafkaConfig config;
  config.Set("linger.ms", "5", "--linger");
  config.Set("client.id", "fugong");
  const char* env[] = {"PATH=/bin", "FUGONG_KAFKA_LINGER_MS=100", "FUGONG_KAFKA_SASL_PASSWORD=a=b",
                       "FUGONG_KAFKA_NOEQUALS", nullptr};
  config.ApplyEnvironment(env);
  EXPECT_EQ(config.Get("linger.ms"), "100");
  EXPECT_EQ(config.Get("client.id"), "fugong");
  EXPECT_EQ(config.Get("sasl.password"), "a=b");  // split at the first '='
  EXPECT_EQ(config.size(), 3u);
  config.SetDefault("linger.ms", "1");
  config.SetDefault("acks", "all");
  EXPECT_EQ(config.Get("linger.ms"), "100");
  EXPECT_EQ(config.Get("acks"), "all");
}

TEST(KafkaConfig, BuildsAValidConfiguration) {
  KafkaConfig config;
  config.Set("bootstrap.servers", "127.0.0.1:9092");
  config.Set("enable.idempotence", "true");
  config.Set("linger.ms", "50");
  config.Set("partitioner", "murmur2_random");  // a topic property, passed on by librdkafka
  Result<KafkaConfPtr> conf = config.Build();
  ASSERT_TRUE(conf.ok()) << conf.status().ToString();
  char value[64];
  size_t size = sizeof value;
  ASSERT_EQ(rd_kafka_conf_get(conf->get(), "linger.ms", value, &size), RD_KAFKA_CONF_OK);
  EXPECT_STREQ(value, "50");
}

TEST(KafkaConfig, UnknownAndInvalidPropertiesAreNamedWithTheirOrigin) {
  KafkaConfig config;
  config.Set("bootstrap.servers", "127.0.0.1:9092");
  const char* env[] = {"FUGONG_KAFKA_LINGER_MZ=5", "FUGONG_KAFKA_ACKS=several", nullptr};
  config.ApplyEnvironment(env);
  Result<KafkaConfPtr> conf = config.Build();
  ASSERT_FALSE(conf.ok());
  EXPECT_EQ(conf.status().code(), Status::Code::kInvalidArgument);
  const std::string& message = conf.status().message();
  EXPECT_NE(message.find("unknown Kafka property 'linger.mz' (from FUGONG_KAFKA_LINGER_MZ)"),
            std::string::npos)
      << message;
  EXPECT_NE(message.find("invalid value 'several' for Kafka property 'acks'"), std::string::npos)
      << message;
  EXPECT_NE(message.find("FUGONG_KAFKA_ACKS"), std::string::npos) << message;
}

TEST(KafkaTopicSpec, ParsesNamesAndPartitionCounts) {
  Result<std::vector<TopicSpec>> specs =
      ParseTopicSpecs("fugong.readings:12,fugong.enterprises,x-y_z:3,");
  ASSERT_TRUE(specs.ok()) << specs.status().ToString();
  ASSERT_EQ(specs->size(), 3u);
  EXPECT_EQ((*specs)[0].name, "fugong.readings");
  EXPECT_EQ((*specs)[0].partitions, 12);
  EXPECT_EQ((*specs)[1].name, "fugong.enterprises");
  EXPECT_EQ((*specs)[1].partitions, 1);
  EXPECT_EQ((*specs)[2].partitions, 3);
  EXPECT_TRUE(ParseTopicSpecs(DefaultTopicSpecs()).ok());
}

TEST(KafkaTopicSpec, RejectsMistakes) {
  for (const char* bad :
       {"", ",", "a:0", "a:-1", "a:x", "a:3x", "bad name:3", "a:1,a:2", ":3", "caf\xc3\xa9:1"}) {
    EXPECT_FALSE(ParseTopicSpecs(bad).ok()) << bad;
  }
}

}  // namespace
}  // namespace fugong
