// The streaming service's consumer against the embedded cluster: every message of several
// topics exactly once, in offset order per partition, keys and values intact; start offsets
// come from the owner's state, not from the group, also on restart and when the group holds
// other offsets; offsets that fell out of the log are reported as a gap and reading goes on at
// the log start; a message without a key has no key; group commits make lag tools see the
// consumer's progress.
//
// Each consumer joins a group, and the mock holds the first join of a group for its initial
// rebalance delay (3 s), which sets the pace of these tests.
#include "connectors/kafka/kafka_stream_consumer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdio>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "connectors/kafka/consumer_group_lag.h"
#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_producer.h"
#include "tests/support/shared_cluster.h"

namespace fugong {
namespace {

using std::chrono::milliseconds;
using Clock = std::chrono::steady_clock;
using PartitionKey = std::pair<std::string, int32_t>;

// A consumed message, copied out of the consumer's views.
struct Got {
  std::string topic;
  int32_t partition = 0;
  int64_t offset = 0;
  std::optional<std::string> key;
  std::string value;
};

class KafkaStreamConsumerTest : public testing::SharedClusterTest {
 protected:
  void SetUp() override { ASSERT_NE(cluster_, nullptr); }
  void TearDown() override {
    if (HasFailure()) {
      for (const std::string& line : log_) std::fprintf(stderr, "consumer log: %s\n", line.c_str());
    }
  }

  static const std::string& bootstrap() { return cluster_->bootstrap_servers(); }

  // A fresh name per test, so that tests never share topics or groups.
  static std::string Name(const std::string& what) {
    return std::string(::testing::UnitTest::GetInstance()->current_test_info()->name()) + "." +
           what;
  }

  static KafkaConfig ConsumerConfig(const std::string& group) {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    config.Set("group.id", group);
    // After a member leaves, the mock holds the next join for session.timeout.ms - 1 s:
    // short sessions keep restarts in the same group quick.
    config.Set("session.timeout.ms", "4500");
    config.Set("heartbeat.interval.ms", "500");
    return config;
  }

  // `strategy`: the partition.assignment.strategy, when not the consumer's default.
  std::unique_ptr<KafkaStreamConsumer> NewConsumer(const std::string& group,
                                                   std::vector<std::string> topics,
                                                   KafkaStreamConsumer::StartOffset start,
                                                   const std::string& strategy = "") {
    KafkaConfig config = ConsumerConfig(group);
    if (!strategy.empty()) config.Set("partition.assignment.strategy", strategy);
    Result<std::unique_ptr<KafkaStreamConsumer>> consumer =
        KafkaStreamConsumer::Create(config, std::move(topics), std::move(start),
                                    [this](std::string_view line) { log_.emplace_back(line); });
    EXPECT_TRUE(consumer.ok()) << consumer.status().ToString();
    return consumer.ok() ? std::move(consumer).value() : nullptr;
  }

  // Produces (key, value) pairs; a key of nullopt produces a message without a key.
  static void Produce(const std::string& topic,
                      const std::vector<std::pair<std::optional<std::string>, std::string>>& kvs) {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    config.Set("partitioner", "murmur2_random");
    Result<std::unique_ptr<KafkaProducer>> producer = KafkaProducer::Create(config, topic);
    ASSERT_TRUE(producer.ok()) << producer.status().ToString();
    for (const auto& [key, value] : kvs) {
      ASSERT_TRUE(
          (key ? (*producer)->Produce(*key, value) : (*producer)->ProduceWithoutKey(value)).ok());
    }
    ASSERT_TRUE((*producer)->Flush(std::chrono::seconds(30)).ok());
    ASSERT_EQ((*producer)->counts().delivered, kvs.size()) << (*producer)->counts().first_error;
  }

  static std::vector<std::pair<std::optional<std::string>, std::string>> Keyed(
      const std::string& topic, int count) {
    std::vector<std::pair<std::optional<std::string>, std::string>> kvs;
    for (int i = 0; i < count; ++i) {
      kvs.emplace_back("k" + std::to_string(i), topic + " value " + std::to_string(i));
    }
    return kvs;
  }

  // Polls until `want` messages came (then half a second more, so that a duplicate or an extra
  // message would be seen too) or `limit` passed. Fails the test on a Poll error.
  static std::vector<Got> Consume(KafkaStreamConsumer* consumer, size_t want,
                                  milliseconds limit = milliseconds(15000), size_t max = 1000) {
    std::vector<Got> got;
    std::vector<StreamMessage> batch;
    const Clock::time_point deadline = Clock::now() + limit;
    Clock::time_point quiet_until{};
    while (Clock::now() < deadline) {
      if (got.size() >= want) {
        if (quiet_until == Clock::time_point{}) {
          quiet_until = Clock::now() + milliseconds(500);
        } else if (Clock::now() > quiet_until) {
          break;
        }
      }
      const Status polled = consumer->Poll(milliseconds(50), max, &batch);
      if (!polled.ok()) {
        ADD_FAILURE() << polled.ToString();
        break;
      }
      for (const StreamMessage& m : batch) {
        Got g{std::string(m.topic), m.partition, m.offset, std::nullopt, std::string(m.value)};
        if (m.key) g.key = std::string(*m.key);
        got.push_back(std::move(g));
      }
    }
    return got;
  }

