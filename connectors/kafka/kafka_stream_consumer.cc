#include "connectors/kafka/kafka_stream_consumer.h"

#include <algorithm>

#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/topic_metadata.h"

namespace fugong {

namespace {

// Querying the watermarks of a partition whose offset fell out of the log: one request to its
// leader, normally a few milliseconds.
constexpr int kWatermarkTimeoutMs = 5000;
// A global consumer's look at its topics' partitions: how long it waits for the metadata, and how
// often it looks once every topic exists.
constexpr int kMetadataTimeoutMs = 2000;
constexpr int kGlobalRefreshSeconds = 10;

std::string PartitionName(std::string_view topic, int32_t partition) {
  return std::string(topic) + "[" + std::to_string(partition) + "]";
}

// librdkafka's "not known yet" offsets (RD_KAFKA_OFFSET_INVALID, -1001) as -1.
int64_t KnownOrMinusOne(int64_t offset) { return offset >= 0 ? offset : -1; }

}  // namespace

Result<std::unique_ptr<KafkaStreamConsumer>> KafkaStreamConsumer::Create(
    const KafkaConfig& config, std::vector<std::string> topics, StartOffset start,
    std::function<void(std::string_view)> on_log) {
  const std::optional<std::string> group = config.Get("group.id");
  if (!group.has_value() || group->empty()) {
    return Status::InvalidArgument("the stream consumer needs a group.id");
  }
  return Make(config, topics, std::move(start), std::move(on_log), false);
}

Result<std::unique_ptr<KafkaStreamConsumer>> KafkaStreamConsumer::CreateGlobal(
    const KafkaConfig& config, std::vector<std::string> topics, StartOffset start,
    std::function<void(std::string_view)> on_log) {
  // librdkafka wants a group.id for rd_kafka_assign; this consumer never joins it (no subscribe)
  // and never commits, so any name does, as long as it is not the service's group.
  KafkaConfig global = config;
  global.Set("group.id", "fugong-global-table", "KafkaStreamConsumer::CreateGlobal");
  return Make(global, topics, std::move(start), std::move(on_log), true);
}

Result<std::unique_ptr<KafkaStreamConsumer>> KafkaStreamConsumer::Make(
    const KafkaConfig& config, const std::vector<std::string>& topics, StartOffset start,
    std::function<void(std::string_view)> on_log, bool global) {
  if (!config.Get("bootstrap.servers").has_value()) {
    return Status::InvalidArgument("the stream consumer needs bootstrap.servers");
  }
  if (topics.empty()) return Status::InvalidArgument("the stream consumer needs topics");
  for (const std::string& topic : topics) {
    // rd_kafka_subscribe reads a leading '^' as a regular expression.
    if (topic.empty() || topic[0] == '^') {
      return Status::InvalidArgument("the stream consumer takes topic names, not '" + topic + "'");
    }
  }
  if (!start) return Status::InvalidArgument("the stream consumer needs a StartOffset");

  KafkaConfig consumer_config = config;
  SetStreamConsumerDefaults(&consumer_config);
  // Forced over any setting, the environment included, because the consumer's guarantees rest
  // on them:
  // - The offsets of truth are in the service's state. Automatic commits would commit what
  //   librdkafka fetched, not what the state holds; the group's offsets are written only by
  //   CommitAsync, for lag tools, and never read.
  consumer_config.Set("enable.auto.commit", "false", "KafkaStreamConsumer");
  // - Nothing of the stored-offsets machinery is used; a stored offset would only be a second,
  //   diverging record of progress.
  consumer_config.Set("enable.auto.offset.store", "false", "KafkaStreamConsumer");
  // - An offset that is no longer in the log must not be replaced silently by the log start
  //   (earliest) or end (latest): with "error" librdkafka stops the partition and tells us, and
  //   we report the lost offsets as a gap before continuing at the log start.
  consumer_config.Set("auto.offset.reset", "error", "KafkaStreamConsumer");
  // Cooperative-sticky by default, as Kafka Streams assigns: at a rebalance only the partitions
  // that move are revoked (and restored where they land); the others go on being read. The eager
  // assignors (range, roundrobin) still work: the rebalance callback follows the protocol the
  // group chose.
  if (!global) consumer_config.SetDefault("partition.assignment.strategy", "cooperative-sticky");
  // Log lines go through the consumer queue, so on_log runs on the thread that polls and
  // never on one of librdkafka's.
  if (on_log) consumer_config.Set("log.queue", "true", "KafkaStreamConsumer");
  Result<KafkaConfPtr> conf = consumer_config.Build();
  if (!conf.ok()) return conf.status();

  std::unique_ptr<KafkaStreamConsumer> consumer(new KafkaStreamConsumer());
  consumer->start_ = std::move(start);
  consumer->on_log_ = std::move(on_log);
  // The callbacks find this object through the handle's opaque pointer: no global state.
  rd_kafka_conf_set_opaque(conf->get(), consumer.get());
  rd_kafka_conf_set_rebalance_cb(conf->get(), &KafkaStreamConsumer::OnRebalance);
  rd_kafka_conf_set_offset_commit_cb(conf->get(), &KafkaStreamConsumer::OnCommit);
  // Without an error callback a fatal error would only be logged.
  rd_kafka_conf_set_error_cb(conf->get(), &KafkaStreamConsumer::OnError);
  if (consumer->on_log_) rd_kafka_conf_set_log_cb(conf->get(), &KafkaStreamConsumer::OnLog);
  char errstr[512];
  rd_kafka_t* rk = rd_kafka_new(RD_KAFKA_CONSUMER, conf->get(), errstr, sizeof errstr);
  if (rk == nullptr) return Status::InvalidArgument(std::string("Kafka consumer: ") + errstr);
  conf->release();  // owned by the handle now
  consumer->handle_.reset(rk);
  if (consumer->on_log_) rd_kafka_set_log_queue(rk, nullptr);  // into the main queue, ...
  // ... and the main queue (errors, logs, commit results) into the consumer queue, so that one
  // rd_kafka_consume_batch_queue serves everything.
  rd_kafka_poll_set_consumer(rk);

  consumer->queue_.reset(rd_kafka_queue_get_consumer(rk));
  if (global) {
    consumer->global_topics_ = topics;  // assigned by the first Poll
    return consumer;
  }
  KafkaPartitionListPtr subscription(rd_kafka_topic_partition_list_new(topics.size()));
  for (const std::string& topic : topics) {
    rd_kafka_topic_partition_list_add(subscription.get(), topic.c_str(), RD_KAFKA_PARTITION_UA);
  }
  const rd_kafka_resp_err_t err = rd_kafka_subscribe(rk, subscription.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::InvalidArgument(std::string("cannot subscribe: ") + rd_kafka_err2str(err));
  }
  return consumer;
}

KafkaStreamConsumer::~KafkaStreamConsumer() { Close(); }

void KafkaStreamConsumer::SetGapCheckedTopics(std::vector<std::string> topics) {
  gap_checked_topics_ = std::move(topics);
  for (auto& [key, p] : partitions_) {
    p.gap_checked = std::find(gap_checked_topics_.begin(), gap_checked_topics_.end(), p.topic) !=
                    gap_checked_topics_.end();
  }
}

Status KafkaStreamConsumer::Poll(std::chrono::milliseconds timeout, size_t max,
                                 std::vector<StreamMessage>* out) {
  out->clear();
  ReleaseHeld();
  if (closed_) return Status::InvalidArgument("Poll on a closed Kafka consumer");
  if (!fatal_.ok()) return fatal_;
  if (max == 0) return Status::InvalidArgument("Poll needs room for at least one message");
  if (!global_topics_.empty() && std::chrono::steady_clock::now() >= next_refresh_) {
    RefreshGlobalAssignment();
  }
  if (!out_of_range_.empty()) {
    RestartOutOfRange();
    if (!fatal_.ok()) return fatal_;
  }
  if (batch_.size() < max) batch_.resize(max);
  revoked_ = false;
  revoked_in_call_.clear();
  const ssize_t n = rd_kafka_consume_batch_queue(
      queue_.get(), static_cast<int>(std::max<int64_t>(timeout.count(), 0)), batch_.data(), max);
  if (n < 0) {
    return Status::IOError(std::string("consuming: ") + rd_kafka_err2str(rd_kafka_last_error()));
  }

  if (revoked_ && !cooperative_) {
    // Partitions were revoked inside this call, so the batch may hold messages from both sides
    // of the revocation: of the assignment it ended, which the owner must not get after it was
    // told they went, and, when the new assignment came in the same call, of the new one, from
    // its start offsets. Nothing in a message tells the two apart, so all are dropped, and if
    // any could be of the new assignment it is assigned again at the same start offsets: what
    // was dropped is fetched again. (rd_kafka_yield in the callback would end the call at the
    // rebalance instead, but in librdkafka 2.0.2 the next call then loses a message, leaked so
    // that closing hangs.) An assignment alone needs none of this: under the eager protocol
    // nothing was assigned before it, so every message after it is of the new assignment.
    bool of_current_assignment = false;
    for (ssize_t i = 0; i < n; ++i) {
      rd_kafka_message_t* m = batch_[i];
      if (m->err == RD_KAFKA_RESP_ERR__FATAL) HandleError(m);
      // Errors too: an offset out of range has stopped its partition, which only a new
      // assignment restarts.
      if (Find(m) != nullptr) of_current_assignment = true;
      rd_kafka_message_destroy(m);
    }
    if (n > 0) {
      Log(std::to_string(n) + " messages taken with a revocation dropped" +
          (of_current_assignment ? "; assigning again to fetch those of the new assignment" : ""));
    }
    if (of_current_assignment) Reassign({});
    return fatal_;
  }

  // Cooperative: only the partitions revoked inside this call are in doubt. Their messages in
  // the batch may be of before the revocation; when a partition came back within the same call,
  // it is started again where it was assigned (nothing of it was handed out since), so that
  // none is taken for one of the new assignment.
  std::map<Key, int64_t> restart_revoked;
  for (ssize_t i = 0; i < n; ++i) {
    rd_kafka_message_t* m = batch_[i];
    if (m->err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      HandleError(m);
      rd_kafka_message_destroy(m);
      continue;
    }
    if (!revoked_in_call_.empty() && m->rkt != nullptr &&
        revoked_in_call_.count(Key(rd_kafka_topic_name(m->rkt), m->partition)) > 0) {
      if (const Partition* back = Find(m); back != nullptr) {
        restart_revoked[Key(back->topic, back->partition)] =
            back->next >= 0 ? back->next : RD_KAFKA_OFFSET_BEGINNING;
      }
      rd_kafka_message_destroy(m);
      continue;
    }
    Partition* p = Find(m);
    if (p == nullptr) {
      // Fetched before its partition was revoked; librdkafka normally discards these itself.
      Log("dropped a message of " + PartitionName(rd_kafka_topic_name(m->rkt), m->partition) +
          ", which is not assigned to this consumer");
      rd_kafka_message_destroy(m);
      continue;
    }
    if (p->next >= 0 && m->offset != p->next) {
      if (m->offset < p->next) {
        // Already handed out: delivering it again would count it twice.
        Log("dropped offset " + std::to_string(m->offset) + " of " +
            PartitionName(p->topic, p->partition) + ", already delivered (expected " +
            std::to_string(p->next) + ")");
        rd_kafka_message_destroy(m);
        continue;
      }
      if (p->gap_checked) gaps_.push_back({p->topic, p->partition, p->next, m->offset});
    }
    p->next = m->offset + 1;
    batch_[held_++] = m;  // held_ <= i: the kept messages move to the front
    StreamMessage& s = out->emplace_back();
    s.topic = rd_kafka_topic_name(m->rkt);
    s.partition = m->partition;
    s.offset = m->offset;
    if (m->key != nullptr) s.key = std::string_view(static_cast<const char*>(m->key), m->key_len);
    if (m->payload != nullptr) {
      s.value = std::string_view(static_cast<const char*>(m->payload), m->len);
    }
  }
  if (!restart_revoked.empty()) Reassign(restart_revoked);
  // Restarted after the whole batch, at the offsets after what it handed out.
  if (!out_of_range_.empty()) RestartOutOfRange();
  // An error found in a batch that has messages is returned by the next Poll, after the owner
  // has taken these.
  return out->empty() ? fatal_ : Status::OK();
}

std::vector<PartitionGap> KafkaStreamConsumer::TakeGaps() {
  std::vector<PartitionGap> gaps;
  gaps.swap(gaps_);
  return gaps;
}

std::vector<PartitionStatus> KafkaStreamConsumer::Partitions() const {
  std::vector<PartitionStatus> statuses;
  statuses.reserve(partitions_.size());
  for (const auto& [key, p] : partitions_) {
    PartitionStatus& s = statuses.emplace_back();
    s.topic = p.topic;
    s.partition = p.partition;
    int64_t low = RD_KAFKA_OFFSET_INVALID, high = RD_KAFKA_OFFSET_INVALID;
    // The values of the last fetch response: no request, so it is cheap to call often.
    if (handle_ != nullptr) {
      rd_kafka_get_watermark_offsets(handle_.get(), p.topic.c_str(), p.partition, &low, &high);
    }
    s.low_watermark = KnownOrMinusOne(low);
    s.high_watermark = KnownOrMinusOne(high);
    s.position = p.next >= 0 ? p.next : s.low_watermark;
  }
  return statuses;
}

Result<int64_t> KafkaStreamConsumer::QueryHighWatermark(const std::string& topic, int32_t partition,
                                                        std::chrono::milliseconds timeout) const {
  if (handle_ == nullptr || closed_) return Status::InvalidArgument("the consumer is closed");
  int64_t low = 0, high = 0;
  const rd_kafka_resp_err_t err = rd_kafka_query_watermark_offsets(
      handle_.get(), topic.c_str(), partition, &low, &high, static_cast<int>(timeout.count()));
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    return Status::IOError("end offset of " + topic + "[" + std::to_string(partition) +
                           "]: " + rd_kafka_err2str(err));
  }
  return high;
}

