#include "engine/job/outbox.h"

#include "engine/state/key_codec.h"

namespace fugong {

void PutIndexRecord(StateBatch* batch, std::string_view key, std::string_view record) {
  std::string outbox_key(1, static_cast<char>(OutputKind::kIndex));
  outbox_key += key;
  batch->Put(Store::kOutbox, outbox_key, record);
}

void PutDeadLetter(StateBatch* batch, std::string_view dead_letter_key, std::string_view json) {
  std::string outbox_key(1, static_cast<char>(OutputKind::kDeadLetter));
  outbox_key += dead_letter_key;
  batch->Put(Store::kOutbox, outbox_key, json);
}

void PutPartial(StateBatch* batch, int32_t partition, std::string_view key,
                std::string_view value) {
  std::string outbox_key(1, static_cast<char>(OutputKind::kPartial));
  AppendFixed32(static_cast<uint32_t>(partition), &outbox_key);
  outbox_key += key;
  batch->Put(Store::kOutbox, outbox_key, value);
}

void PutChangelogMarker(StateBatch* batch, int32_t task, ChangelogStore store,
                        std::string_view row_key, uint64_t write) {
  std::string outbox_key(1, static_cast<char>(OutputKind::kChangelog));
  AppendFixed32(static_cast<uint32_t>(task), &outbox_key);
  outbox_key.push_back(static_cast<char>(store));
  outbox_key += row_key;
  std::string marker;
  AppendFixed64(write, &marker);
  batch->Put(Store::kOutbox, outbox_key, marker);
}

Status ReadChangelogRecords(const StateStore& state, std::string_view after, size_t max,
                            std::vector<OutboxRecord>* out) {
  out->clear();
  const char kind = static_cast<char>(OutputKind::kChangelog);
  std::unique_ptr<rocksdb::Iterator> it = state.NewIterator(Store::kOutbox);
  if (after.empty()) {
    it->Seek(rocksdb::Slice(&kind, 1));
  } else {
    it->Seek(rocksdb::Slice(after.data(), after.size()));
    if (it->Valid() && it->key() == rocksdb::Slice(after.data(), after.size())) it->Next();
  }
  std::string row;
  for (; it->Valid() && out->size() < max; it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.empty() || key[0] != kind) break;
    if (key.size() < 6 || static_cast<uint8_t>(key[5]) >= kChangelogStores.size()) {
      return Status::Corruption("bad changelog outbox key");
    }
    OutboxRecord r;
    r.kind = OutputKind::kChangelog;
    r.partition = static_cast<int32_t>(ReadFixed32(key.data() + 1));
    r.store = static_cast<ChangelogStore>(key[5]);
    r.key = key.substr(6);
    r.outbox_key = key;
    r.marker.assign(it->value().data(), it->value().size());
    // The row as it is now (see PutChangelogMarker).
    const Status got = state.Get(StateStoreOf(r.store), r.key, &row);
    if (got.ok()) {
      r.value.reserve(row.size() + 1);
      r.value.push_back(kChangelogFormat);
      r.value += row;
    } else if (got.code() == Status::Code::kNotFound) {
      r.tombstone = true;
    } else {
      return got;
    }
    out->push_back(std::move(r));
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

Status DeleteSentChangelogMarkers(const StateStore& state, const std::vector<OutboxRecord>& sent,
                                  StateBatch* batch) {
  std::string marker;
  for (const OutboxRecord& r : sent) {
    const Status got = state.Get(Store::kOutbox, r.outbox_key, &marker);
    if (got.code() == Status::Code::kNotFound) continue;
    if (!got.ok()) return got;
    if (marker == r.marker) batch->Delete(Store::kOutbox, r.outbox_key);
  }
  return Status::OK();
}

Status ReadOutbox(const StateStore& state, size_t max, std::vector<OutboxRecord>* out) {
  out->clear();
  std::unique_ptr<rocksdb::Iterator> it = state.NewIterator(Store::kOutbox);
  // Changelog records ('c') sort first; ReadChangelogRecords reads them.
  const char after_changelogs = static_cast<char>(OutputKind::kChangelog) + 1;
  for (it->Seek(rocksdb::Slice(&after_changelogs, 1)); it->Valid() && out->size() < max;
       it->Next()) {
    const std::string_view key(it->key().data(), it->key().size());
    if (key.empty()) return Status::Corruption("empty outbox key");
    OutboxRecord r;
    r.kind = static_cast<OutputKind>(key[0]);
    if (r.kind == OutputKind::kIndex) {
      r.key = key.substr(1);
    } else if (r.kind == OutputKind::kPartial) {
      if (key.size() < 6) return Status::Corruption("bad partial outbox key");
      r.partition = static_cast<int32_t>(ReadFixed32(key.data() + 1));
      r.key = key.substr(5);
    } else if (r.kind != OutputKind::kDeadLetter) {
      return Status::Corruption("unknown outbox record kind");
    }
    r.value.assign(it->value().data(), it->value().size());
    r.outbox_key = key;
    out->push_back(std::move(r));
  }
  if (!it->status().ok()) return Status::IOError(it->status().ToString());
  return Status::OK();
}

void DeleteFromOutbox(StateBatch* batch, const std::vector<OutboxRecord>& records) {
  for (const OutboxRecord& r : records) batch->Delete(Store::kOutbox, r.outbox_key);
}

}  // namespace fugong