  // Offsets per partition, in the order they came.
  static std::map<PartitionKey, std::vector<int64_t>> OffsetsByPartition(
      const std::vector<Got>& got) {
    std::map<PartitionKey, std::vector<int64_t>> offsets;
    for (const Got& g : got) offsets[{g.topic, g.partition}].push_back(g.offset);
    return offsets;
  }

  // Each partition's offsets are from, from + 1, ..., up to its end, once each, in order.
  static void ExpectContiguous(const std::vector<int64_t>& offsets, int64_t from,
                               const std::string& what) {
    ASSERT_FALSE(offsets.empty()) << what;
    for (size_t i = 0; i < offsets.size(); ++i) {
      ASSERT_EQ(offsets[i], from + static_cast<int64_t>(i)) << what << " at index " << i;
    }
  }

  // Commits each partition's position to the group, then closes: Close waits for the commit.
  static void CommitPositionsAndClose(KafkaStreamConsumer* consumer) {
    std::vector<std::tuple<std::string, int32_t, int64_t>> positions;
    for (const PartitionStatus& s : consumer->Partitions()) {
      positions.emplace_back(s.topic, s.partition, s.position);
    }
    consumer->CommitAsync(positions);
    consumer->Close();
  }

  // The lag of `group` on `topic` as a lag tool sees it, knowing only the bootstrap servers.
  static Result<std::unique_ptr<ConsumerGroupLag>> GroupLag(const std::string& group,
                                                            const std::string& topic) {
    KafkaConfig config;
    config.Set("bootstrap.servers", bootstrap());
    return ConsumerGroupLag::Create(config, group, topic);
  }

  static int64_t Total(const std::vector<PartitionStatus>& statuses) {
    int64_t total = 0;
    for (const PartitionStatus& s : statuses) total += s.high_watermark;
    return total;
  }

  void ARebalanceMidStreamLosesAndRepeatsNothing(const std::string& strategy);

