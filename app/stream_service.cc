#include "app/stream_service.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdlib>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "app/commit_thread.h"
#include "app/index_follower.h"
#include "app/outbox_sender.h"
#include "app/run_kafka_config.h"
#include "app/stream_poller.h"
#include "app/task_restorer.h"
#include "connectors/kafka/client_defaults.h"
#include "connectors/kafka/consumer_group_lag.h"
#include "connectors/kafka/kafka_producer.h"
#include "connectors/kafka/kafka_stream_consumer.h"
#include "connectors/kafka/topic_metadata.h"
#include "engine/common/clock.h"
#include "engine/common/decimal.h"
#include "engine/state/state_store.h"

namespace fugong {

namespace {

using Steady = std::chrono::steady_clock;

double SecondsSince(Steady::time_point t) {
  return std::chrono::duration<double>(Steady::now() - t).count();
}

// Tells the observer the state is going away, however the service returns.
class StateClosingNotice {
 public:
  explicit StateClosingNotice(StreamObserver* observer) : observer_(observer) {}
  ~StateClosingNotice() {
    if (observer_ != nullptr) observer_->OnStateClosing();
  }

 private:
  StreamObserver* observer_;
};

// Tells the observer of a failed state write as the loop leaves, before the consumer and the
// producers close (that can take seconds): /healthz and /readyz say why at once.
class StateFailureNotice {
 public:
  StateFailureNotice(const StateStore* state, StreamObserver* observer)
      : state_(state), observer_(observer) {}
  ~StateFailureNotice() {
    if (observer_ != nullptr && state_->write_failed())
      observer_->OnFailed(state_->write_failure());
  }