void KafkaStreamConsumer::CommitAsync(
    const std::vector<std::tuple<std::string, int32_t, int64_t>>& offsets) {
  if (handle_ == nullptr || closed_ || offsets.empty() || commits_paused_) return;
  // Only partitions of the current assignment: a commit sent before the member has joined is
  // refused (UNKNOWN_MEMBER_ID) and makes librdkafka 2.0.2 restart the join, so a service that
  // commits on a timer would never be assigned.
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(offsets.size()));
  for (const auto& [topic, partition, offset] : offsets) {
    if (partitions_.count({topic, partition}) == 0) continue;
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset = offset;
  }
  if (list->cnt == 0) return;
  const rd_kafka_resp_err_t err = rd_kafka_commit(handle_.get(), list.get(), 1);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Log(std::string("group commit not sent: ") + rd_kafka_err2str(err));
  }
}

void KafkaStreamConsumer::Close() {
  if (closed_) return;
  closed_ = true;
  ReleaseHeld();  // librdkafka wants its messages back before the handle goes
  if (handle_ != nullptr) {
    // Serves the last callbacks (the revocation, commit results) on this thread, waits for
    // commits in flight and leaves the group, so the next member need not wait for this one's
    // session to time out.
    const rd_kafka_resp_err_t err = rd_kafka_consumer_close(handle_.get());
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      Log(std::string("closing the consumer: ") + rd_kafka_err2str(err));
    }
  }
  queue_.reset();  // before the handle it belongs to
  handle_.reset();
  partitions_.clear();
  last_ = nullptr;
}