  std::vector<std::string> log_;
};

TEST_F(KafkaStreamConsumerTest, EveryMessageOfTwoTopicsOnceInOffsetOrder) {
  const std::string a = Name("a"), b = Name("b");
  ASSERT_TRUE(cluster_->CreateTopic(a, 3).ok());
  ASSERT_TRUE(cluster_->CreateTopic(b, 2).ok());
  const auto kvs_a = Keyed(a, 3000), kvs_b = Keyed(b, 2000);
  Produce(a, kvs_a);
  Produce(b, kvs_b);

  std::set<PartitionKey> started;
  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(Name("group"), {a, b}, [&](const std::string& topic, int32_t partition) {
        started.insert({topic, partition});
        return int64_t{-1};
      });
  ASSERT_NE(consumer, nullptr);
  consumer->SetGapCheckedTopics({a, b});
  std::vector<std::vector<PartitionStatus>> revoked;
  consumer->SetOnRevoke([&](const std::vector<PartitionStatus>& r) { revoked.push_back(r); });
  EXPECT_FALSE(consumer->assigned());
  const uint64_t generation = consumer->assignment_generation();

  const std::vector<Got> got = Consume(consumer.get(), kvs_a.size() + kvs_b.size());
  ASSERT_EQ(got.size(), kvs_a.size() + kvs_b.size());
  EXPECT_TRUE(consumer->assigned());
  EXPECT_NE(consumer->assignment_generation(), generation);
  EXPECT_EQ(started.size(), 5u);  // asked once for each partition

  // Exactly once, in offset order, from the log start to the end, per partition.
  const auto offsets = OffsetsByPartition(got);
  EXPECT_EQ(offsets.size(), 5u);
  for (const auto& [tp, list] : offsets) {
    ExpectContiguous(list, 0, tp.first + "[" + std::to_string(tp.second) + "]");
  }
  // Keys and values intact; the topics interleave.
  std::map<std::string, std::string> want, seen;
  for (const auto& [key, value] : kvs_a) want[a + "/" + *key] = value;
  for (const auto& [key, value] : kvs_b) want[b + "/" + *key] = value;
  bool interleaved = false;
  for (size_t i = 0; i < got.size(); ++i) {
    ASSERT_TRUE(got[i].key.has_value());
    seen[got[i].topic + "/" + *got[i].key] = got[i].value;
    if (i > 0 && got[i].topic != got[i - 1].topic) interleaved = true;
  }
  EXPECT_EQ(seen, want);
  EXPECT_TRUE(interleaved);
  EXPECT_TRUE(consumer->TakeGaps().empty());

  // Caught up: every position is at its high watermark, and the watermarks add up.
  const std::vector<PartitionStatus> statuses = consumer->Partitions();
  ASSERT_EQ(statuses.size(), 5u);
  for (const PartitionStatus& s : statuses) {
    EXPECT_EQ(s.position, s.high_watermark) << s.topic << "[" << s.partition << "]";
    EXPECT_EQ(s.low_watermark, 0);
  }
  EXPECT_EQ(Total(statuses), static_cast<int64_t>(got.size()));

  // Closing revokes, with the final positions, before leaving.
  consumer->Close();
  ASSERT_EQ(revoked.size(), 1u);
  ASSERT_EQ(revoked[0].size(), 5u);
  for (size_t i = 0; i < 5; ++i) EXPECT_EQ(revoked[0][i].position, statuses[i].position);
  EXPECT_FALSE(consumer->assigned());
  std::vector<StreamMessage> none;
  EXPECT_FALSE(consumer->Poll(milliseconds(0), 10, &none).ok());
}

TEST_F(KafkaStreamConsumerTest, StartOffsetsFromTheCallbackAreHonoured) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 2).ok());
  Produce(topic, Keyed(topic, 400));
  constexpr int64_t kStart = 17;
  std::unique_ptr<KafkaStreamConsumer> consumer = NewConsumer(
      Name("group"), {topic},
      [&](const std::string&, int32_t partition) { return partition == 0 ? kStart : int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  consumer->SetGapCheckedTopics({topic});
  // Assigned as soon as the group answers; the ends are known from the first fetches.
  std::vector<Got> got = Consume(consumer.get(), 400 - kStart);
  const std::vector<PartitionStatus> statuses = consumer->Partitions();
  ASSERT_EQ(statuses.size(), 2u);
  ASSERT_EQ(got.size(), static_cast<size_t>(Total(statuses) - kStart));
  const auto offsets = OffsetsByPartition(got);
  ExpectContiguous(offsets.at({topic, 0}), kStart, "partition 0");
  ExpectContiguous(offsets.at({topic, 1}), 0, "partition 1");
  EXPECT_GT(statuses[0].high_watermark, kStart);
  EXPECT_TRUE(consumer->TakeGaps().empty());
}

// The end of input is checked against the leaders' ends, not the last fetch response's: messages
// produced after the consumer read its partitions to their ends are behind it at once.
TEST_F(KafkaStreamConsumerTest, TheEndsQueriedFromTheLeadersSeeMessagesNotYetFetched) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 2).ok());
  Produce(topic, Keyed(topic, 100));
  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(Name("group"), {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  ASSERT_EQ(Consume(consumer.get(), 100).size(), 100u);
  int64_t fetched_ends = 0;
  for (const PartitionStatus& p : consumer->Partitions()) fetched_ends += p.high_watermark;
  EXPECT_EQ(fetched_ends, 100);
  EXPECT_FALSE(consumer->rebalancing());
  Produce(topic, Keyed(topic, 60));  // not polled: no fetch response has seen them
  int64_t queried_ends = 0;
  for (int32_t partition : {0, 1}) {
    Result<int64_t> end = consumer->QueryHighWatermark(topic, partition, std::chrono::seconds(10));
    ASSERT_TRUE(end.ok()) << end.status().ToString();
    queried_ends += *end;
  }
  EXPECT_EQ(queried_ends, 160);
  consumer->Close();
  EXPECT_FALSE(consumer->QueryHighWatermark(topic, 0, std::chrono::seconds(2)).ok());
}

TEST_F(KafkaStreamConsumerTest, RestartContinuesAtTheStateWithNothingCommitted) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 3).ok());
  Produce(topic, Keyed(topic, 900));
  const std::string group = Name("group");

  // The first run hands out part of the topic; "state" is where it got to. Nothing is
  // committed to the group.
  std::map<PartitionKey, int64_t> state;
  std::vector<Got> first_run;
  {
    std::unique_ptr<KafkaStreamConsumer> consumer =
        NewConsumer(group, {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
    ASSERT_NE(consumer, nullptr);
    std::vector<StreamMessage> batch;
    const Clock::time_point deadline = Clock::now() + std::chrono::seconds(15);
    while (first_run.size() < 300 && Clock::now() < deadline) {
      ASSERT_TRUE(consumer->Poll(milliseconds(50), 7, &batch).ok());
      for (const StreamMessage& m : batch) {
        first_run.push_back({std::string(m.topic), m.partition, m.offset, std::nullopt, ""});
        state[{std::string(m.topic), m.partition}] = m.offset + 1;
      }
    }
    ASSERT_GE(first_run.size(), 300u);
    consumer->Close();
  }

  std::map<PartitionKey, int64_t> asked;
  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(group, {topic}, [&](const std::string& t, int32_t partition) {
        const auto it = state.find({t, partition});
        const int64_t start = it == state.end() ? -1 : it->second;
        asked[{t, partition}] = start;
        return start;
      });
  ASSERT_NE(consumer, nullptr);
  consumer->SetGapCheckedTopics({topic});
  const std::vector<Got> second_run = Consume(consumer.get(), 900 - first_run.size());
  EXPECT_EQ(asked.size(), 3u);
  ASSERT_EQ(first_run.size() + second_run.size(), 900u);
  const auto offsets = OffsetsByPartition(second_run);
  for (const auto& [tp, list] : offsets) {
    const auto it = state.find(tp);
    ExpectContiguous(list, it == state.end() ? 0 : it->second, "partition " + tp.first);
  }
  EXPECT_TRUE(consumer->TakeGaps().empty());
}

TEST_F(KafkaStreamConsumerTest, TheStateWinsOverOffsetsTheGroupCommitted) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 2).ok());
  Produce(topic, Keyed(topic, 200));
  const std::string group = Name("group");

  // The first run reads everything and commits the ends to the group.
  {
    std::unique_ptr<KafkaStreamConsumer> consumer =
        NewConsumer(group, {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
    ASSERT_NE(consumer, nullptr);
    ASSERT_EQ(Consume(consumer.get(), 200).size(), 200u);
    CommitPositionsAndClose(consumer.get());
  }
  Result<std::unique_ptr<ConsumerGroupLag>> lag = GroupLag(group, topic);
  ASSERT_TRUE(lag.ok());
  Result<ConsumerGroupLag::Measurement> measured = (*lag)->Measure(milliseconds(5000));
  ASSERT_TRUE(measured.ok()) << measured.status().ToString();
  ASSERT_EQ(measured->lag, 0);  // the group's offsets are the ends

  // The state says 5 in each partition: the consumer reads from there, not from the ends.
  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(group, {topic}, [](const std::string&, int32_t) { return int64_t{5}; });
  ASSERT_NE(consumer, nullptr);
  const std::vector<Got> got = Consume(consumer.get(), 200 - 2 * 5);
  ASSERT_EQ(got.size(), 190u);
  for (const auto& [tp, list] : OffsetsByPartition(got)) ExpectContiguous(list, 5, "partition");
}

TEST_F(KafkaStreamConsumerTest, OffsetsDroppedFromTheLogAreReportedAsAGap) {
  const std::string topic = Name("t"), other = Name("other");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 1).ok());
  ASSERT_TRUE(cluster_->CreateTopic(other, 3).ok());
  // 8.2 MB of 1 KB values: the mock keeps about 5 MiB and drops the oldest message sets.
  const std::string value(1000, 'x');
  std::vector<std::pair<std::optional<std::string>, std::string>> kvs;
  for (int i = 0; i < 8200; ++i) kvs.emplace_back("k" + std::to_string(i), value);
  Produce(topic, kvs);
  // Another topic read meanwhile: restarting the gapped partition must not lose or repeat
  // any of its messages either.
  Produce(other, Keyed(other, 3000));

  std::unique_ptr<KafkaStreamConsumer> consumer = NewConsumer(
      Name("group"), {topic, other},
      [&](const std::string& t, int32_t) { return t == topic ? int64_t{0} : int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  consumer->SetGapCheckedTopics({topic, other});
  std::vector<PartitionGap> gaps;
  std::vector<Got> got;
  std::vector<StreamMessage> batch;
  size_t other_count = 0;
  int64_t last = -1;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(15);
  while ((last < 8199 || other_count < 3000) && Clock::now() < deadline) {
    const Status polled = consumer->Poll(milliseconds(50), 200, &batch);
    ASSERT_TRUE(polled.ok()) << polled.ToString();
    for (PartitionGap& gap : consumer->TakeGaps()) gaps.push_back(std::move(gap));
    for (const StreamMessage& m : batch) {
      got.push_back({std::string(m.topic), m.partition, m.offset, std::nullopt, ""});
      if (m.topic == topic) last = m.offset;
      if (m.topic == other) ++other_count;
    }
  }
  ASSERT_EQ(gaps.size(), 1u);
  EXPECT_EQ(gaps[0].topic, topic);
  EXPECT_EQ(gaps[0].partition, 0);
  EXPECT_EQ(gaps[0].from, 0);
  const std::vector<PartitionStatus> statuses = consumer->Partitions();
  ASSERT_EQ(statuses.size(), 4u);
  const PartitionStatus& gapped = statuses.back();  // sorted by topic: "...t" after "...other"
  ASSERT_EQ(gapped.topic, topic);
  EXPECT_EQ(gaps[0].to, gapped.low_watermark);
  EXPECT_GT(gaps[0].to, 1000);  // more than 3 MB went
  EXPECT_LT(gaps[0].to, 8200);
  EXPECT_EQ(gapped.position, 8200);
  // Everything from the log start on, without stopping; the other topic exactly once.
  const auto offsets = OffsetsByPartition(got);
  ExpectContiguous(offsets.at({topic, 0}), gaps[0].to, "after the gap");
  EXPECT_EQ(offsets.at({topic, 0}).back(), 8199);
  size_t other_total = 0;
  for (int32_t p = 0; p < 3; ++p) {
    ExpectContiguous(offsets.at({other, p}), 0, "other partition " + std::to_string(p));
    other_total += offsets.at({other, p}).size();
  }
  EXPECT_EQ(other_total, 3000u);
}

// Two members of one group sharing the owner's "state" (what the revoke callback flushes and
// StartOffset reads): the second member's arrival rebalances the first in the middle of its
// backlog, and between them every message is handed out exactly once. With the eager protocol
// (range) the first gives up all four partitions and gets two back; with cooperative-sticky (the
// default) it gives up only the two that move, and the two it keeps are neither revoked nor
// assigned again, so their reading never stops.
TEST_F(KafkaStreamConsumerTest, ARebalanceMidStreamLosesAndRepeatsNothingEager) {
  ARebalanceMidStreamLosesAndRepeatsNothing("range");
}

TEST_F(KafkaStreamConsumerTest, ARebalanceMidStreamLosesAndRepeatsNothingCooperative) {
  ARebalanceMidStreamLosesAndRepeatsNothing("");
}

void KafkaStreamConsumerTest::ARebalanceMidStreamLosesAndRepeatsNothing(
    const std::string& strategy) {
  const bool cooperative = strategy.empty();
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 4).ok());
  // Enough that the first member is still reading when a cooperative rebalance's second round
  // (the one that assigns what the first gave up) completes.
  constexpr size_t kMessages = 10000;
  Produce(topic, Keyed(topic, kMessages));
  const std::string group = Name("group");
  std::map<PartitionKey, int64_t> state;  // the next offset of each partition, as flushed
  auto start = [&](const std::string& t, int32_t partition) {
    const auto it = state.find({t, partition});
    return it == state.end() ? int64_t{-1} : it->second;
  };
  auto flush = [&](const std::vector<PartitionStatus>& revoked) {
    for (const PartitionStatus& s : revoked) {
      if (s.position >= 0) state[{s.topic, s.partition}] = s.position;
    }
  };
  // Declared before the consumers, whose callbacks write them until they close.
  std::set<int32_t> revoked_from_first;
  std::vector<std::vector<int32_t>> assigned_to_first;  // what each assignment gave it
  std::unique_ptr<KafkaStreamConsumer> first = NewConsumer(group, {topic}, start, strategy);
  ASSERT_NE(first, nullptr);
  first->SetGapCheckedTopics({topic});
  first->SetOnRevoke([&](const std::vector<PartitionStatus>& revoked) {
    for (const PartitionStatus& s : revoked) revoked_from_first.insert(s.partition);
    flush(revoked);
  });
  first->SetOnAssign([&](const std::vector<std::pair<std::string, int32_t>>& assigned) {
    assigned_to_first.emplace_back();
    for (const auto& [t, partition] : assigned) assigned_to_first.back().push_back(partition);
  });

  std::vector<Got> got_first, got_second;
  std::vector<StreamMessage> batch;
  auto poll = [&](KafkaStreamConsumer* consumer, std::vector<Got>* got) {
    const Status polled = consumer->Poll(milliseconds(20), 20, &batch);
    EXPECT_TRUE(polled.ok()) << polled.ToString();
    for (const StreamMessage& m : batch) {
      got->push_back({std::string(m.topic), m.partition, m.offset, std::nullopt, ""});
    }
  };
  // Small batches, so that the first member is far from done when the second arrives.
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(20);
  while (got_first.size() < 200 && Clock::now() < deadline) poll(first.get(), &got_first);
  ASSERT_GE(got_first.size(), 200u);
  const uint64_t generation = first->assignment_generation();
  ASSERT_EQ(assigned_to_first.size(), 1u);
  EXPECT_EQ(assigned_to_first[0].size(), 4u);
  std::unique_ptr<KafkaStreamConsumer> second = NewConsumer(group, {topic}, start, strategy);
  ASSERT_NE(second, nullptr);
  second->SetGapCheckedTopics({topic});
  second->SetOnRevoke(flush);
  Clock::time_point quiet_until{};
  // The rebalance takes a few seconds on an idle machine (both members rejoin, the mock holds
  // the join round for them), many more on a loaded one: this asserts exactly once, not speed,
  // so the loop waits up to a minute and ends as soon as every message is in.
  const Clock::time_point rebalanced_by = Clock::now() + std::chrono::seconds(60);
  while (Clock::now() < rebalanced_by) {
    // Cooperative: the partitions that move are revoked in one rebalance and assigned to the
    // second member in the next.
    if (got_first.size() + got_second.size() >= kMessages && second->assigned()) {
      if (quiet_until == Clock::time_point{}) quiet_until = Clock::now() + milliseconds(500);
      if (Clock::now() > quiet_until) break;
    }
    poll(first.get(), &got_first);
    poll(second.get(), &got_second);
  }
  EXPECT_NE(first->assignment_generation(), generation);  // it was rebalanced
  EXPECT_TRUE(second->assigned());
  EXPECT_FALSE(got_second.empty());
  ASSERT_EQ(got_first.size() + got_second.size(), kMessages);
  // Exactly once: each partition's offsets, over both members, are 0, 1, 2, ... once each.
  std::map<PartitionKey, std::set<int64_t>> seen;
  for (const std::vector<Got>* got : {&got_first, &got_second}) {
    for (const Got& g : *got) {
      EXPECT_TRUE(seen[PartitionKey(g.topic, g.partition)].insert(g.offset).second)
          << "offset " << g.offset << " of partition " << g.partition << " twice";
    }
  }
  for (const auto& [tp, offsets] : seen) {
    EXPECT_EQ(*offsets.begin(), 0);
    EXPECT_EQ(*offsets.rbegin(), static_cast<int64_t>(offsets.size()) - 1);
  }
  EXPECT_TRUE(first->TakeGaps().empty());
  EXPECT_TRUE(second->TakeGaps().empty());
  // What moved: two partitions each in the end.
  std::set<int32_t> kept;
  for (const PartitionStatus& s : first->Partitions()) kept.insert(s.partition);
  std::set<int32_t> taken;
  for (const PartitionStatus& s : second->Partitions()) taken.insert(s.partition);
  EXPECT_EQ(kept.size(), 2u);
  EXPECT_EQ(taken.size(), 2u);
  if (cooperative) {
    EXPECT_EQ(revoked_from_first, taken) << "only the partitions that moved were revoked";
    EXPECT_EQ(assigned_to_first.size(), 1u) << "the kept partitions were not assigned again";
  } else {
    EXPECT_EQ(revoked_from_first.size(), 4u) << "eager: everything is revoked";
    ASSERT_GE(assigned_to_first.size(), 2u);
    EXPECT_EQ(assigned_to_first.back().size(), 2u);
  }
}

