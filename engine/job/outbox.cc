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

Status ReadOutbox(const StateStore& state, size_t max, std::vector<OutboxRecord>* out) {
  out->clear();
  std::unique_ptr<rocksdb::Iterator> it = state.NewIterator(Store::kOutbox);
  for (it->SeekToFirst(); it->Valid() && out->size() < max; it->Next()) {
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
