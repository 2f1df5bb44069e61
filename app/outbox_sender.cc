#include "app/outbox_sender.h"

#include <chrono>
#include <map>
#include <optional>
#include <string>
#include <utility>

namespace fugong {

namespace {
constexpr size_t kSlice = 20000;
constexpr std::chrono::minutes kFlushTimeout(5);
}  // namespace

uint64_t OutboxSender::OthersFailed() const {
  return index_->counts().failed + dead_letters_->counts().failed +
         (partials_ != nullptr ? partials_->counts().failed : 0);
}

Status OutboxSender::SendAll(uint64_t* index_sent, uint64_t* dead_sent) {
  if (changelogs_ != nullptr) {
    FUGONG_RETURN_IF_ERROR(FinishChangelogs());
    FUGONG_RETURN_IF_ERROR(SendChangelogs());
  }
  return SendOthers(index_sent, dead_sent);
}

Status OutboxSender::Drain(uint64_t* index_sent, uint64_t* dead_sent) {
  FUGONG_RETURN_IF_ERROR(SendAll(index_sent, dead_sent));
  if (changelogs_ == nullptr) return Status::OK();
  FUGONG_RETURN_IF_ERROR(FinishChangelogs());  // the rows; sends their progress
  return FinishChangelogs();                   // the progress
}

Status OutboxSender::FinishChangelogs() {
  if (!in_flight_.empty()) {
    FUGONG_RETURN_IF_ERROR(changelogs_->Flush(kFlushTimeout));
    if (changelogs_->counts().failed != failed_before_flight_) {
      // Their markers stay: sent again by the next call, or after a restart.
      const uint64_t refused = changelogs_->counts().failed - failed_before_flight_;
      in_flight_.clear();
      pending_progress_.clear();
      failed_before_flight_ = changelogs_->counts().failed;
      return Status::IOError("the brokers refused " + std::to_string(refused) +
                             " changelog records: " + changelogs_->counts().first_error);
    }
    // Each task's changelog positions move past its own acknowledged records.
    std::map<std::pair<ChangelogStore, int32_t>, int64_t> next;
    for (const auto& [topic_partition, offset] : changelogs_->TakeDeliveredOffsets()) {
      for (ChangelogStore store : kChangelogStores) {
        if ((*changelog_topics_)[static_cast<size_t>(store)] == topic_partition.first) {
          next[{store, topic_partition.second}] = offset + 1;
        }
      }
    }
    FUGONG_RETURN_IF_ERROR(job_->ChangelogSent(in_flight_, next));
    in_flight_.clear();
  }
  failed_before_flight_ = changelogs_->counts().failed;
  // The progress rows read with the rows just acknowledged follow them now: a changelog's
  // progress is never ahead of its rows, whatever of a send a kill -9 cuts off.
  for (OutboxRecord& r : pending_progress_) {
    FUGONG_RETURN_IF_ERROR(Produce(r));
    in_flight_.push_back(std::move(r));
  }
  pending_progress_.clear();
  return Status::OK();
}

Status OutboxSender::Produce(OutboxRecord& r) {
  const Status produced =
      changelogs_->ProduceTo((*changelog_topics_)[static_cast<size_t>(r.store)], r.partition, r.key,
                             r.tombstone ? std::nullopt : std::optional<std::string_view>(r.value));
  r.value.clear();  // only the key and the marker are needed once produced
  r.value.shrink_to_fit();
  return produced;
}

Status OutboxSender::SendChangelogs() {
  std::vector<OutboxRecord> slice;
  std::string after;
  while (true) {
    FUGONG_RETURN_IF_ERROR(job_->PendingChangelog(after, kSlice, &slice));
    if (slice.empty()) return Status::OK();
    after = slice.back().outbox_key;
    for (OutboxRecord& r : slice) {
      // Only the tasks held: a marker of another task is one a kill -9 left, and waits until the
      // task is restored here again (a restore that wipes the task drops it).
      if (!job_->ChangelogLogged(r.partition)) continue;
      if (r.store == ChangelogStore::kProgress) {
        pending_progress_.push_back(std::move(r));  // as read now, sent once the rows are in
        continue;
      }
      FUGONG_RETURN_IF_ERROR(Produce(r));
      in_flight_.push_back(std::move(r));
    }
  }
}

Status OutboxSender::SendOthers(uint64_t* index_sent, uint64_t* dead_sent) {
  std::vector<OutboxRecord> records;
  while (true) {
    FUGONG_RETURN_IF_ERROR(job_->PendingOutput(kSlice, &records));
    if (records.empty()) return Status::OK();
    const uint64_t failed_before = OthersFailed();
    uint64_t index = 0, dead = 0, partials = 0;
    for (const OutboxRecord& r : records) {
      if (r.kind == OutputKind::kIndex) {
        FUGONG_RETURN_IF_ERROR(index_->Produce(r.key, r.value));
        ++index;
      } else if (r.kind == OutputKind::kPartial) {
        if (partials_ == nullptr) {
          return Status::InvalidArgument(
              "the outbox holds partials but no partials topic is configured (topic_partials)");
        }
        FUGONG_RETURN_IF_ERROR(partials_->ProduceToPartition(r.partition, r.key, r.value));
        ++partials;
      } else {
        FUGONG_RETURN_IF_ERROR(dead_letters_->ProduceWithoutKey(r.value));
        ++dead;
      }
    }
    FUGONG_RETURN_IF_ERROR(index_->Flush(kFlushTimeout));
    FUGONG_RETURN_IF_ERROR(dead_letters_->Flush(kFlushTimeout));
    if (partials_ != nullptr) FUGONG_RETURN_IF_ERROR(partials_->Flush(kFlushTimeout));
    // Changelog records in flight are not waited for here (FinishChangelogs does).
    const uint64_t failed = OthersFailed();
    if (failed != failed_before) {
      return Status::IOError("the brokers refused " + std::to_string(failed - failed_before) +
                             " output messages: " + index_->counts().first_error +
                             dead_letters_->counts().first_error);
    }
    FUGONG_RETURN_IF_ERROR(job_->Delivered(records));
    if (observer_ != nullptr) observer_->OnDelivered(records);
    *index_sent += index;
    *dead_sent += dead;
    partials_delivered_.fetch_add(partials, std::memory_order_relaxed);
  }
}

}  // namespace fugong
