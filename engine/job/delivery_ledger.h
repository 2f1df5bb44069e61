// What a destination (one topic of one Kafka cluster) has acknowledged, per index key: a hash of
// the record bytes it holds. `backfill --publish` writes the whole index to its output file on
// every run, unchanged records included (same bytes, same revision); the ledger lets it send a
// topic only the records the topic does not hold yet. Because a key is marked only after the
// brokers acknowledged it, a run whose delivery failed, or a state first built without
// --publish, sends everything missing on the next run instead of silently skipping it.
#pragma once

#include <string>
#include <string_view>

#include "engine/common/status.h"
#include "engine/state/state_store.h"

namespace fugong {

class DeliveryLedger {
 public:
  // `destination` names the topic and its cluster (e.g. "<cluster id>/fugong.index.daily"), so
  // that a new cluster or another topic starts with nothing acknowledged.
  DeliveryLedger(StateStore* state, std::string destination);

  // Whether the destination acknowledged exactly `value` under `key`.
  Result<bool> Holds(std::string_view key, std::string_view value) const;

  // Notes an acknowledgement; kept in a batch until Commit.
  void Acknowledged(std::string_view key, std::string_view value);
  size_t pending() const { return batch_.Count(); }
  Status Commit();

 private:
  std::string LedgerKey(std::string_view key) const;

  StateStore* state_;
  std::string destination_;
  StateBatch batch_;
};

}  // namespace fugong
