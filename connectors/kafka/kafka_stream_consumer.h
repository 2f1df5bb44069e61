// The streaming service's consumer: one member of a consumer group reading several topics,
// where the service, not the group, decides where each partition starts.
//
// The service's offsets of truth live in its own state (committed atomically with the state in
// RocksDB), so on every assignment the consumer asks the owner's StartOffset for each partition
// and assigns at exactly that offset; what the group has committed is never read. Offsets are
// committed to the group only so that lag tools (ConsumerGroupLag, `produce --max-lag`, Kafka's
// own tools) see the service's progress: by the owner (CommitAsync) and, at every assignment, the
// start offsets themselves, so that a restarted member is seen where it resumes at once.
//
// Nothing is skipped silently. auto.offset.reset=error makes an offset that is no longer in the
// log (the broker's retention, or the mock's 5 MiB per partition, removed it) an error instead
// of a jump: the consumer reports the lost offsets as a PartitionGap and continues at the log
// start. On the topics named by SetGapCheckedTopics (delete-policy topics, where offsets are
// dense), a message past the expected next offset of its partition is reported as a gap too.
//
// A second kind, CreateGlobal, reads every partition of its topics without joining a group: how
// each instance follows a global table (the registry, the weather, the risk chart;
// docs/scale-out.md), as a Kafka Streams global consumer does. It starts each partition at
// StartOffset too, picks up topics and partitions that appear later (it looks again every few
// seconds), and never revokes or commits anything.
//
// Not thread-safe: one thread calls everything, and the callbacks (StartOffset, the revoke
// callback, on_log) run on that thread, inside Poll or Close.
#pragma once

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <set>
#include <string>
#include <string_view>
#include <tuple>
#include <utility>
#include <vector>

#include "connectors/kafka/held_messages.h"
#include "connectors/kafka/kafka_config.h"
#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"
#include "engine/job/stream_message.h"

namespace fugong {

// Offsets [from, to) of a partition that were gone when the consumer got to them.
struct PartitionGap {
  std::string topic;
  int32_t partition = 0;
  int64_t from = 0;
  int64_t to = 0;
};

// A partition of the current assignment.
struct PartitionStatus {
  std::string topic;
  int32_t partition = 0;
  // The next offset Poll will hand out: after the last message handed out, else the start
  // offset; for a partition started "from the log start" that has handed out nothing yet, the
  // log start as last seen. -1 when not known yet.
  int64_t position = -1;
  // The log end and start as the last fetch response said (no request is made); -1 until the
  // first fetch response. position == high_watermark means caught up.
  int64_t high_watermark = -1;
  int64_t low_watermark = -1;
};

class KafkaStreamConsumer {
 public:
  // The offset to start a partition at (the next offset the owner's state has not seen), or -1
  // for "from the log start" when the state has nothing of the partition. Any other negative
  // value is an error that Poll reports. Called inside Poll on every assignment, so it must
  // answer from memory (the owner reads its state before it polls).
  using StartOffset = std::function<int64_t(const std::string& topic, int32_t partition)>;

  // Called inside Poll (or Close) just before the group takes partitions away (a rebalance,
  // the session lost, the consumer closing), with their statuses: every message of them that
  // Poll returned before has been handed out. The owner must make its state durable here
  // (state and offsets in one commit) and drop what it keeps in memory for these partitions:
  // the member that gets them next, this one or another, starts them at its StartOffset, which
  // must then answer from that committed state. Under the cooperative protocol (the default,
  // cooperative-sticky) only the partitions that move are passed; under the eager one (range,
  // roundrobin), every partition, at every rebalance.
  using OnRevoke = std::function<void(const std::vector<PartitionStatus>& revoked)>;

