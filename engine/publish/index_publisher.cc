#include "engine/publish/index_publisher.h"

#include <memory>

#include "engine/publish/index_record.h"
#include "engine/state/key_codec.h"

namespace fugong {

std::string PublishedRecord::Encode() const {
  std::string out;
  AppendFixed64(revision, &out);
  AppendFixed64(static_cast<uint64_t>(computed_at), &out);
  out += content;
  return out;
}

bool PublishedRecord::Decode(std::string_view bytes) {
  if (bytes.size() < 16) return false;
  revision = static_cast<uint32_t>(ReadFixed64(bytes.data()));
  computed_at = static_cast<EpochSeconds>(ReadFixed64(bytes.data() + 8));
  content.assign(bytes.substr(16));
  return true;
}

Result<bool> IndexPublisher::HasDay(Day day) const {
  const std::string prefix = FormatDate(day) + "|";
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kGroupDay);
  it->Seek(prefix);
  if (!it->status().ok()) return Status::IOError("group_day: " + it->status().ToString());
  return it->Valid() && it->key().starts_with(prefix);
}

Result<std::optional<std::string>> IndexPublisher::PublishedContent(const std::string& key) const {
  std::string stored;
  const Status st = state_->Get(Store::kGroupDay, key, &stored);
  if (st.code() == Status::Code::kNotFound) return std::optional<std::string>();
  if (!st.ok()) return st;
  PublishedRecord record;
  if (!record.Decode(stored)) return Status::Corruption("group_day record " + key);
  return std::optional<std::string>(std::move(record.content));
}

Result<bool> IndexPublisher::Publish(const std::string& key, const std::string& content,
                                     StateBatch* batch, std::string* record) {
  std::string stored;
  PublishedRecord previous;
  Status st = state_->Get(Store::kGroupDay, key, &stored);
  if (st.ok()) {
    if (!previous.Decode(stored)) return Status::Corruption("group_day record " + key);
    if (previous.content == content) {
      *record = FinishIndexRecord(previous.content, previous.revision, previous.computed_at);
      return false;
    }
  } else if (st.code() != Status::Code::kNotFound) {
    return st;
  }
  PublishedRecord next{previous.revision + 1, now_, content};
  (next.revision == 1 ? new_records_ : revised_records_)++;
  batch->Put(Store::kGroupDay, key, next.Encode());
  *record = FinishIndexRecord(next.content, next.revision, next.computed_at);
  return true;
}

}  // namespace fugong
