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

bool PublishedRecord::FromIndexRecord(std::string_view record) {
  constexpr std::string_view kRevision = ",\"revision\":";
  constexpr std::string_view kComputedAt = ",\"computed_at\":\"";
  const size_t at = record.rfind(kRevision);
  if (at == std::string_view::npos) return false;
  std::string_view rest = record.substr(at + kRevision.size());
  const size_t comma = rest.find(',');
  if (comma == std::string_view::npos || comma == 0 || comma > 9) return false;
  uint32_t parsed_revision = 0;
  for (char c : rest.substr(0, comma)) {
    if (c < '0' || c > '9') return false;
    parsed_revision = parsed_revision * 10 + static_cast<uint32_t>(c - '0');
  }
  rest.remove_prefix(comma);
  if (!rest.starts_with(kComputedAt) || !rest.ends_with("\"}")) return false;
  EpochSeconds parsed_at = 0;
  if (!ParseInstant(rest.substr(kComputedAt.size(), rest.size() - kComputedAt.size() - 2),
                    &parsed_at)) {
    return false;
  }
  std::string parsed_content(record.substr(0, at));
  // Only what FinishIndexRecord writes (no leading zeros, the instant as it formats it).
  if (FinishIndexRecord(parsed_content, parsed_revision, parsed_at) != record) return false;
  revision = parsed_revision;
  computed_at = parsed_at;
  content = std::move(parsed_content);
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
