#include "engine/job/delivery_ledger.h"

#include <cstdint>
#include <utility>

namespace fugong {

namespace {

// FNV-1a 64: stable across builds and machines (std::hash is not), and a collision between two
// revisions of one key is as unlikely as 2^-64.
std::string HashOf(std::string_view bytes) {
  uint64_t h = 14695981039346656037ull;
  for (unsigned char c : bytes) {
    h ^= c;
    h *= 1099511628211ull;
  }
  std::string out(8, '\0');
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(h >> (8 * i));
  return out;
}

}  // namespace

DeliveryLedger::DeliveryLedger(StateStore* state, std::string destination)
    : state_(state), destination_(std::move(destination)), batch_(state) {}

std::string DeliveryLedger::LedgerKey(std::string_view key) const {
  std::string k = destination_;
  k += '\0';  // neither a topic name nor a cluster id contains NUL
  k += key;
  return k;
}

Result<bool> DeliveryLedger::Holds(std::string_view key, std::string_view value) const {
  std::string held;
  const Status st = state_->Get(Store::kDelivered, LedgerKey(key), &held);
  if (st.code() == Status::Code::kNotFound) return false;
  if (!st.ok()) return st;
  return held == HashOf(value);
}

void DeliveryLedger::Acknowledged(std::string_view key, std::string_view value) {
  batch_.Put(Store::kDelivered, LedgerKey(key), HashOf(value));
}

Status DeliveryLedger::Commit() {
  if (batch_.Count() == 0) return Status::OK();
  FUGONG_RETURN_IF_ERROR(state_->Write(&batch_));
  batch_ = StateBatch(state_);
  return Status::OK();
}

}  // namespace fugong
