// CSV files turned into topic messages exactly as `fugong produce` sends them (CsvMessageEncoder),
// held in memory with partitions and offsets, so the streaming job can be fed without a broker.
#pragma once

#include <deque>
#include <map>
#include <string>
#include <vector>

#include "connectors/kafka/csv_message_encoder.h"
#include "engine/job/stream_message.h"
#include "tests/support/files.h"

namespace fugong::testing {

class TopicFeed {
 public:
  TopicFeed(std::string topic, int partitions)
      : topic_(std::move(topic)), partitions_(partitions) {}

  // Appends every data line of a CSV file (in file order); returns false on a bad header.
  bool AppendCsv(TopicRecordKind kind, const std::string& path) {
    const std::vector<std::string> lines = SplitLines(ReadFile(path));
    if (lines.empty()) return false;
    Result<CsvMessageEncoder> encoder = CsvMessageEncoder::FromHeader(kind, lines[0]);
    if (!encoder.ok()) return false;
    for (size_t i = 1; i < lines.size(); ++i) {
      if (lines[i].empty()) continue;
      Append(encoder->Encode(lines[i]));
    }
    return true;
  }

  // Appends a message as `fugong produce` sends it: a raw line (no key) goes to partition 0.
  void Append(const CsvMessageEncoder::Message& m) {
    Append(m.raw ? std::nullopt : std::optional<std::string>(m.key), m.value);
  }

  // Appends one message: keyed ones go to the partition of their key, others to partition 0.
  void Append(std::optional<std::string> key, std::string_view value) {
    const int32_t partition = key ? static_cast<int32_t>(Fnv(*key) % partitions_) : 0;
    Stored& s = stored_.emplace_back();
    s.key = std::move(key);
    s.value = value;
    s.partition = partition;
    s.offset = next_offset_[partition]++;
  }

  // Messages [begin, end) in append order, as views into this feed.
  std::vector<StreamMessage> Slice(size_t begin, size_t end) const {
    std::vector<StreamMessage> out;
    for (size_t i = begin; i < end && i < stored_.size(); ++i) out.push_back(View(stored_[i]));
    return out;
  }
  // Every message of `partition` at or after `offset`.
  std::vector<StreamMessage> From(int32_t partition, int64_t offset) const {
    std::vector<StreamMessage> out;
    for (const Stored& s : stored_) {
      if (s.partition == partition && s.offset >= offset) out.push_back(View(s));
    }
    return out;
  }
  size_t size() const { return stored_.size(); }
  // Forgets the messages (views into them die); each partition's offsets go on from where they
  // were, as a topic's do.
  void Clear() { stored_.clear(); }
  int partitions() const { return partitions_; }
  const std::string& topic() const { return topic_; }

 private:
  struct Stored {
    std::optional<std::string> key;
    std::string value;
    int32_t partition;
    int64_t offset;
  };
  static uint64_t Fnv(const std::string& s) {
    uint64_t h = 1469598103934665603ull;
    for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
    return h;
  }
  StreamMessage View(const Stored& s) const {
    StreamMessage m;
    m.topic = topic_;
    m.partition = s.partition;
    m.offset = s.offset;
    if (s.key) m.key = *s.key;
    m.value = s.value;
    return m;
  }

  std::string topic_;
  int partitions_;
  std::deque<Stored> stored_;  // a deque: views stay valid as it grows
  std::map<int32_t, int64_t> next_offset_;
};

}  // namespace fugong::testing