void KafkaStreamConsumer::OnRebalance(rd_kafka_t* rk, rd_kafka_resp_err_t err,
                                      rd_kafka_topic_partition_list_t* partitions, void* opaque) {
  auto* self = static_cast<KafkaStreamConsumer*>(opaque);
  ++self->generation_;
  // The protocol the group agreed on (all members must support the assignor), known here.
  self->cooperative_ = std::string_view(rd_kafka_rebalance_protocol(rk)) == "COOPERATIVE";
  if (err == RD_KAFKA_RESP_ERR__ASSIGN_PARTITIONS) {
    self->commits_paused_ = false;  // the rebalance is complete (see OnCommit)
    self->Assign(partitions, /*incremental=*/self->cooperative_);
    return;
  }
  self->revoked_ = true;
  self->commits_paused_ = true;  // an assignment follows (cooperative: the next round's)
  if (err != RD_KAFKA_RESP_ERR__REVOKE_PARTITIONS) {
    self->Log(std::string("rebalance failed, unassigning: ") + rd_kafka_err2str(err));
  } else if (rd_kafka_assignment_lost(rk)) {
    self->Log(
        "the group says this member's assignment is lost (a session or generation it "
        "no longer has): every partition is given up and assigned anew");
  }
  if (self->cooperative_) {
    // Revoked, or lost with the session: either way these go, and only these.
    self->RevokeIncrementally(partitions);
  } else {
    self->Revoke();
  }
}

