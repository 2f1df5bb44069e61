// A CSV file (plain or gzip) as a RecordSource: its header, then batches of lines numbered from 2.
//
// It reads ahead: while the caller parses one batch, the next chunk is read (inflated, for gzip)
// and cut into lines on a thread of its own, so that reading, which one thread must do in
// order, overlaps the parsing, which the ingest spreads over every core.
#pragma once

#include <future>
#include <memory>
#include <string>
#include <vector>

#include "connectors/file/chunked_file_reader.h"
#include "engine/job/record_source.h"

namespace fugong {

class CsvFileSource final : public RecordSource {
 public:
  static Result<std::unique_ptr<CsvFileSource>> Open(const std::string& path);
  ~CsvFileSource() override;

  const std::string& name() const override { return path_; }
  std::string_view header() const override { return header_; }
  Status Resume(std::string_view checkpoint) override;
  Status Next(SourceBatch* batch) override;
  std::string Checkpoint() const override;
  uint64_t work_done() const override { return work_done_; }
  uint64_t work_total() const override { return reader_->disk_size(); }

 private:
  // The next chunk's lines, read ahead of the call to Next that hands them out.
  struct Chunk {
    Status status;
    std::vector<std::string_view> lines;
    uint64_t bytes = 0;      // uncompressed bytes of the chunk
    uint64_t disk_read = 0;  // bytes of the file on disk read once it was read
  };

  CsvFileSource() = default;
  Status Start();  // (re)opens the file and reads the header
  // Reads the next chunk and cuts it into lines. Runs on the read-ahead thread, or on the
  // caller's when none is under way; never on both at once.
  Chunk ReadChunk();
  void WaitForReadAhead();
  // A hash of the file's first min(`bytes`, 64 KiB) bytes: the bytes a checkpoint at `bytes` has
  // read, so a file cut short and the repaired whole file agree on the checkpoint of the former.
  uint64_t FingerprintOf(uint64_t bytes) const;

  std::string path_;
  std::unique_ptr<ChunkedFileReader> reader_;
  std::string header_;
  std::string first_bytes_;      // up to 64 KiB, to tell another file at this path
  std::string_view pending_;     // the rest of the first chunk after the header
  uint64_t consumed_bytes_ = 0;  // uncompressed bytes handed out, header included
  int64_t next_line_ = 2;
  uint64_t work_done_ = 0;
  // The vector of lines handed out the time before last, reused by the next chunk: a fresh one
  // per chunk (1.5 MB) costs page faults each time.
  std::vector<std::string_view> spare_lines_;
  std::future<Chunk> ahead_;  // the chunk after the batch handed out last, being read
};

}  // namespace fugong
