#include "engine/publish/index_topic_follower.h"

#include <memory>

#include "engine/publish/index_publisher.h"
#include "engine/publish/index_record.h"
#include "engine/state/key_codec.h"

namespace fugong {

namespace {

// meta: follow \0 topic \0 partition (big-endian) -> the next offset to read.
constexpr std::string_view kPositionPrefix = std::string_view("follow\0", 7);

// Whether `key` (DATE|LEVEL|CODE) is the key of the record `content` begins: a message under
// another key must not put its record there.
bool IsKeyOf(std::string_view key, std::string_view content) {
  const size_t first = key.find('|');
  const size_t second = first == std::string_view::npos ? first : key.find('|', first + 1);
  if (second == std::string_view::npos) return false;
  const std::string prefix = "{\"date\":\"" + std::string(key.substr(0, first)) +
                             "\",\"level\":\"" +
                             std::string(key.substr(first + 1, second - first - 1)) +
                             "\",\"code\":\"" + std::string(key.substr(second + 1)) + "\",";
  return content.starts_with(prefix);
}

}  // namespace

IndexTopicFollower::IndexTopicFollower(StateStore* state, std::string topic)
    : state_(state), topic_(std::move(topic)) {}

std::string IndexTopicFollower::PositionKey(int32_t partition) const {
  std::string key(kPositionPrefix);
  key += topic_;
  key.push_back('\0');
  AppendFixed32(static_cast<uint32_t>(partition), &key);
  return key;
}

Result<std::map<int32_t, int64_t>> IndexTopicFollower::Positions() const {
  std::map<int32_t, int64_t> positions;
  const std::string prefix = PositionKey(0).substr(0, kPositionPrefix.size() + topic_.size() + 1);
  std::unique_ptr<rocksdb::Iterator> it = state_->NewIterator(Store::kMeta);
  for (it->Seek(prefix); it->Valid() && it->key().starts_with(prefix); it->Next()) {
    const std::string_view key = it->key().ToStringView();
    if (key.size() != prefix.size() + 4 || it->value().size() != 8) {
      return Status::Corruption("bad follow position in meta");
    }
    const uint32_t partition = ReadFixed32(key.data() + prefix.size());
    positions[static_cast<int32_t>(partition)] =
        static_cast<int64_t>(ReadFixed64(it->value().data()));
  }
  if (!it->status().ok()) return Status::IOError("meta: " + it->status().ToString());
  return positions;
}

Status IndexTopicFollower::Apply(const std::vector<LogRecord>& messages,
                                 std::vector<std::pair<std::string, std::string>>* current) {
  if (!positions_loaded_) {
    Result<std::map<int32_t, int64_t>> positions = Positions();
    if (!positions.ok()) return positions.status();
    positions_ = std::move(positions).value();
    positions_loaded_ = true;
  }
  StateBatch batch(state_);
  // What this batch writes, by key: a later message of the same key sees it.
  std::map<std::string, PublishedRecord> written;
  std::map<int32_t, int64_t> next = positions_;
  for (const LogRecord& m : messages) {
    auto position = next.find(m.partition);
    if (position != next.end() && m.offset < position->second) continue;
    next[m.partition] = m.offset + 1;
    ++counts_.read;
    PublishedRecord incoming;
    if (!m.value || !incoming.FromIndexRecord(*m.value) || !IsKeyOf(m.key, incoming.content)) {
      ++counts_.bad;
      continue;
    }
    PublishedRecord held;
    bool has_held = false;
    if (auto it = written.find(m.key); it != written.end()) {
      held = it->second;
      has_held = true;
    } else {
      std::string stored;
      const Status st = state_->Get(Store::kGroupDay, m.key, &stored);
      if (st.ok()) {
        if (!held.Decode(stored)) return Status::Corruption("group_day record " + m.key);
        has_held = true;
      } else if (st.code() != Status::Code::kNotFound) {
        return st;
      }
    }
    if (has_held && incoming.revision < held.revision) {
      ++counts_.stale;
      continue;
    }
    if (has_held && incoming.revision == held.revision) {
      if (incoming.content == held.content && incoming.computed_at == held.computed_at) {
        ++counts_.unchanged;
        if (current != nullptr) current->emplace_back(m.key, *m.value);
      } else {
        ++counts_.conflicts;
      }
      continue;
    }
    batch.Put(Store::kGroupDay, m.key, incoming.Encode());
    if (current != nullptr) current->emplace_back(m.key, *m.value);
    written[m.key] = std::move(incoming);
    ++counts_.applied;
  }
  for (const auto& [partition, offset] : next) {
    if (positions_.count(partition) && positions_.at(partition) == offset) continue;
    std::string value;
    AppendFixed64(static_cast<uint64_t>(offset), &value);
    batch.Put(Store::kMeta, PositionKey(partition), value);
  }
  if (batch.Count() == 0) return Status::OK();
  FUGONG_RETURN_IF_ERROR(state_->Write(&batch));
  positions_ = std::move(next);
  return Status::OK();
}

}  // namespace fugong