KafkaStreamConsumer::Partition* KafkaStreamConsumer::AddPartition(const std::string& topic,
                                                                  int32_t partition) {
  const int64_t start = start_(topic, partition);
  if (start < -1) {
    // Left unassigned: reading it from a guessed offset could skip or repeat messages.
    fatal_ =
        Status::InvalidArgument("the start offset of " + PartitionName(topic, partition) + " is " +
                                std::to_string(start) + ": an offset or -1 (log start)");
    return nullptr;
  }
  Partition& p = partitions_[Key(topic, partition)];
  p.topic = topic;
  p.partition = partition;
  p.start = start;
  p.next = start;  // -1 stays "not known" until the first message
  p.gap_checked = std::find(gap_checked_topics_.begin(), gap_checked_topics_.end(), topic) !=
                  gap_checked_topics_.end();
  return &p;
}

void KafkaStreamConsumer::Assign(const rd_kafka_topic_partition_list_t* partitions,
                                 bool incremental) {
  if (!incremental) {  // eager: the whole new assignment
    partitions_.clear();
    out_of_range_.clear();
  }
  last_ = nullptr;
  std::vector<std::pair<std::string, int32_t>> added;
  for (int i = 0; i < partitions->cnt; ++i) {
    added.emplace_back(partitions->elems[i].topic, partitions->elems[i].partition);
  }
  // The owner hears only of partitions that come; librdkafka is given every assignment, even an
  // empty one (the cooperative protocol wants each acknowledged).
  if (on_assign_ && !added.empty()) on_assign_(added);
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions->cnt));
  // Tell the group where this member starts (the owner's durable positions): otherwise lag tools
  // see the offsets the group last heard of until the first commit after this assignment, and a
  // restarted service that has nothing new to read never commits; a producer pacing on the lag
  // (`fugong produce --max-lag`) then waited for ever.
  std::vector<std::tuple<std::string, int32_t, int64_t>> starts;
  for (const auto& [topic, partition] : added) {
    const Partition* p = AddPartition(topic, partition);
    if (p == nullptr) continue;
    // -1 is RD_KAFKA_OFFSET_END for librdkafka; the owner's -1 means the log start.
    rd_kafka_topic_partition_list_add(list.get(), topic.c_str(), partition)->offset =
        p->start >= 0 ? p->start : RD_KAFKA_OFFSET_BEGINNING;
    if (p->start >= 0) starts.emplace_back(topic, partition, p->start);
  }
  std::string failed;
  if (incremental) {
    if (rd_kafka_error_t* error = rd_kafka_incremental_assign(handle_.get(), list.get())) {
      failed = rd_kafka_error_string(error);
      rd_kafka_error_destroy(error);
    }
  } else if (const rd_kafka_resp_err_t err = rd_kafka_assign(handle_.get(), list.get());
             err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    failed = rd_kafka_err2str(err);
  }
  if (!failed.empty()) {
    fatal_ = Status::IOError("cannot assign partitions: " + failed);
    return;
  }
  CommitAsync(starts);
}