  // `config` names bootstrap.servers and group.id (and anything else); SetStreamConsumerDefaults
  // is applied to it, and the properties the contract above rests on are forced (see the .cc).
  // `topics` are names, not patterns. `on_log` (optional) hears librdkafka's log lines and
  // transient errors, failed group commits and dropped messages; without it librdkafka logs
  // to stderr.
  static Result<std::unique_ptr<KafkaStreamConsumer>> Create(
      const KafkaConfig& config, std::vector<std::string> topics, StartOffset start,
      std::function<void(std::string_view)> on_log = {});
  // Every partition of `topics`, without a group: see the top of this file. `config` needs only
  // bootstrap.servers (a group.id in it is not used).
  static Result<std::unique_ptr<KafkaStreamConsumer>> CreateGlobal(
      const KafkaConfig& config, std::vector<std::string> topics, StartOffset start,
      std::function<void(std::string_view)> on_log = {});
  ~KafkaStreamConsumer();  // Close()
  KafkaStreamConsumer(const KafkaStreamConsumer&) = delete;
  KafkaStreamConsumer& operator=(const KafkaStreamConsumer&) = delete;

  // Topics whose offsets are dense (cleanup.policy=delete, no transactional producer: a
  // transaction's commit marker takes an offset too): a message past its partition's expected
  // next offset is a gap there. Compacted topics legitimately skip offsets and are not checked.
  // Set before the first Poll.
  void SetGapCheckedTopics(std::vector<std::string> topics);
  void SetOnRevoke(OnRevoke on_revoke) { on_revoke_ = std::move(on_revoke); }
  // Called inside Poll on every assignment of the group, with the partitions it gives (the
  // cooperative protocol: those added to what is held; eager: the whole assignment), before
  // StartOffset is asked for each: an owner that must prepare its partitions first (restore
  // their state from changelogs) does it for all of them at once there.
  using OnAssign = std::function<void(const std::vector<std::pair<std::string, int32_t>>&)>;
  void SetOnAssign(OnAssign on_assign) { on_assign_ = std::move(on_assign); }

  // Replaces *out with up to `max` messages, waiting at most `timeout` for the first (the call
  // returns when it has `max` or the timeout passed, so keep the timeout short where latency
  // matters). Messages of several topics come interleaved; a partition's come in offset order.
  // The views stay valid until the next Poll or Close (or, after HandOver, until released).
  // Rebalances are served here (StartOffset and the revoke callback are called from inside).
  // Restarting a partition after an offset fell out of the log queries the partition's watermarks,
  // which may take longer than `timeout`. An error means the consumer cannot go on (a fatal
  // librdkafka error, an invalid StartOffset, a start offset past the end of the log): it is
  // returned by every later Poll.
  Status Poll(std::chrono::milliseconds timeout, size_t max, std::vector<StreamMessage>* out);

  // Moves the messages the last Poll handed out into `to`: their views then stay valid until
  // `to` releases them (from any thread), not only until the next Poll, so a batch can be read
  // on another thread without a copy.
  void HandOver(HeldMessages* to);

  // The gaps found since the last call, in the order found.
  std::vector<PartitionGap> TakeGaps();

  // How many partitions `topic` has, from the cluster's metadata (waiting up to `timeout`).
  // NotFound while the topic does not exist. Call from the thread that owns the consumer.
  Result<int> PartitionCount(const std::string& topic, std::chrono::milliseconds timeout);

  // Whether the group has assigned this member at least one partition (readiness).
  bool assigned() const { return !partitions_.empty(); }
  // The current assignment, by topic and partition.
  std::vector<PartitionStatus> Partitions() const;
  // Changes on every assignment and revocation: an owner that keeps per-partition bookkeeping
  // (idle partitions, ...) compares it with the value it last saw.
  uint64_t assignment_generation() const { return generation_; }
  // Whether the group is rebalancing, as far as this member can tell: from a revocation, or a
  // commit refused because of one, until the next assignment (the same signal that pauses group
  // commits). An instance that would leave at the end of input waits for it: it may be about to
  // be given partitions that nobody else reads.
  bool rebalancing() const { return commits_paused_; }

  // The end offset of `topic`/`partition` as its leader says now (not the last fetch response's,
  // which is stale when fetching has stalled), waiting up to `timeout`. Safe from any thread
  // while the consumer is open.
  Result<int64_t> QueryHighWatermark(const std::string& topic, int32_t partition,
                                     std::chrono::milliseconds timeout) const;

