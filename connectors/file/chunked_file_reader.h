// Reads a file, plain or gzip (detected by its magic bytes), in large chunks of whole lines.
//
// Readings files are large (tens of GB), so lines are handed out as views into a chunk buffer;
// no line is copied. Positions are counted in uncompressed bytes so a backfill can resume at the
// exact line where its last commit ended.
#pragma once

#include <zlib.h>

#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

class ChunkedFileReader {
 public:
  ~ChunkedFileReader();
  static Result<std::unique_ptr<ChunkedFileReader>> Open(const std::string& path);

  // Fills `chunk` with the next run of whole lines (each ending in '\n', the last possibly
  // without one at end of file). Returns an empty chunk at end of file.
  Status NextChunk(std::string_view* chunk);

  // Skips `bytes` uncompressed bytes (used to resume); must land on a line start.
  Status Skip(uint64_t bytes);

  // Uncompressed bytes handed out so far (the start of the next chunk).
  uint64_t position() const { return position_; }
  // Bytes of the file on disk read so far, and its size: for progress and ETA.
  uint64_t disk_bytes_read() const;
  uint64_t disk_size() const { return disk_size_; }
  bool gzip() const { return gz_ != nullptr; }
  const std::string& path() const { return path_; }

 private:
  ChunkedFileReader() = default;
  // Reads up to n raw (uncompressed) bytes into dst; returns bytes read, 0 at EOF, -1 on error.
  int64_t ReadRaw(char* dst, size_t n);

  std::string path_;
  FILE* file_ = nullptr;
  gzFile gz_ = nullptr;
  uint64_t disk_size_ = 0;
  uint64_t position_ = 0;
  std::vector<char> buffer_;
  size_t carry_begin_ = 0;  // start of the partial line left from the previous chunk
  size_t carry_end_ = 0;
  bool eof_ = false;
};

}  // namespace fugong