void KafkaStreamConsumer::RevokeIncrementally(const rd_kafka_topic_partition_list_t* partitions) {
  std::set<Key> going;
  for (int i = 0; i < partitions->cnt; ++i) {
    going.emplace(partitions->elems[i].topic, partitions->elems[i].partition);
  }
  std::vector<PartitionStatus> revoked;
  for (PartitionStatus& p : Partitions()) {
    if (going.count(Key(p.topic, p.partition)) > 0) revoked.push_back(std::move(p));
  }
  if (on_revoke_ && !revoked.empty()) on_revoke_(revoked);
  if (rd_kafka_error_t* error = rd_kafka_incremental_unassign(handle_.get(), partitions)) {
    Log(std::string("unassigning: ") + rd_kafka_error_string(error));
    rd_kafka_error_destroy(error);
  }
  for (const Key& key : going) {
    partitions_.erase(key);
    out_of_range_.erase(key);
    revoked_in_call_.insert(key);
  }
  last_ = nullptr;
}

void KafkaStreamConsumer::Revoke() {
  if (on_revoke_ && !partitions_.empty()) on_revoke_(Partitions());
  const rd_kafka_resp_err_t err = rd_kafka_assign(handle_.get(), nullptr);
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    Log(std::string("unassigning: ") + rd_kafka_err2str(err));
  }
  partitions_.clear();
  out_of_range_.clear();
  last_ = nullptr;
}