 private:
  const StateStore* state_;
  StreamObserver* observer_;
};

// The readings partitions that still have unread messages: position below the log end of the
// last fetch response, or no fetch response yet (a partition just assigned, say one that another
// instance read before, may hold the oldest readings of all: it must not let days close before
// it has been heard from). The readings topic has dense offsets (no transaction markers, as for
// the gap check), so position == log end is caught up.
std::set<int32_t> ReadingsBacklog(const std::vector<PartitionStatus>& partitions,
                                  const std::string& readings_topic) {
  std::set<int32_t> backlog;
  for (const PartitionStatus& p : partitions) {
    if (p.topic != readings_topic) continue;
    if (p.high_watermark < 0) {
      backlog.insert(p.partition);
      continue;
    }
    const int64_t at = p.position >= 0 ? p.position : std::max<int64_t>(p.low_watermark, 0);
    if (at < p.high_watermark) backlog.insert(p.partition);
  }
  return backlog;
}

// "fugong.readings[0,3,7] fugong.partials[1]": partitions by topic, for the rebalance lines.
std::string DescribePartitions(const std::vector<std::pair<std::string, int32_t>>& partitions) {
  std::map<std::string, std::vector<int32_t>> by_topic;
  for (const auto& [topic, partition] : partitions) by_topic[topic].push_back(partition);
  std::string text;
  for (auto& [topic, ids] : by_topic) {
    std::sort(ids.begin(), ids.end());
    text += (text.empty() ? "" : " ") + topic + "[";
    for (size_t i = 0; i < ids.size(); ++i) text += (i > 0 ? "," : "") + std::to_string(ids[i]);
    text += "]";
  }
  return text.empty() ? "nothing" : text;
}

std::string StatusLine(const ServeSummary& s, double seconds) {
  const StreamStatus& st = s.status;
  std::string line =
      "consumed " + std::to_string(s.messages) + " (" +
      std::to_string(static_cast<long long>(seconds > 0 ? s.messages / seconds : 0)) +
      "/s), readings used " + std::to_string(st.readings.used) + ", dead " +
      std::to_string(st.readings.dead_total() + st.enterprises.dead_total() +
                     st.weather.dead_total() + st.risk.dead_total()) +
      ", registered " + std::to_string(st.registered);
  if (st.watermark) line += ", watermark " + FormatUtcInstant(*st.watermark);
  if (st.closed_through) line += ", closed through " + FormatDate(*st.closed_through);
  line += ", published " + std::to_string(s.published_index);
  if (st.partials_sent + st.partials_read > 0) {
    line += ", partials sent " + std::to_string(st.partials_sent) + " read " +
            std::to_string(st.partials_read);
    if (st.partials_bad > 0) line += " (" + std::to_string(st.partials_bad) + " BAD)";
  }
  if (st.gaps > 0) line += ", PARTITION GAPS " + std::to_string(st.gaps);
  return line;
}

// Where each partition starts, as the job committed it: read by the consumer's assignment
// callback on the poller thread while the job thread goes on, so the job thread refreshes it
// after each commit (the committed offsets change only there).
class StartOffsets {
 public:
  // Job thread.
  void Refresh(const StreamJob& job) {
    std::map<std::pair<std::string, int32_t>, int64_t> offsets;
    for (auto& [topic, partition, next] : job.CommittedOffsets()) {
      offsets[{std::move(topic), partition}] = next;
    }
    std::lock_guard<std::mutex> lock(mu_);
    offsets_.swap(offsets);
  }
  int64_t Of(const std::string& topic, int32_t partition) const {
    std::lock_guard<std::mutex> lock(mu_);
    auto it = offsets_.find({topic, partition});
    return it == offsets_.end() ? 0 : it->second;  // never read: 0, as StreamJob::StartOffset
  }

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int32_t>, int64_t> offsets_;
};

// What a commit on the commit thread did, read by the job thread once it has waited for it.
struct CommitOutcome {
  bool had_messages = false;  // the sealed commit holds messages (set when sealed)
  Steady::time_point write_started;
  Steady::time_point durable_at;    // its state write and close returned
  Steady::time_point published_at;  // the outbox was sent after its close
  uint64_t published_index = 0;
  uint64_t published_dead_letters = 0;
};

// The service on an open state, until it is asked to stop, goes idle, or fails.
//
// Three threads (docs/streaming.md, "Threads"): the poller thread polls the consumer and copies
// each batch (StreamPoller); this one, the job thread, adds the batches to the job in poll order
// and seals them into commits; the commit thread writes each sealed commit to state, closes the
// days it lets close and sends the outbox, while the job thread adds the next batches. One
// commit at a time, in order: the job thread seals the next only after the one before is
// written, closed and published, and only then tells the consumer which offsets are durable.
Result<ServeSummary> Serve(const RunConfig& config, const ServeOptions& options,
                           const KafkaConfig& base, StateStore* state_store) {
  // Lines come from this thread, the poller thread (librdkafka's logs inside Poll) and the
  // producers: one at a time.
  std::mutex log_mu;
  const auto log = [&](const std::string& line) {
    std::lock_guard<std::mutex> lock(log_mu);
    if (options.log) options.log(line);
  };
  const auto start = Steady::now();
  SystemClock clock;
  StreamContext context{
      {&config.engine, config.regions.get(), config.industries, config.calendar.get()},
      &config.stream,
      &clock,
      state_store};
  StreamObserver* observer = options.observer;
  StreamJob job(context);
  const std::string& partials_topic = config.stream.partials_topic;
  std::optional<ChangelogTopics> changelog_topics;  // changelogs: true
  if (!partials_topic.empty()) {
    // Totals through the partials topic (docs/scale-out.md): the tasks and owners need both
    // topics' partition counts, fixed for the service's life.
    Result<std::vector<int32_t>> readings =
        TopicPartitionsOf(base, config.stream.readings_topic, std::chrono::seconds(10));
    if (!readings.ok()) return readings.status();
    Result<std::vector<int32_t>> partials =
        TopicPartitionsOf(base, partials_topic, std::chrono::seconds(10));
    if (!partials.ok()) return partials.status();
    job.EnablePartials(static_cast<int32_t>(readings->size()),
                       static_cast<int32_t>(partials->size()));
    if (config.stream.changelogs) {
      Result<ChangelogTopics> topics =
          CheckChangelogTopics(base, config.group_id, readings->size());
      if (!topics.ok()) return topics.status();
      changelog_topics = std::move(topics).value();
      job.EnableChangelogs();
    }
  }
  FUGONG_RETURN_IF_ERROR(job.Open());
  StartOffsets start_offsets;
  start_offsets.Refresh(job);

  // Output: idempotent producers (a retried send is never written twice), sent with little
  // delay: a day's records should reach dashboards within a second of its close.
  KafkaConfig producer_config = base;
  producer_config.SetDefault("enable.idempotence", "true");
  producer_config.SetDefault("linger.ms", "5");
  producer_config.SetDefault("partitioner", "murmur2_random");
  auto warn = [&](std::string_view text) { log("kafka: " + std::string(text)); };
  Result<std::unique_ptr<KafkaProducer>> index_producer =
      KafkaProducer::Create(producer_config, config.index_topic, warn);
  if (!index_producer.ok()) return index_producer.status();
  Result<std::unique_ptr<KafkaProducer>> dead_producer =
      KafkaProducer::Create(producer_config, config.deadletter_topic, warn);
  if (!dead_producer.ok()) return dead_producer.status();
  ServeSummary summary;
  std::unique_ptr<KafkaProducer> partials_producer;
  if (!partials_topic.empty()) {
    Result<std::unique_ptr<KafkaProducer>> made =
        KafkaProducer::Create(producer_config, partials_topic, warn);
    if (!made.ok()) return made.status();
    partials_producer = std::move(made).value();
  }
  std::unique_ptr<KafkaProducer> changelog_producer;
  if (changelog_topics) {
    Result<std::unique_ptr<KafkaProducer>> made =
        KafkaProducer::Create(producer_config, (*changelog_topics)[0], warn);
    if (!made.ok()) return made.status();
    changelog_producer = std::move(made).value();
    changelog_producer->TrackDeliveredOffsets();
  }
  OutboxSender sender(&job, index_producer->get(), dead_producer->get(), observer,
                      partials_producer.get());
  if (changelog_producer) {
    sender.SendChangelogsThrough(changelog_producer.get(), &*changelog_topics);
  }
  // What a crash left in the outbox.
  FUGONG_RETURN_IF_ERROR(sender.Drain(&summary.published_index, &summary.published_dead_letters));
  // The index topic, whole, into group_day: before the observer is told the state is open, so
  // that /readyz waits for it from the first answer.
  std::optional<IndexFollower> follower;
  if (config.follow_index) {
    follower.emplace(state_store, config.index_topic, base, observer, log);
  }
  if (observer != nullptr) {
    observer->OnStateOpened(*state_store);
    observer->OnProgress(job.status(), {}, state_store->ApproximateSize(), 0);
  }

  // The commit thread and what its commit did. Declared before the consumer and the poller, so
  // destroyed after them: an early return waits for the poller (whose revocation may wait for
  // a commit) before this waits for the commit under way.
  CommitThread committer;
  CommitOutcome outcome;
  uint64_t commits = 0;  // written by the commit thread (what crash_after_commits counts)
  std::vector<PartitionStatus> partitions;  // as the last batch saw them
  double last_input_unix = 0;
  auto last_report = Steady::now() - std::chrono::hours(1);
  const auto report = [&] {
    if (observer == nullptr) return;
    observer->OnProgress(job.status(), partitions, state_store->ApproximateSize(), last_input_unix);
    last_report = Steady::now();
  };
  auto first_message = Steady::now();
  bool offsets_to_tell = false;  // a commit made offsets durable: tell the group (the loop does)
  // Job thread: waits for the commit under way, if any, and takes in what it did.
  const auto finish_commit = [&]() -> Status {
    if (!committer.busy()) return Status::OK();
    const auto wait_start = Steady::now();
    const Status done = committer.Wait();
    summary.commit_wait_seconds += SecondsSince(wait_start);
    ++summary.commits;
    const uint64_t closed_before = job.status().days_closed;
    job.FinishSealed();
    start_offsets.Refresh(job);
    FUGONG_RETURN_IF_ERROR(done);
    summary.published_index += outcome.published_index;
    summary.published_dead_letters += outcome.published_dead_letters;
    if (outcome.had_messages) {
      summary.ingest_seconds =
          std::chrono::duration<double>(outcome.durable_at - first_message).count();
    }
    if (job.status().days_closed > closed_before) {
      // The close happens after the commit's state write: time it from there.
      const double seconds =
          std::chrono::duration<double>(outcome.published_at - outcome.write_started).count() -
          job.status().last_commit_write_seconds;
      ++summary.closes;
      // Where a slow close went (the close itself or the brokers), for whoever reads the log.
      const StreamStatus& st = job.status();
      log("closed through " + (st.closed_through ? FormatDate(*st.closed_through) : "-") +
          ": published in " + FormatFixed(seconds, 3) + " s (close and outbox " +
          FormatFixed(st.last_publish_seconds, 3) + " s, sent and acknowledged " +
          FormatFixed(seconds - st.last_publish_seconds, 3) + " s)");
      summary.close_to_published_total_seconds += seconds;
      summary.close_to_published_max_seconds =
          std::max(summary.close_to_published_max_seconds, seconds);
      if (observer != nullptr) observer->OnDaysPublished(seconds);
    }
    offsets_to_tell = true;
    report();
    return Status::OK();
  };
  // Job thread: seals what was added and has the commit thread write it, close and publish.
  const auto start_commit = [&]() -> Status {
    FUGONG_RETURN_IF_ERROR(finish_commit());  // the next seal waits for the write before
    outcome = CommitOutcome();
    outcome.had_messages = job.HasUncommitted();
    FUGONG_RETURN_IF_ERROR(job.Seal());
    committer.Start([&]() -> Status {
      outcome.write_started = Steady::now();
      FUGONG_RETURN_IF_ERROR(job.WriteSealed());
      outcome.durable_at = Steady::now();
      ++commits;
      if (options.crash_after_commits > 0 && commits >= options.crash_after_commits) {
        log("crash_after_commits reached: exiting without a flush, like kill -9");
        std::_Exit(9);
      }
      FUGONG_RETURN_IF_ERROR(
          sender.SendAll(&outcome.published_index, &outcome.published_dead_letters));
      outcome.published_at = Steady::now();
      return Status::OK();
    });
    return Status::OK();
  };
  // Job thread: a commit of everything added, written before this returns (a revocation, the
  // end); its outbox is sent later, by the loop or at the end.
  const auto commit = [&]() -> Status {
    FUGONG_RETURN_IF_ERROR(finish_commit());
    FUGONG_RETURN_IF_ERROR(job.Commit());
    start_offsets.Refresh(job);
    return Status::OK();
  };

  // Before partitions go away, their state and offsets must be durable (one instance per group
  // today: this runs when the consumer closes or loses its session). Declared before the
  // consumer, whose Close may still call it.
  Status revoke_status;
  const auto revoke_commit = [&]() -> Status {
    if (revoke_status.ok()) revoke_status = commit();
    return revoke_status;
  };
  KafkaConfig consumer_config = base;
  consumer_config.Set("group.id", config.group_id, "group_id");
  // Changelogs: a readings partition given to this instance is restored from its changelogs
  // first, on the job thread (the poller asks from inside the assignment and waits), and read
  // from where the restored progress says. A failed restore stops the service (restore_status).
  std::optional<TaskRestorer> restorer;
  if (changelog_topics) {
    restorer.emplace(
        base, *changelog_topics, &job,
        [&] {
          if (observer != nullptr) {
            observer->OnProgress(job.status(), partitions, state_store->ApproximateSize(), 0);
          }
        },
        log);
  }
  Status restore_status;
  // With changelogs: the tasks this instance gave up at a rebalance, and when. Their rows stay
  // (a task that comes back restores only the tail) until state_cleanup_delay_seconds.
  std::map<int32_t, Steady::time_point> given_up;
  StreamPoller* poller_of_assignments = nullptr;  // set once the poller exists
  // Called by the consumer with the partitions an assignment gives (cooperative: those that came;
  // eager: all), before it asks where each partition starts.
  const auto restore_assigned = [&](const std::vector<std::pair<std::string, int32_t>>& assigned) {
    std::vector<int32_t> tasks;
    for (const auto& [topic, partition] : assigned) {
      if (topic == config.stream.readings_topic) tasks.push_back(partition);
    }
    if (tasks.empty()) return;
    const auto work = [&]() -> Status {
      if (!restore_status.ok()) return restore_status;
      for (int32_t task : tasks) given_up.erase(task);  // back before its rows were deleted
      // No commit under way, and the outbox sent: a wiped row must not be read for a changelog
      // record after this.
      FUGONG_RETURN_IF_ERROR(finish_commit());
      FUGONG_RETURN_IF_ERROR(
          sender.Drain(&summary.published_index, &summary.published_dead_letters));
      const Status restored = restorer->Restore(tasks);
      if (!restored.ok()) return restore_status = restored;
      start_offsets.Refresh(job);
      return Status::OK();
    };
    // A failure is kept in restore_status, which the loop reports.
    if (poller_of_assignments != nullptr && poller_of_assignments->OnPollerThread()) {
      static_cast<void>(poller_of_assignments->RunOnJobThread(work));
    } else {
      static_cast<void>(work());
    }
  };
  const auto start_offset = [&](const std::string& topic, int32_t partition) -> int64_t {
    // The partials topic is read whole at every assignment: it is the owners' store.
    if (!partials_topic.empty() && topic == partials_topic) return -1;
    // A readings partition whose restore failed is not read (an error for the consumer).
    if (restorer && topic == config.stream.readings_topic && !restore_status.ok()) return -2;
    return start_offsets.Of(topic, partition);
  };
  // The readings through the group, which spreads their partitions over the instances; the
  // registry, the weather and the risk chart whole, on every instance (global tables,
  // docs/scale-out.md): every instance needs every enterprise's groups and every county's
  // weather, whichever readings partitions it holds.
  std::vector<std::string> group_topics = {config.stream.readings_topic};
  if (!partials_topic.empty()) group_topics.push_back(partials_topic);
  Result<std::unique_ptr<KafkaStreamConsumer>> consumer =
      KafkaStreamConsumer::Create(consumer_config, group_topics, start_offset, warn);
  if (!consumer.ok()) return consumer.status();
  std::vector<std::string> global_topics = {config.stream.enterprises_topic};
  if (!config.stream.weather_topic.empty()) global_topics.push_back(config.stream.weather_topic);
  if (!config.stream.risk_topic.empty()) global_topics.push_back(config.stream.risk_topic);
  Result<std::unique_ptr<KafkaStreamConsumer>> global =
      KafkaStreamConsumer::CreateGlobal(base, global_topics, start_offset, warn);
  if (!global.ok()) return global.status();
  // Declared after the consumer: destroyed, and so telling, before it closes.
  StateFailureNotice failure_notice(state_store, observer);
  (*consumer)->SetGapCheckedTopics({config.stream.readings_topic});
  // Declared after the consumer: stopped before it closes. Two batches wait at most: one being
  // added, one polled (~20 MB each at 100,000 messages).
  StreamPoller poller(consumer->get(), 100000, 2, global->get());
  poller_of_assignments = &poller;
  // Each rebalance's moves are logged: which partitions came and went (cooperative-sticky moves
  // only those that must move; the tests read these lines).
  (*consumer)->SetOnAssign([&](const std::vector<std::pair<std::string, int32_t>>& assigned) {
    log("rebalance: takes " + DescribePartitions(assigned));
    if (restorer) restore_assigned(assigned);
  });
  (*consumer)->SetOnRevoke([&](const std::vector<PartitionStatus>& revoked) {
    // With changelogs, the revoked tasks' last records are sent before the partitions go (the
    // next owner restores from them), and they are logged no more. Not when the consumer closes
    // (this instance stops: its copy stays as the changelogs have it, and a restart restores
    // only their tails).
    const bool rebalance = poller.OnPollerThread();
    if (rebalance) {
      std::vector<std::pair<std::string, int32_t>> going;
      for (const PartitionStatus& p : revoked) going.emplace_back(p.topic, p.partition);
      log("rebalance: gives up " + DescribePartitions(going));
    }
    std::set<int32_t> tasks;
    for (const PartitionStatus& p : revoked) {
      if (restorer && rebalance && p.topic == config.stream.readings_topic) {
        tasks.insert(p.partition);
      }
    }
    const auto work = [&]() -> Status {
      FUGONG_RETURN_IF_ERROR(revoke_commit());
      if (tasks.empty()) return Status::OK();
      const Status s = sender.Drain(&summary.published_index, &summary.published_dead_letters);
      if (!s.ok() && revoke_status.ok()) revoke_status = s;  // the loop reports it
      if (s.ok()) {
        job.ReleaseTasks(tasks);
        for (int32_t task : tasks) given_up[task] = Steady::now();
      }
      return s;
    };
    // Inside Poll: on the poller thread while it runs, else (Close) on this one.
    if (rebalance) {
      static_cast<void>(poller.RunOnJobThread(work));
    } else {
      static_cast<void>(work());
    }
  });
  std::string global_list;
  for (const std::string& topic : global_topics) {
    global_list += (global_list.empty() ? "" : ", ") + topic;
  }
  log("consuming " + config.stream.readings_topic + " as group " + config.group_id + ", and " +
      global_list + " whole; publishing to " + config.index_topic + " and " +
      config.deadletter_topic);

  // One instance per group until scale-out is built (docs/scale-out.md): an instance that the
  // group gives only some readings partitions closes and publishes nothing, rather than totals
  // that lack the other partitions' enterprises. Known once, at start.
  Result<int> readings_partitions =
      (*consumer)->PartitionCount(config.stream.readings_topic, std::chrono::seconds(10));
  if (!readings_partitions.ok()) {
    log("cannot tell how many partitions " + config.stream.readings_topic +
        " has (closes are not held for a partial assignment): " +
        readings_partitions.status().ToString());
  }
  bool said_held = false;
  bool references_loaded = false;  // the global tables were read up to their ends once
  const auto hold_closes_unless_all_readings = [&] {
    int owned = 0;
    for (const PartitionStatus& p : partitions) owned += p.topic == config.stream.readings_topic;
    std::string why;
    if (!references_loaded) {
      why = "the registry, weather and risk topics are not read up to their ends yet";
    } else if (!readings_partitions.ok() || !partials_topic.empty()) {
      // Through the partials topic each instance sends only its tasks' sums: nothing to hold.
    } else if (owned < *readings_partitions) {
      why = "this instance holds " + std::to_string(owned) + " of the " +
            std::to_string(*readings_partitions) + " partitions of " +
            config.stream.readings_topic + ": another instance is in group " + config.group_id +
            "; run one instance per group (docs/scale-out.md)";
    }
    if (why == job.status().closes_held) return;
    // With no partition yet (before the first assignment, in a rebalance) nothing could close:
    // not worth a line; nor is the moment the global tables take to read.
    if (!why.empty() && owned > 0 && references_loaded) {
      log("CLOSES HELD: " + why);
      said_held = true;
    }
    if (why.empty() && said_held) {
      log("closes resume: every partition held");
      said_held = false;
    }
    job.SetClosesHeld(why);
  };

  // Deletes the rows of the tasks given up longer than state_cleanup_delay_seconds ago, as Kafka
  // Streams' state.cleanup.delay.ms deletes a task directory: an instance keeps only the state of
  // the tasks it holds, plus those that may come back soon. A wipe is a scan of the logged
  // stores (no column family per task yet), on the job thread, after the commit under way.
  const auto clean_up_given_up_tasks = [&]() -> Status {
    const int64_t delay = config.stream.state_cleanup_delay_seconds;
    if (!restorer || delay <= 0 || given_up.empty()) return Status::OK();
    std::set<int32_t> due;
    for (const auto& [task, at] : given_up) {
      if (Steady::now() - at >= std::chrono::seconds(delay)) due.insert(task);
    }
    if (due.empty()) return Status::OK();
    for (const PartitionStatus& p : partitions) {
      if (p.topic == config.stream.readings_topic) due.erase(p.partition);  // held again
    }
    FUGONG_RETURN_IF_ERROR(finish_commit());
    FUGONG_RETURN_IF_ERROR(sender.Drain(&summary.published_index, &summary.published_dead_letters));
    const auto started = Steady::now();
    FUGONG_RETURN_IF_ERROR(job.WipeTasks(due));
    start_offsets.Refresh(job);
    std::string names;
    for (int32_t task : due) {
      names += (names.empty() ? "0_" : ", 0_") + std::to_string(task);
      given_up.erase(task);
    }
    log("cleaned up task(s) " + names + ", not held for " + std::to_string(delay) +
        " s: their rows and changelog positions are deleted (one that comes back restores from "
        "the beginning), in " +
        FormatFixed(SecondsSince(started), 3) + " s");
    return Status::OK();
  };
  uint64_t assignment_generation = 0;
  auto last_commit = Steady::now();
  auto last_status = Steady::now();
  // --exit-when-idle counts from the last activity: a message read, an assignment, or (through
  // the partials topic) partials this instance sent, which their owner must still read.
  auto last_activity = Steady::now();
  // Whether the partitions' leaders have confirmed, since the last activity, that every held
  // partition is read to its end: asked once per idle spell, not on every pass of the loop (each
  // asking is a ListOffsets request per partition).
  bool ends_confirmed = false;
  uint64_t partials_delivered = 0;
  // Through the partials topic: the group's lag on it, measured at most once a second while
  // the instance would leave (see the end of input below); -1 when not measured since the last
  // activity.
  std::unique_ptr<ConsumerGroupLag> partials_lag;
  auto last_lag_check = Steady::now() - std::chrono::hours(1);
  int64_t partials_unread = -1;
  // Whether every partials message has been taken in by an owner's close, as the group's
  // committed offsets say (each owner commits how far its closes have read). While an owner that
  // left has not been replaced (a rebalance under way), its partition lags: whoever gets it reads
  // it, and only then may the last instances leave.
  const auto every_partial_taken_in = [&]() -> Result<bool> {
    if (SecondsSince(last_lag_check) < 1) return partials_unread == 0;
    last_lag_check = Steady::now();
    if (!partials_lag) {
      Result<std::unique_ptr<ConsumerGroupLag>> made =
          ConsumerGroupLag::Create(base, config.group_id, partials_topic);
      if (!made.ok()) return made.status();
      partials_lag = std::move(made).value();
    }
    Result<ConsumerGroupLag::Measurement> lag = partials_lag->Measure(std::chrono::seconds(10));
    partials_unread = lag.ok() ? lag->lag : -1;
    if (partials_unread != 0 && Steady::now() - last_status >= std::chrono::seconds(5)) {
      log("not leaving yet: " +
          (lag.ok() ? std::to_string(lag->lag) + " partials messages not yet taken in"
                    : "the owners' progress is unknown (" + lag.status().ToString() + ")"));
    }
    return partials_unread == 0;
  };
  const auto commit_interval = std::chrono::milliseconds(config.commit_interval_ms);
  bool idle_exit = false;
  poller.Start();
  while (options.stop == nullptr || !options.stop->load()) {
    std::optional<PolledBatch> polled = poller.Next(std::chrono::milliseconds(200), revoke_commit);
    FUGONG_RETURN_IF_ERROR(revoke_status);
    FUGONG_RETURN_IF_ERROR(restore_status);
    if (committer.done()) FUGONG_RETURN_IF_ERROR(finish_commit());
    if (!polled) continue;  // a Poll that takes long (a rebalance): nothing new yet
    FUGONG_RETURN_IF_ERROR(polled->status);
    partitions = std::move(polled->partitions);
    // As Kafka Streams restores its global stores before it processes anything: a close scores
    // the enterprises of the registry and an owner's records count them, so nothing closes or
    // is published before the global tables have been read up to their ends once.
    if (!references_loaded) {
      bool read = !partitions.empty();
      for (const PartitionStatus& p : partitions) {
        if (p.topic == config.stream.readings_topic || p.topic == partials_topic) continue;
        read = read && p.high_watermark >= 0 && p.position >= p.high_watermark;
      }
      references_loaded = read;
    }
    hold_closes_unless_all_readings();
    if (!partials_topic.empty()) {
      std::set<int32_t> readings;
      std::map<int32_t, bool> partials;
      for (const PartitionStatus& p : partitions) {
        if (p.topic == config.stream.readings_topic) readings.insert(p.partition);
        if (p.topic == partials_topic) {
          partials[p.partition] = p.high_watermark >= 0 && p.position >= p.high_watermark;
        }
      }
      // An owner's revisions continue those in group_day, which the index follower fills from
      // the topic: a partition's new owner that published before it had read them could give a
      // second revision 1 to a record another owner published.
      job.SetAssignment(std::move(readings), std::move(partials),
                        references_loaded && (!follower || follower->caught_up()));
    }
    if (polled->assignment_generation != assignment_generation) {
      // Input can only come once partitions are assigned: --exit-when-idle counts from there (a
      // join that waits out a crashed member's session must not count as idle time).
      assignment_generation = polled->assignment_generation;
      last_activity = Steady::now();
      partials_unread = -1;  // measured again after it
      ends_confirmed = false;
    }
    for (const PartitionGap& gap : polled->gaps) {
      log("PARTITION GAP: " + gap.topic + "[" + std::to_string(gap.partition) + "] offsets " +
          std::to_string(gap.from) + ".." + std::to_string(gap.to - 1) +
          " were removed by the broker before they were read");
      job.AddGap(gap.topic, gap.partition, gap.from, gap.to);
    }
    // Partitions not caught up on hold event time back (a backlog reaches some partitions long
    // after others).
    job.SetReadingsBacklog(ReadingsBacklog(partitions, config.stream.readings_topic));
    const std::vector<StreamMessage>& messages = polled->messages;
    const bool quiet = messages.empty();
    const bool rebalancing = polled->rebalancing;
    if (!quiet) {
      // Registry, weather and risk messages change what the close under way reads: they wait
      // for it.
      if (committer.busy() && !job.OnlyReadings(messages)) FUGONG_RETURN_IF_ERROR(finish_commit());
      if (summary.messages == 0) first_message = polled->polled_at;
      FUGONG_RETURN_IF_ERROR(job.Add(messages));
      summary.messages += messages.size();
      last_activity = Steady::now();
      partials_unread = -1;  // measured again after it
      ends_confirmed = false;
      last_input_unix =
          std::chrono::duration<double>(std::chrono::system_clock::now().time_since_epoch())
              .count();
    }
    // Commit on the timer, when memory fills, and as soon as the input is caught up (a quiet
    // poll), so the last readings before a pause are durable and their days can close.
    const bool caught_up = quiet && job.HasUncommitted();
    if (job.ShouldCommit() || caught_up || Steady::now() - last_commit >= commit_interval) {
      FUGONG_RETURN_IF_ERROR(start_commit());
      last_commit = Steady::now();
    }
    if (offsets_to_tell) {
      poller.CommitAsync(job.CommittedOffsets());
      offsets_to_tell = false;
    }
    poller.Recycle(std::move(*polled));  // `messages` is gone from here on
    FUGONG_RETURN_IF_ERROR(clean_up_given_up_tasks());
    if (Steady::now() - last_report >= std::chrono::seconds(1)) report();
    if (Steady::now() - last_status >= std::chrono::seconds(5)) {
      summary.status = job.status();
      log(StatusLine(summary, SecondsSince(start)));
      last_status = Steady::now();
    }
    if (sender.partials_delivered() != partials_delivered) {
      partials_delivered = sender.partials_delivered();
      last_activity = Steady::now();
      partials_unread = -1;  // measured again after it
      ends_confirmed = false;
    }
    // Every batch polled before this one has been added: the positions are this thread's too.
    // An instance holding its closes cannot close what it read: it does not exit as idle.
    const bool has_readings = std::any_of(
        partitions.begin(), partitions.end(),
        [&](const PartitionStatus& p) { return p.topic == config.stream.readings_topic; });
    if (options.exit_when_idle_seconds && has_readings && quiet &&
        job.status().closes_held.empty() &&
        SecondsSince(last_activity) >= *options.exit_when_idle_seconds &&
        (options.input_complete == nullptr || options.input_complete->load())) {
      std::string behind;
      for (const PartitionStatus& p : partitions) {
        if (p.high_watermark < 0 || p.position < p.high_watermark) {
          behind += " " + p.topic + "[" + std::to_string(p.partition) + "] at " +
                    std::to_string(p.position) + " of " + std::to_string(p.high_watermark);
        }
      }
      // The positions above are measured against the last fetch responses, which stop coming
      // when fetching stalls (a rebalance under way can hold it): before leaving, the ends are
      // asked of the partitions' leaders. And an instance does not leave while its group
      // rebalances, which may be about to give it partitions that nobody else would read.
      if (behind.empty() && rebalancing) {
        if (Steady::now() - last_status >= std::chrono::seconds(5)) {
          log("not leaving yet: the group is rebalancing");
        }
        continue;
      }
      if (behind.empty() && !ends_confirmed) {
        for (const PartitionStatus& p : partitions) {
          if (p.topic != config.stream.readings_topic && p.topic != partials_topic) continue;
          Result<int64_t> end =
              (*consumer)->QueryHighWatermark(p.topic, p.partition, std::chrono::seconds(10));
          if (!end.ok() || p.position < *end) {
            behind += " " + p.topic + "[" + std::to_string(p.partition) + "] at " +
                      std::to_string(p.position) + " of " +
                      (end.ok() ? std::to_string(*end) : end.status().ToString());
          }
        }
        if (behind.empty()) {
          ends_confirmed = true;
        } else {
          // Asked again after another idle spell: what is behind arrives as activity first.
          log("not yet read, by the leaders' ends:" + behind);
          last_activity = Steady::now();
          continue;
        }
      }
      if (behind.empty() && !partials_topic.empty()) {
        // The end of input through the partials topic (docs/scale-out.md, "Sub-topology 1 in
        // serve"): an instance leaves only once its owners have taken in every partial, and
        // closing everything sends no more (what it sends is activity: the idle time again).
        Result<bool> taken_in = every_partial_taken_in();
        if (!taken_in.ok()) return taken_in.status();
        if (!*taken_in) continue;
        FUGONG_RETURN_IF_ERROR(finish_commit());
        FUGONG_RETURN_IF_ERROR(job.CloseAll());
        start_offsets.Refresh(job);
        FUGONG_RETURN_IF_ERROR(
            sender.SendAll(&summary.published_index, &summary.published_dead_letters));
        if (sender.partials_delivered() != partials_delivered) continue;  // the loop's check
      }
      if (behind.empty()) {
        idle_exit = true;
        break;
      }
      if (Steady::now() - last_status >= std::chrono::seconds(5)) log("not yet read:" + behind);
    }
  }
  // The consumer is this thread's again; what was polled and not added is read again next time.
  poller.Stop(revoke_commit);
  FUGONG_RETURN_IF_ERROR(revoke_status);
  FUGONG_RETURN_IF_ERROR(finish_commit());
  if (idle_exit) {
    FUGONG_RETURN_IF_ERROR(job.CloseAll());
  } else {
    FUGONG_RETURN_IF_ERROR(commit());
  }
  FUGONG_RETURN_IF_ERROR(sender.Drain(&summary.published_index, &summary.published_dead_letters));
  (*consumer)->CommitAsync(job.CommittedOffsets());
  partitions = (*consumer)->Partitions();
  for (PartitionStatus& p : (*global)->Partitions()) partitions.push_back(std::move(p));
  report();
  (*consumer)->Close();
  (*global)->Close();
  summary.status = job.status();
  summary.seconds = SecondsSince(start);
  log(StatusLine(summary, summary.seconds));
  return summary;
}

}  // namespace

Result<ServeSummary> RunStreamService(const RunConfig& config, const ServeOptions& options) {
  KafkaConfig base = KafkaConfigOf(config);
  if (!base.Get("bootstrap.servers")) {
    return Status::InvalidArgument(
        "no Kafka: set kafka.bootstrap.servers in the config (or FUGONG_KAFKA_BOOTSTRAP_SERVERS), "
        "or use --embedded");
  }
  if (options.state_dir.empty()) return Status::InvalidArgument("serve needs a state directory");
  Result<std::unique_ptr<StateStore>> state =
      StateStore::Open(options.state_dir, options.state_options);
  if (!state.ok()) return state.status();
  // Declared after the state, so the observer stops reading it before it closes.
  StateClosingNotice closing_notice(options.observer);
  Result<ServeSummary> served = Serve(config, options, base, state->get());
  if (!served.ok() && (*state)->write_failed()) {
    // Nothing more is consumed or committed; what was committed is safe (one batch per commit,
    // and RocksDB's WAL), and a restart resumes from it.
    served = Status::IOError(served.status().message() +
                             "; consuming stopped: free space and restart to resume");
  }
  // Told while the state is still open: /healthz and /readyz say why until the process exits.
  if (!served.ok() && options.observer != nullptr) options.observer->OnFailed(served.status());
  return served;
}

}  // namespace fugong
