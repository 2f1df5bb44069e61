#include "engine/state/state_write_behind.h"

namespace fugong {

StateWriteBehind::StateWriteBehind(StateStore* state, std::function<void(uint64_t)> written)
    : state_(state), written_(std::move(written)) {}

StateWriteBehind::~StateWriteBehind() {
  if (pending_.valid()) pending_.wait();
}

Status StateWriteBehind::WaitForPending() {
  if (!pending_.valid()) return failure_;
  const Status written = pending_.get();
  written_batch_ = std::move(pending_batch_);
  if (!written.ok()) {
    if (failure_.ok()) failure_ = written;
    return failure_;
  }
  ++written_count_;
  if (written_) written_(written_count_);
  return failure_;
}

Status StateWriteBehind::Submit(std::unique_ptr<StateBatch> batch) {
  FUGONG_RETURN_IF_ERROR(WaitForPending());
  pending_batch_ = std::move(batch);
  StateBatch* b = pending_batch_.get();
  StateStore* state = state_;
  // A thread per batch: a batch is hundreds of milliseconds of work, starting a thread is tens
  // of microseconds, and nothing is left running between batches.
  pending_ = std::async(std::launch::async, [state, b] { return state->Write(b); });
  return Status::OK();
}

Status StateWriteBehind::Finish() { return WaitForPending(); }

std::unique_ptr<StateBatch> StateWriteBehind::TakeWrittenBatch() {
  if (written_batch_) written_batch_->Clear();
  return std::move(written_batch_);
}

}  // namespace fugong
