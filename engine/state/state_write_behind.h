// Writes state batches on a thread of its own while the caller prepares the next one: the
// backfill parses batch N+1 while RocksDB takes batch N (its WAL, its memtable, and the stalls
// that background flushes and compactions impose on writers).
//
// At most one batch is under way: Submit waits for the one before to be written, so memory holds
// at most two batches (the one written, the one being filled), and batches reach RocksDB in the
// order they were submitted, each whole and atomic as StateStore::Write makes it. A batch carries
// its own progress markers, so whatever a kill -9 interrupts, the state on disk is some prefix of
// the batches, each with the input positions it covers (docs/hardening.md).
//
// A failed write is final (StateStore::Write): the next Submit or Finish returns the failure and
// no later batch is written.
#pragma once

#include <cstdint>
#include <functional>
#include <future>
#include <memory>

#include "engine/common/status.h"
#include "engine/state/state_store.h"

namespace fugong {

class StateWriteBehind {
 public:
  // `written` (optional) is called on the caller's thread, from Submit or Finish, once for each
  // batch known to be written, with the number of batches written so far.
  explicit StateWriteBehind(StateStore* state, std::function<void(uint64_t)> written = nullptr);
  // Waits for the batch under way (its failure, if any, is left for the state's own record).
  ~StateWriteBehind();
  StateWriteBehind(const StateWriteBehind&) = delete;
  StateWriteBehind& operator=(const StateWriteBehind&) = delete;

  // Waits until the batch submitted before is written, then starts writing `batch` and returns.
  // If the batch before failed, returns its failure and `batch` is dropped unwritten.
  Status Submit(std::unique_ptr<StateBatch> batch);
  // Waits until every submitted batch is written; the first failure, or OK.
  Status Finish();

  uint64_t batches_written() const { return written_count_; }
  // The last batch the writer is done with (written, or failed), emptied, for the caller to fill
  // again: its memory is reused. Null when there is none.
  std::unique_ptr<StateBatch> TakeWrittenBatch();

 private:
  Status WaitForPending();

  StateStore* state_;
  std::function<void(uint64_t)> written_;
  std::unique_ptr<StateBatch> pending_batch_;  // the batch under way, kept alive until written
  std::unique_ptr<StateBatch> written_batch_;  // the last one written, for TakeWrittenBatch
  std::future<Status> pending_;
  Status failure_;
  uint64_t written_count_ = 0;
};

}  // namespace fugong