void KafkaStreamConsumer::RefreshGlobalAssignment() {
  // A topic that does not exist yet (the risk chart's, before anyone produced to it) is looked
  // for again soon; once every topic is there, new partitions are rare. The metadata of every
  // topic is asked for: asking for a topic by name lets a broker that creates topics on demand
  // (the mock does) create it, with a partition count nobody chose.
  bool missing = false;
  bool added = false;
  Result<std::map<std::string, std::vector<int32_t>>> found = ExistingTopicPartitions(
      handle_.get(), global_topics_, std::chrono::milliseconds(kMetadataTimeoutMs));
  if (!found.ok()) {
    Log(found.status().message() + " (looking again)");
    next_refresh_ = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    return;
  }
  for (const std::string& topic : global_topics_) {
    const auto ids = found->find(topic);
    if (ids == found->end()) {
      missing = true;
      continue;
    }
    for (const int32_t id : ids->second) {
      if (partitions_.count(Key(topic, id)) > 0) continue;
      if (AddPartition(topic, id) == nullptr) return;
      added = true;
    }
  }
  next_refresh_ = std::chrono::steady_clock::now() +
                  (missing ? std::chrono::seconds(2) : std::chrono::seconds(kGlobalRefreshSeconds));
  if (!added) return;
  ++generation_;
  // The partitions held go on after what they handed out, the new ones from their start.
  Reassign({});
}

void KafkaStreamConsumer::Reassign(const std::map<Key, int64_t>& restart_at) {
  if (cooperative_) {
    // Just those partitions: taken out of the assignment and put back at their offsets (a
    // partition stopped by auto.offset.reset=error refuses rd_kafka_seek_partitions).
    if (restart_at.empty()) return;
    KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(restart_at.size()));
    for (const auto& [key, offset] : restart_at) {
      rd_kafka_topic_partition_list_add(list.get(), key.first.c_str(), key.second)->offset = offset;
    }
    last_ = nullptr;
    rd_kafka_error_t* error = rd_kafka_incremental_unassign(handle_.get(), list.get());
    if (error == nullptr) error = rd_kafka_incremental_assign(handle_.get(), list.get());
    if (error != nullptr) {
      fatal_ = Status::IOError(std::string("cannot restart partitions: ") +
                               rd_kafka_error_string(error));
      rd_kafka_error_destroy(error);
    }
    return;
  }
  // The whole assignment, because librdkafka 2.0.2 cannot restart just the one partition: a
  // partition stopped by auto.offset.reset=error refuses rd_kafka_seek_partitions with
  // _STATE, and the eager protocol refuses incremental_assign. Every other partition restarts
  // after what was handed out; what librdkafka had prefetched for it is discarded and fetched
  // again.
  KafkaPartitionListPtr list(rd_kafka_topic_partition_list_new(partitions_.size()));
  for (const auto& [key, p] : partitions_) {
    const auto restart = restart_at.find(key);
    rd_kafka_topic_partition_list_add(list.get(), p.topic.c_str(), p.partition)->offset =
        restart != restart_at.end() ? restart->second
        : p.next >= 0               ? p.next
                                    : RD_KAFKA_OFFSET_BEGINNING;
  }
  last_ = nullptr;
  const rd_kafka_resp_err_t err = rd_kafka_assign(handle_.get(), list.get());
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
    fatal_ = Status::IOError(std::string("cannot re-assign partitions: ") + rd_kafka_err2str(err));
  }
}