TEST_F(KafkaStreamConsumerTest, AMessageWithoutAKeyHasNoKey) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 1).ok());
  Produce(topic, {{std::nullopt, "raw line"}, {"E1", "{}"}, {std::nullopt, ""}, {"", "empty key"}});
  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(Name("group"), {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  const std::vector<Got> got = Consume(consumer.get(), 4);
  ASSERT_EQ(got.size(), 4u);
  EXPECT_EQ(got[0].key, std::nullopt);
  EXPECT_EQ(got[0].value, "raw line");
  EXPECT_EQ(got[1].key, std::optional<std::string>("E1"));
  EXPECT_EQ(got[1].value, "{}");
  EXPECT_EQ(got[2].key, std::nullopt);
  EXPECT_EQ(got[2].value, "");
  // An empty key is a key.
  EXPECT_EQ(got[3].key, std::optional<std::string>(""));
  EXPECT_EQ(got[3].value, "empty key");
}

// The service's poller hands each batch to the job thread without copying it: the messages
// handed over stay readable after later Polls, until released.
TEST_F(KafkaStreamConsumerTest, HandedOverMessagesOutliveLaterPollsUntilReleased) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 3).ok());
  const auto kvs = Keyed(topic, 300);
  Produce(topic, kvs);
  std::map<std::string, std::string> value_of;
  for (const auto& [key, value] : kvs) value_of[*key] = value;

  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(Name("group"), {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  std::vector<std::vector<StreamMessage>> batches;
  std::vector<HeldMessages> held;
  size_t polled = 0;
  const Clock::time_point deadline = Clock::now() + milliseconds(15000);
  while (polled < kvs.size() && Clock::now() < deadline) {
    std::vector<StreamMessage> batch;
    ASSERT_TRUE(consumer->Poll(milliseconds(50), 20, &batch).ok());
    if (batch.empty()) continue;
    HeldMessages hold;
    consumer->HandOver(&hold);
    ASSERT_EQ(hold.size(), batch.size());
    polled += batch.size();
    batches.push_back(std::move(batch));
    held.push_back(std::move(hold));
  }
  ASSERT_EQ(polled, kvs.size());
  ASSERT_GT(batches.size(), 10u);  // at most 20 a poll: many Polls came after the first batch

  // Every view, read after all the Polls, is still its message.
  std::set<std::string> seen;
  for (const std::vector<StreamMessage>& batch : batches) {
    for (const StreamMessage& m : batch) {
      ASSERT_TRUE(m.key.has_value());
      const std::string key(*m.key);
      ASSERT_EQ(value_of.count(key), 1u) << key;
      EXPECT_EQ(m.value, value_of[key]);
      EXPECT_EQ(m.topic, topic);
      seen.insert(key);
    }
  }
  EXPECT_EQ(seen.size(), kvs.size());
  for (HeldMessages& hold : held) {
    hold.Release();
    EXPECT_EQ(hold.size(), 0u);
  }
  consumer->Close();
}

TEST_F(KafkaStreamConsumerTest, GroupCommitsLetLagToolsSeeTheProgress) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 4).ok());
  Produce(topic, Keyed(topic, 1000));
  const std::string group = Name("group");
  Result<std::unique_ptr<ConsumerGroupLag>> lag = GroupLag(group, topic);
  ASSERT_TRUE(lag.ok());
  Result<ConsumerGroupLag::Measurement> before = (*lag)->Measure(milliseconds(5000));
  ASSERT_TRUE(before.ok());
  EXPECT_EQ(before->lag, 1000);
  EXPECT_EQ(before->uncommitted_partitions, 4);

  std::unique_ptr<KafkaStreamConsumer> consumer =
      NewConsumer(group, {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  ASSERT_EQ(Consume(consumer.get(), 1000).size(), 1000u);
  // Committed and closed at once, as the service does on its way out.
  CommitPositionsAndClose(consumer.get());
  Result<ConsumerGroupLag::Measurement> after = (*lag)->Measure(milliseconds(5000));
  ASSERT_TRUE(after.ok()) << after.status().ToString();
  EXPECT_EQ(after->lag, 0);
  EXPECT_EQ(after->uncommitted_partitions, 0);
}

// A member restarted at its state's offsets is seen there by lag tools as soon as it is assigned,
// before it reads or commits anything: otherwise the group's last commit (from before a crash)
// stays the lag, and a producer pacing on it waits for a member with nothing left to read.
TEST_F(KafkaStreamConsumerTest, AnAssignmentTellsTheGroupWhereTheMemberStarts) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 2).ok());
  Produce(topic, Keyed(topic, 400));
  const std::string group = Name("group");
  Result<std::unique_ptr<ConsumerGroupLag>> lag = GroupLag(group, topic);
  ASSERT_TRUE(lag.ok());
  // Each partition's end, as a reader in a group of its own sees it.
  std::unique_ptr<KafkaStreamConsumer> reader =
      NewConsumer(Name("reader"), {topic}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_NE(reader, nullptr);
  const std::map<PartitionKey, std::vector<int64_t>> read =
      OffsetsByPartition(Consume(reader.get(), 400));
  reader->Close();
  ASSERT_EQ(read.size(), 2u);
  const int64_t end0 = static_cast<int64_t>(read.at({topic, 0}).size());
  const int64_t end1 = static_cast<int64_t>(read.at({topic, 1}).size());
  ASSERT_EQ(end0 + end1, 400);
  // Partition 0 resumes at its end (everything was read before), partition 1 from the log start.
  std::unique_ptr<KafkaStreamConsumer> consumer = NewConsumer(
      group, {topic},
      [&](const std::string&, int32_t partition) { return partition == 0 ? end0 : int64_t{-1}; });
  ASSERT_NE(consumer, nullptr);
  std::vector<StreamMessage> batch;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(30);
  while (!consumer->assigned() && Clock::now() < deadline) {
    ASSERT_TRUE(consumer->Poll(milliseconds(50), 1, &batch).ok());
    ASSERT_TRUE(batch.empty() || batch[0].partition == 1);
  }
  ASSERT_TRUE(consumer->assigned());
  // No CommitAsync by the owner: what the group knows came with the assignment.
  Result<ConsumerGroupLag::Measurement> m = (*lag)->Measure(milliseconds(5000));
  while (m.ok() && m->uncommitted_partitions != 1 && Clock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(50));
    ASSERT_TRUE(consumer->Poll(milliseconds(10), 1, &batch).ok());
    m = (*lag)->Measure(milliseconds(5000));
  }
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->uncommitted_partitions, 1) << "partition 1 started at the log start: not told";
  EXPECT_EQ(m->lag, end1) << "partition 0 is seen at its end, partition 1 from its log start";
  consumer->Close();
}

