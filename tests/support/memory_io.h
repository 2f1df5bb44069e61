// In-memory sources and sinks, so tests run the same engine code as the files and Kafka do.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "engine/job/record_source.h"
#include "engine/job/sinks.h"

namespace fugong::testing {

// A CSV text as a RecordSource: header line, then lines numbered from 2.
class StringSource final : public RecordSource {
 public:
  StringSource(std::string name, std::string text)
      : name_(std::move(name)), text_(std::move(text)) {
    size_t start = 0;
    while (start < text_.size()) {
      size_t nl = text_.find('\n', start);
      if (nl == std::string::npos) nl = text_.size();
      lines_.push_back(std::string_view(text_).substr(start, nl - start));
      start = nl + 1;
    }
  }
  const std::string& name() const override { return name_; }
  std::string_view header() const override { return lines_.empty() ? "" : lines_[0]; }
  Status Resume(std::string_view checkpoint) override {
    next_ = checkpoint.empty() ? 1 : std::stoul(std::string(checkpoint));
    return Status::OK();
  }
  // Hands out at most kBatchLines lines per call.
  Status Next(SourceBatch* batch) override {
    batch->records.clear();
    batch->first_position = static_cast<int64_t>(next_) + 1;
    while (next_ < lines_.size() && batch->records.size() < kBatchLines) {
      batch->records.push_back(lines_[next_++]);
    }
    return Status::OK();
  }
  std::string Checkpoint() const override { return std::to_string(next_); }
  uint64_t work_done() const override { return next_; }
  uint64_t work_total() const override { return lines_.size(); }

 private:
  std::string name_;
  std::string text_;
  std::vector<std::string_view> lines_;
  size_t next_ = 1;
  static constexpr size_t kBatchLines = 1000;
};

class MemorySink final : public IndexSink, public DeadLetterSink {
 public:
  Status Write(std::string_view key, std::string_view value) override {
    records[std::string(key)] = std::string(value);
    order.emplace_back(key);
    return Status::OK();
  }
  Status Write(std::string_view json) override {
    lines.emplace_back(json);
    return Status::OK();
  }
  Status Close() override { return Status::OK(); }

  std::map<std::string, std::string> records;  // key -> value
  std::vector<std::string> order;              // keys in the order written
  std::vector<std::string> lines;              // dead letters
};

}  // namespace fugong::testing
