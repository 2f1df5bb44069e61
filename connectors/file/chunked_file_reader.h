// Reads a file, plain or gzip (detected by its magic bytes), in large chunks of whole lines.
//
// Readings files are large (tens of GB), so lines are handed out as views into a chunk buffer;
// no line is copied. Positions are counted in uncompressed bytes so a backfill can resume at the
// exact line where its last commit ended.
//
// Gzip is inflated here rather than through zlib's gzread, because gzread stops silently at
// bytes after a member that are not another member, and a file cut short must be an error, not
// an end: a gzip file that ends inside a member (an interrupted copy), fails its CRC or length
// check, or holds anything but further members after a member, fails with an error that names
// the file and the byte offset on disk where reading stopped. The whole lines before the failure
// are handed out first; the partial line at the failure never is (it would be a bogus record).
#pragma once

#include <zlib.h>

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

class ChunkedFileReader {
 public:
  ~ChunkedFileReader();
  ChunkedFileReader(const ChunkedFileReader&) = delete;
  ChunkedFileReader& operator=(const ChunkedFileReader&) = delete;

  static Result<std::unique_ptr<ChunkedFileReader>> Open(const std::string& path);

  // Fills `chunk` with the next run of whole lines (each ending in '\n', the last possibly
  // without one at end of file). Returns an empty chunk at end of file. A chunk stays valid until
  // the second call after the one that returned it: two buffers take turns, so a chunk can be
  // parsed while the next one is read (CsvFileSource reads ahead). After a read failure
  // the whole lines before it come first; then this returns the failure (Corruption for bad
  // gzip data, IOError for a failed read), and keeps returning it.
  Status NextChunk(std::string_view* chunk);

  // Skips `bytes` uncompressed bytes (used to resume); must land on a line start.
  Status Skip(uint64_t bytes);

  // Uncompressed bytes handed out so far (the start of the next chunk).
  uint64_t position() const { return position_; }
  // Bytes of the file on disk read so far, and its size: for progress and ETA.
  uint64_t disk_bytes_read() const;
  uint64_t disk_size() const { return disk_size_; }
  bool gzip() const { return gzip_; }
  const std::string& path() const { return path_; }

 private:
  ChunkedFileReader() = default;
  // Reads up to n uncompressed bytes into dst; returns the bytes read, 0 at the end of the file
  // or once failure_ is set (which it may be after some bytes were read).
  size_t ReadRaw(char* dst, size_t n);
  size_t ReadPlain(char* dst, size_t n);
  size_t Inflate(char* dst, size_t n);
  // Moves the unread compressed bytes to the front of in_ and reads more after them; false at
  // the end of the file (or on a failed read, which sets failure_).
  bool RefillInput();
  // Before the first member and after each one's end: true if a member follows (the stream is reset
  // for it), false at the end of the file or when something else follows (which sets failure_).
  bool StartNextMember();
  // The compressed bytes inflate has consumed: where a failure is reported.
  uint64_t compressed_offset() const { return disk_read_ - stream_.avail_in; }
  void Fail(Status status);

  std::string path_;
  int fd_ = -1;
  bool gzip_ = false;
  uint64_t disk_size_ = 0;
  uint64_t disk_read_ = 0;  // bytes read from the file on disk
  uint64_t position_ = 0;
  std::vector<char> buffers_[2];
  int current_ = 0;         // the buffer of the last chunk
  size_t carry_begin_ = 0;  // start of the partial line left from the previous chunk (in it)
  size_t carry_end_ = 0;
  bool eof_ = false;
  Status failure_;       // why reading stopped early (OK while it has not)
  bool failed_ = false;  // the lines before failure_ were handed out: only failure_ is left

  // Gzip only.
  z_stream stream_{};
  bool stream_ready_ = false;  // inflateInit2 succeeded (so inflateEnd is due)
  bool in_member_ = false;     // inflate has begun a member and not reached its end
  bool input_eof_ = false;
  std::vector<unsigned char> in_;  // compressed input
};

}  // namespace fugong