  // Commits {topic, partition, next offset} to the group, asynchronously (failures go to
  // on_log). For lag tools only: the consumer never reads them back. Close waits for commits
  // still in flight. Not sent while the group rebalances (from a revocation or a refusal that
  // says so until the next assignment): see OnCommit.
  void CommitAsync(const std::vector<std::tuple<std::string, int32_t, int64_t>>& offsets);

  // Leaves the group (the revoke callback runs first) and releases everything. Idempotent;
  // Poll after Close is an error.
  void Close();

 private:
  struct Partition {
    std::string topic;
    int32_t partition = 0;
    int64_t start = -1;  // as assigned: an offset, or -1 for the log start
    int64_t next = -1;   // the offset expected next; -1 not known (started at the log start)
    bool gap_checked = false;
  };
  using Key = std::pair<std::string, int32_t>;

  KafkaStreamConsumer() = default;
  static Result<std::unique_ptr<KafkaStreamConsumer>> Make(
      const KafkaConfig& config, const std::vector<std::string>& topics, StartOffset start,
      std::function<void(std::string_view)> on_log, bool global);
  // Global: assigns the partitions of `global_topics_` the cluster has and this consumer has not
  // yet (each at StartOffset), keeping the others where they are.
  void RefreshGlobalAssignment();

  static void OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                          rd_kafka_topic_partition_list_t* partitions, void* opaque);
  static void OnCommit(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                       rd_kafka_topic_partition_list_t* offsets, void* opaque);
  static void OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque);
  static void OnLog(const rd_kafka_t* rk, int level, const char* facility, const char* line);

  // `partitions`: the whole new assignment (eager protocol), or those that come in addition to
  // the ones held (`incremental`: the cooperative protocol).
  void Assign(const rd_kafka_topic_partition_list_t* partitions, bool incremental);
  // Cooperative protocol: `partitions` go, the others stay.
  void RevokeIncrementally(const rd_kafka_topic_partition_list_t* partitions);
  // Adds `partition` of `topic` to the assignment at the owner's StartOffset; null (and the
  // consumer failed) for an invalid start offset.
  Partition* AddPartition(const std::string& topic, int32_t partition);
  void Revoke();
  // (Re)assigns every partition of the assignment at its next offset (or its start when
  // nothing was handed out yet), except those in `restart_at`, which start there.
  void Reassign(const std::map<Key, int64_t>& restart_at);
  Partition* Find(const rd_kafka_message_t* m);
  void HandleError(const rd_kafka_message_t* m);
  void RestartOutOfRange();
  void ReleaseHeld();
  void Log(std::string_view line) const;

  KafkaHandlePtr handle_;
  KafkaQueuePtr queue_;  // the consumer queue: messages, rebalances, errors, logs, commits
  StartOffset start_;
  OnRevoke on_revoke_;
  OnAssign on_assign_;
  std::function<void(std::string_view)> on_log_;
  std::vector<std::string> gap_checked_topics_;

  std::map<Key, Partition> partitions_;  // the assignment
  // Partitions whose fetch stopped on an offset out of range, with the offset wanted; restarted
  // by the next Poll (retried there when the watermark query fails).
  std::map<Key, int64_t> out_of_range_;
  std::vector<PartitionGap> gaps_;
  uint64_t generation_ = 0;
  // Global consumers only: the topics, and when their partitions were last looked up.
  std::vector<std::string> global_topics_;
  std::chrono::steady_clock::time_point next_refresh_{};
  bool revoked_ = false;           // partitions were revoked during the current Poll
  bool cooperative_ = false;       // the group's rebalance protocol, as the last rebalance said
  bool commits_paused_ = false;    // a rebalance is under way: no group commit (OnCommit)
  std::set<Key> revoked_in_call_;  // cooperative: the partitions revoked during the current Poll
  Status fatal_;
  bool closed_ = false;

  std::vector<rd_kafka_message_t*> batch_;  // the last Poll's messages, destroyed by the next
  size_t held_ = 0;
  // The partition of the previous message: messages come in runs of one partition.
  const rd_kafka_topic_t* last_topic_ = nullptr;
  int32_t last_partition_ = -1;
  Partition* last_ = nullptr;
};

}  // namespace fugong