KafkaStreamConsumer::Partition* KafkaStreamConsumer::Find(const rd_kafka_message_t* m) {
  if (m->rkt == nullptr) return nullptr;
  if (last_ != nullptr && m->rkt == last_topic_ && m->partition == last_partition_) return last_;
  const auto it = partitions_.find(Key(rd_kafka_topic_name(m->rkt), m->partition));
  if (it == partitions_.end()) return nullptr;
  last_topic_ = m->rkt;
  last_partition_ = m->partition;
  last_ = &it->second;
  return last_;
}

void KafkaStreamConsumer::HandleError(const rd_kafka_message_t* m) {
  if (m->err == RD_KAFKA_RESP_ERR__AUTO_OFFSET_RESET ||
      m->err == RD_KAFKA_RESP_ERR_OFFSET_OUT_OF_RANGE) {
    if (Partition* p = Find(m); p != nullptr) {
      // The offset librdkafka asked for; the partition's fetching has stopped.
      out_of_range_[Key(p->topic, p->partition)] = m->offset >= 0 ? m->offset : p->next;
      return;
    }
  }
  if (m->err == RD_KAFKA_RESP_ERR__PARTITION_EOF) return;  // enable.partition.eof: not news
  if (m->err == RD_KAFKA_RESP_ERR__FATAL) {
    char reason[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(handle_.get(), reason, sizeof reason);
    fatal_ = Status::IOError(std::string("fatal Kafka consumer error: ") + rd_kafka_err2name(code) +
                             ": " + reason);
    return;
  }
  // Anything else is transient (a subscribed topic that does not exist yet, ...): librdkafka
  // goes on by itself.
  const std::string where =
      m->rkt != nullptr ? PartitionName(rd_kafka_topic_name(m->rkt), m->partition) + ": " : "";
  Log(where + rd_kafka_err2name(m->err) + ": " + rd_kafka_message_errstr(m));
}

void KafkaStreamConsumer::RestartOutOfRange() {
  std::map<Key, int64_t> restart_at;
  for (auto it = out_of_range_.begin(); it != out_of_range_.end();) {
    const auto p = partitions_.find(it->first);
    if (p == partitions_.end()) {  // revoked meanwhile
      it = out_of_range_.erase(it);
      continue;
    }
    const std::string name = PartitionName(p->second.topic, p->second.partition);
    int64_t low = -1, high = -1;
    const rd_kafka_resp_err_t err =
        rd_kafka_query_watermark_offsets(handle_.get(), p->second.topic.c_str(),
                                         p->second.partition, &low, &high, kWatermarkTimeoutMs);
    if (err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      // The partition stays stopped; the next Poll asks again.
      Log("offset out of range on " + name + ", and its watermarks are unknown (" +
          rd_kafka_err2str(err) + "): retrying");
      ++it;
      continue;
    }
    const int64_t wanted = it->second;
    int64_t at = low;
    if (wanted > high) {
      // Not a loss the consumer can report: the state has seen offsets the log does not have
      // (the topic was re-created or truncated). Continuing anywhere would skip or repeat.
      fatal_ = Status::Corruption("the start offset " + std::to_string(wanted) + " of " + name +
                                  " is past the end of its log (" + std::to_string(high) +
                                  "): was the topic re-created?");
      return;
    }
    if (wanted >= low) {
      // In the log after all (its start moved while we asked, or a leader change): read it.
      Log("offset " + std::to_string(wanted) + " of " + name + " was out of range but is in [" +
          std::to_string(low) + ", " + std::to_string(high) + "]: reading it again");
      at = wanted;
    } else if (wanted >= 0) {
      gaps_.push_back({p->second.topic, p->second.partition, wanted, low});
    }
    // wanted < 0: started at the log start, which moved before the first fetch; nothing the
    // state expected is lost.
    p->second.next = at;
    restart_at[it->first] = at;
    it = out_of_range_.erase(it);
  }
  if (!restart_at.empty()) Reassign(restart_at);
}

void KafkaStreamConsumer::HandOver(HeldMessages* to) {
  for (size_t i = 0; i < held_; ++i) to->Add(batch_[i]);
  held_ = 0;
}

void KafkaStreamConsumer::ReleaseHeld() {
  for (size_t i = 0; i < held_; ++i) rd_kafka_message_destroy(batch_[i]);
  held_ = 0;
}

void KafkaStreamConsumer::Log(std::string_view line) const {
  if (on_log_) on_log_(line);
}

void KafkaStreamConsumer::OnCommit(rd_kafka_t*, rd_kafka_resp_err_t err,
                                   rd_kafka_topic_partition_list_t* offsets, void* opaque) {
  auto* self = static_cast<KafkaStreamConsumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS ||
      err == RD_KAFKA_RESP_ERR_ILLEGAL_GENERATION || err == RD_KAFKA_RESP_ERR_UNKNOWN_MEMBER_ID) {
    // The group is rebalancing. A commit sent now can reach the coordinator behind this member's
    // own JoinGroup, which holds the connection until the join completes, and then carry the old
    // generation: librdkafka 2.0.2 takes that refusal (ILLEGAL_GENERATION) for the assignment
    // lost and revokes every partition, even under the cooperative protocol. So no group commit
    // is sent until the rebalance assigns (the lag tools wait a few seconds).
    if (!self->commits_paused_) {
      self->Log(std::string("group commits paused until the rebalance completes: ") +
                rd_kafka_err2str(err));
    }
    self->commits_paused_ = true;
    return;
  }
  // _NO_OFFSET: nothing to commit, not a failure.
  if (err != RD_KAFKA_RESP_ERR_NO_ERROR && err != RD_KAFKA_RESP_ERR__NO_OFFSET) {
    self->Log(std::string("group commit failed (lag tools see older offsets): ") +
              rd_kafka_err2str(err));
    return;
  }
  for (int i = 0; offsets != nullptr && i < offsets->cnt; ++i) {
    const rd_kafka_topic_partition_t& tp = offsets->elems[i];
    if (tp.err != RD_KAFKA_RESP_ERR_NO_ERROR) {
      self->Log("group commit of " + PartitionName(tp.topic, tp.partition) +
                " failed: " + rd_kafka_err2str(tp.err));
    }
  }
}