TEST_F(KafkaStreamConsumerTest, AStartOffsetPastTheLogEndStopsTheConsumer) {
  const std::string topic = Name("t");
  ASSERT_TRUE(cluster_->CreateTopic(topic, 1).ok());
  Produce(topic, Keyed(topic, 10));
  std::unique_ptr<KafkaStreamConsumer> consumer = NewConsumer(
      Name("group"), {topic}, [](const std::string&, int32_t) { return int64_t{1000}; });
  ASSERT_NE(consumer, nullptr);
  std::vector<StreamMessage> batch;
  Status polled;
  const Clock::time_point deadline = Clock::now() + std::chrono::seconds(10);
  while (polled.ok() && Clock::now() < deadline) {
    polled = consumer->Poll(milliseconds(50), 100, &batch);
    EXPECT_TRUE(batch.empty());
  }
  EXPECT_EQ(polled.code(), Status::Code::kCorruption) << polled.ToString();
  // And it stays stopped: nothing is skipped by polling on.
  EXPECT_EQ(consumer->Poll(milliseconds(0), 100, &batch).code(), Status::Code::kCorruption);
  EXPECT_TRUE(consumer->TakeGaps().empty());
}

TEST(KafkaStreamConsumer, RejectsWhatItCannotHonour) {
  KafkaConfig config;
  config.Set("bootstrap.servers", "127.0.0.1:1");
  auto start = [](const std::string&, int32_t) { return int64_t{-1}; };
  EXPECT_FALSE(KafkaStreamConsumer::Create(config, {"t"}, start).ok());  // no group.id
  config.Set("group.id", "g");
  EXPECT_FALSE(KafkaStreamConsumer::Create(config, {}, start).ok());
  EXPECT_FALSE(KafkaStreamConsumer::Create(config, {"^fugong\\..*"}, start).ok());
  EXPECT_FALSE(KafkaStreamConsumer::Create(config, {"t"}, nullptr).ok());
  KafkaConfig typo = config;
  typo.Set("fetch.wait.max.mz", "5");
  EXPECT_FALSE(KafkaStreamConsumer::Create(typo, {"t"}, start).ok());
}

