// A CSV file (plain or gzip) as a RecordSource: its header, then batches of lines numbered from 2.
#pragma once

#include <memory>
#include <string>

#include "connectors/file/chunked_file_reader.h"
#include "engine/job/record_source.h"

namespace fugong {

class CsvFileSource final : public RecordSource {
 public:
  static Result<std::unique_ptr<CsvFileSource>> Open(const std::string& path);

  const std::string& name() const override { return path_; }
  std::string_view header() const override { return header_; }
  Status Resume(std::string_view checkpoint) override;
  Status Next(SourceBatch* batch) override;
  std::string Checkpoint() const override;
  uint64_t work_done() const override { return reader_->disk_bytes_read(); }
  uint64_t work_total() const override { return reader_->disk_size(); }

 private:
  CsvFileSource() = default;
  Status Start();  // (re)opens the file and reads the header
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
};

}  // namespace fugong
