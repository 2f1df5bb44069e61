// Records committed to state but not yet acknowledged by the output topics (the transactional
// outbox pattern). A new revision of an index record and a dead letter are put into the outbox in
// the same write batch as the state change that made them; the publisher sends the outbox and
// deletes what the brokers acknowledged. After a crash the outbox is sent again: a record is then
// published twice with identical bytes, never lost and never given a new revision.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/job/changelog_store.h"
#include "engine/state/state_store.h"

namespace fugong {

enum class OutputKind : char {
  kIndex = 'i',       // to the index topic, keyed DATE|LEVEL|CODE
  kDeadLetter = 'd',  // to the dead-letter topic, without key
  kPartial = 'p',     // to the partials topic, partition `partition`, keyed DATE|T or ~watermark|T
  kChangelog = 'c',   // to a store's changelog, partition = the task, keyed by the row's key
};

struct OutboxRecord {
  OutputKind kind;
  std::string key;    // the message key (empty for dead letters)
  std::string value;  // the message value
  std::string outbox_key;
  int32_t partition = -1;  // kPartial: the partials partition; kChangelog: the task
  // kChangelog: the store, and whether the row is gone (a tombstone: no value).
  ChangelogStore store = ChangelogStore::kMeterDay;
  bool tombstone = false;
  std::string marker = {};  // kChangelog: the marker's value when read
};

// An index record (key `DATE|LEVEL|CODE`): a later revision replaces one not yet sent.
void PutIndexRecord(StateBatch* batch, std::string_view key, std::string_view record);
// A dead letter under its dead_letter store key (unique per input record).
void PutDeadLetter(StateBatch* batch, std::string_view dead_letter_key, std::string_view json);

// A partials message for partials partition `partition` (a later one of the same key replaces
// one not yet sent). Within a partition, messages are sent in key order, so a task's partials
// (dated keys) go before its watermark (`~watermark|T`) written with them.
void PutPartial(StateBatch* batch, int32_t partition, std::string_view key, std::string_view value);

// A row of `task` in a logged store changed (engine/job/task_changelog.h), by the write numbered
// `write` (a number that grows with every write). The outbox holds only the row's key: the row is
// read when the changelog records are sent, so a row changed by several commits before a send is
// sent once, as it then is. They are sent between commits, never during one, so what is read is
// a committed state.
void PutChangelogMarker(StateBatch* batch, int32_t task, ChangelogStore store,
                        std::string_view row_key, uint64_t write);

// Up to `max` changelog records after outbox key `after` (empty: from the first), in key order
// (by task, store, row key), each with its row as it is now and its marker.
Status ReadChangelogRecords(const StateStore& state, std::string_view after, size_t max,
                            std::vector<OutboxRecord>* out);
// Deletes, in `batch`, the markers of sent changelog records that no write has marked again
// since they were read: a row changed after its send keeps its marker and is sent again.
Status DeleteSentChangelogMarkers(const StateStore& state, const std::vector<OutboxRecord>& sent,
                                  StateBatch* batch);

// Up to `max` records other than changelog records, in key order (dead letters, then index
// records by date, level, code, then partials).
Status ReadOutbox(const StateStore& state, size_t max, std::vector<OutboxRecord>* out);
void DeleteFromOutbox(StateBatch* batch, const std::vector<OutboxRecord>& records);

}  // namespace fugong