// Forced settings win over the caller's. Against the test cluster, not an address nobody listens
// on: a client destroyed while its connections are refused can hit librdkafka 2.0.2's
// rd_kafka_broker_destroy_final assertion (confluentinc/librdkafka#3608) and abort the process.
TEST_F(KafkaStreamConsumerTest, ForcedSettingsWinOverTheCallers) {
  KafkaConfig earliest = ConsumerConfig(Name("group"));
  earliest.Set("auto.offset.reset", "earliest");
  Result<std::unique_ptr<KafkaStreamConsumer>> consumer = KafkaStreamConsumer::Create(
      earliest, {Name("t")}, [](const std::string&, int32_t) { return int64_t{-1}; });
  ASSERT_TRUE(consumer.ok()) << consumer.status().ToString();
  (*consumer)->Close();
}

// A global consumer (the global tables: registry, weather, risk): two of them, as two instances
// would run, each read every partition of every topic, from the offsets their owners' state
// gives, without a group, and a topic created after they started is picked up too.
TEST_F(KafkaStreamConsumerTest, GlobalConsumersEachReadEveryPartitionOfTheirTopics) {
  const std::string registry = Name("registry");
  const std::string weather = Name("weather");
  const std::string late = Name("late");
  ASSERT_TRUE(cluster_->CreateTopic(registry, 4).ok());
  ASSERT_TRUE(cluster_->CreateTopic(weather, 2).ok());
  Produce(registry, Keyed(registry, 200));
  Produce(weather, Keyed(weather, 50));
  KafkaConfig config;
  config.Set("bootstrap.servers", bootstrap());
  const auto from_zero = [](const std::string&, int32_t) -> int64_t { return 0; };
  // The second starts registry partition 0 at offset 5, as a state that has read 5 would.
  const auto after_five = [&](const std::string& topic, int32_t partition) -> int64_t {
    return topic == registry && partition == 0 ? 5 : 0;
  };
  std::vector<std::unique_ptr<KafkaStreamConsumer>> consumers;
  for (const auto& start : {KafkaStreamConsumer::StartOffset(from_zero),
                            KafkaStreamConsumer::StartOffset(after_five)}) {
    Result<std::unique_ptr<KafkaStreamConsumer>> c = KafkaStreamConsumer::CreateGlobal(
        config, {registry, weather, late}, start,
        [this](std::string_view line) { log_.emplace_back(line); });
    ASSERT_TRUE(c.ok()) << c.status().ToString();
    consumers.push_back(std::move(c).value());
  }
  std::vector<Got> first = Consume(consumers[0].get(), 250);
  std::vector<Got> second = Consume(consumers[1].get(), 245);
  ASSERT_EQ(first.size(), 250u);
  ASSERT_EQ(second.size(), 245u);
  for (const std::vector<Got>* got : {&first, &second}) {
    const std::map<PartitionKey, std::vector<int64_t>> offsets = OffsetsByPartition(*got);
    EXPECT_EQ(offsets.size(), 6u);  // 4 + 2 partitions, none of the late topic yet
    for (const auto& [key, list] : offsets) {
      const int64_t from = got == &second && key == PartitionKey(registry, 0) ? 5 : 0;
      ExpectContiguous(list, from, key.first + "[" + std::to_string(key.second) + "]");
    }
  }
  EXPECT_EQ(consumers[0]->Partitions().size(), 6u);

  // The late topic appears and gets messages: both read it (they look again every 2 s while
  // a topic is missing), and nothing of the others again.
  ASSERT_TRUE(cluster_->CreateTopic(late, 3).ok());
  Produce(late, Keyed(late, 30));
  for (const auto& consumer : consumers) {
    std::vector<Got> got = Consume(consumer.get(), 30, milliseconds(20000));
    ASSERT_EQ(got.size(), 30u);
    for (const Got& g : got) EXPECT_EQ(g.topic, late);
    EXPECT_EQ(consumer->Partitions().size(), 9u);
    consumer->Close();
  }
}

}  // namespace
}  // namespace fugong