void KafkaStreamConsumer::OnError(rd_kafka_t* rk, int err, const char* reason, void* opaque) {
  auto* self = static_cast<KafkaStreamConsumer*>(opaque);
  if (err == RD_KAFKA_RESP_ERR__FATAL) {
    char fatal[512];
    const rd_kafka_resp_err_t code = rd_kafka_fatal_error(rk, fatal, sizeof fatal);
    self->fatal_ = Status::IOError(std::string("fatal Kafka consumer error: ") +
                                   rd_kafka_err2name(code) + ": " + fatal);
    self->Log(self->fatal_.message());
    return;
  }
  // Transient: librdkafka recovers by itself (a broker down, ...).
  self->Log(std::string(rd_kafka_err2name(static_cast<rd_kafka_resp_err_t>(err))) + ": " + reason);
}

void KafkaStreamConsumer::OnLog(const rd_kafka_t* rk, int level, const char* facility,
                                const char* line) {
  const auto* self = static_cast<const KafkaStreamConsumer*>(rd_kafka_opaque(rk));
  if (self != nullptr) self->Log(std::string("librdkafka ") + facility + ": " + line);
}

Result<int> KafkaStreamConsumer::PartitionCount(const std::string& topic,
                                                std::chrono::milliseconds timeout) {
  Result<std::vector<int32_t>> ids = TopicPartitions(handle_.get(), topic, timeout);
  if (!ids.ok()) return ids.status();
  return static_cast<int>(ids->size());
}

}  // namespace fugong
