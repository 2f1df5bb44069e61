#include "connectors/file/chunked_file_reader.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace fugong {

namespace {

constexpr size_t kChunkBytes = 4 << 20;
constexpr size_t kInputBytes = 1 << 20;  // compressed bytes read from disk at a time
constexpr unsigned char kGzipMagic[2] = {0x1f, 0x8b};

}  // namespace

ChunkedFileReader::~ChunkedFileReader() {
  if (stream_ready_) inflateEnd(&stream_);
  if (fd_ >= 0) ::close(fd_);
}

Result<std::unique_ptr<ChunkedFileReader>> ChunkedFileReader::Open(const std::string& path) {
  std::unique_ptr<ChunkedFileReader> r(new ChunkedFileReader());
  r->path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::IOError(path + " is a directory");
  r->disk_size_ = static_cast<uint64_t>(st.st_size);
  r->fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (r->fd_ < 0) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  if (::pread(r->fd_, magic, 2, 0) == 2 && std::memcmp(magic, kGzipMagic, 2) == 0) {
    r->gzip_ = true;
    // 16 + MAX_WBITS: a gzip wrapper (header, CRC-32 and length checked), not zlib or raw.
    if (inflateInit2(&r->stream_, 16 + MAX_WBITS) != Z_OK) {
      return Status::IOError("cannot start inflating " + path + ": out of memory");
    }
    r->stream_ready_ = true;
    r->in_.resize(kInputBytes);
    ::posix_fadvise(r->fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
  }
  for (std::vector<char>& buffer : r->buffers_) buffer.resize(kChunkBytes * 2);
  return r;
}

void ChunkedFileReader::Fail(Status status) {
  if (failure_.ok()) failure_ = std::move(status);
}

size_t ChunkedFileReader::ReadRaw(char* dst, size_t n) {
  if (!failure_.ok()) return 0;
  return gzip_ ? Inflate(dst, n) : ReadPlain(dst, n);
}

size_t ChunkedFileReader::ReadPlain(char* dst, size_t n) {
  while (true) {
    const ssize_t got = ::read(fd_, dst, n);
    if (got >= 0) {
      disk_read_ += static_cast<uint64_t>(got);
      return static_cast<size_t>(got);
    }
    if (errno == EINTR) continue;
    Fail(Status::IOError("read error in " + path_ + " at byte " + std::to_string(disk_read_) +
                         ": " + std::strerror(errno)));
    return 0;
  }
}

bool ChunkedFileReader::RefillInput() {
  if (input_eof_) return false;
  if (stream_.avail_in > 0) std::memmove(in_.data(), stream_.next_in, stream_.avail_in);
  size_t have = stream_.avail_in;
  stream_.next_in = in_.data();
  while (true) {
    const ssize_t got = ::read(fd_, in_.data() + have, in_.size() - have);
    if (got < 0 && errno == EINTR) continue;
    if (got < 0) {
      Fail(Status::IOError("read error in " + path_ + " at byte " + std::to_string(disk_read_) +
                           ": " + std::strerror(errno)));
      stream_.avail_in = static_cast<uInt>(have);
      return false;
    }
    disk_read_ += static_cast<uint64_t>(got);
    stream_.avail_in = static_cast<uInt>(have + static_cast<size_t>(got));
    if (got == 0) input_eof_ = true;
    return got > 0;
  }
}

bool ChunkedFileReader::StartNextMember() {
  // Two bytes are needed to tell another member from anything else.
  while (stream_.avail_in < 2 && RefillInput()) {
  }
  if (!failure_.ok()) return false;
  if (stream_.avail_in == 0) return false;  // the clean end: the last member ended the file
  const uint64_t at = compressed_offset();
  const bool magic = stream_.next_in[0] == kGzipMagic[0] &&
                     (stream_.avail_in < 2 || stream_.next_in[1] == kGzipMagic[1]);
  if (!magic) {
    Fail(Status::Corruption(path_ + ": garbage after gzip member at byte " + std::to_string(at) +
                            " (of " + std::to_string(disk_size_) + " on disk)"));
    return false;
  }
  if (stream_.avail_in < 2) {
    // The first byte of another member's header, then the end of the file.
    Fail(Status::Corruption(path_ + ": gzip data truncated at byte " + std::to_string(disk_read_) +
                            " (inside a member's header)"));
    return false;
  }
  inflateReset(&stream_);
  return true;
}

size_t ChunkedFileReader::Inflate(char* dst, size_t n) {
  stream_.next_out = reinterpret_cast<Bytef*>(dst);
  stream_.avail_out = static_cast<uInt>(n);
  while (stream_.avail_out > 0 && failure_.ok()) {
    if (!in_member_) {
      // Before the first member, or after one ended: is there another?
      if (!StartNextMember()) break;
      in_member_ = true;
    }
    if (stream_.avail_in == 0 && !RefillInput()) {
      if (failure_.ok()) {
        Fail(Status::Corruption(path_ + ": gzip data truncated at byte " +
                                std::to_string(disk_read_) +
                                " (the file ends inside a gzip member: an interrupted copy?)"));
      }
      break;
    }
    const int rc = inflate(&stream_, Z_NO_FLUSH);
    if (rc == Z_STREAM_END) {
      in_member_ = false;
    } else if (rc == Z_DATA_ERROR) {
      Fail(Status::Corruption(path_ + ": gzip data corrupt (" +
                              std::string(stream_.msg ? stream_.msg : "invalid data") +
                              ") at byte " + std::to_string(compressed_offset())));
    } else if (rc != Z_OK && rc != Z_BUF_ERROR) {
      Fail(Status::IOError(path_ + ": inflate failed (" +
                           std::string(stream_.msg ? stream_.msg : zError(rc)) + ") at byte " +
                           std::to_string(compressed_offset())));
    }
  }
  return n - stream_.avail_out;
}

Status ChunkedFileReader::NextChunk(std::string_view* chunk) {
  *chunk = {};
  const size_t carry = carry_end_ - carry_begin_;
  if (failed_) {
    // What is left before the failure is whole lines (Skip may have given some back).
    if (carry == 0) return failure_;
    *chunk = std::string_view(buffers_[current_].data() + carry_begin_, carry);
    carry_begin_ = carry_end_;
    position_ += carry;
    return Status::OK();
  }
  // Copy the carried partial line to the front of the other buffer, then fill the rest: the
  // chunk returned last stays as it is.
  std::vector<char>& buffer = buffers_[1 - current_];
  if (carry > 0) {
    std::vector<char>& previous = buffers_[current_];
    if (buffer.size() < carry) buffer.resize(carry);
    std::memcpy(buffer.data(), previous.data() + carry_begin_, carry);
  }
  current_ = 1 - current_;
  size_t target = carry + kChunkBytes;
  size_t filled = carry;
  size_t scanned = 0;  // bytes known to hold no '\n'
  size_t end = 0;      // of the whole lines handed out
  while (true) {
    if (buffer.size() < target) buffer.resize(target);
    while (!eof_ && failure_.ok() && filled < target) {
      const size_t got = ReadRaw(buffer.data() + filled, target - filled);
      if (got == 0 && failure_.ok()) eof_ = true;
      filled += got;
    }
    if (eof_) {
      end = filled;  // the last line may lack its '\n'
      break;
    }
    // Hand out whole lines only; keep the tail for the next call (or drop it at a failure).
    const void* nl = memrchr(buffer.data() + scanned, '\n', filled - scanned);
    if (nl != nullptr) {
      end = static_cast<const char*>(nl) - buffer.data() + 1;
      break;
    }
    if (!failure_.ok()) break;  // no whole line before the failure
    // A line longer than the buffer: read more of it.
    scanned = filled;
    target += kChunkBytes;
  }
  carry_begin_ = end;
  carry_end_ = filled;
  if (!failure_.ok()) {
    failed_ = true;
    carry_end_ = end;  // the partial line at the failure is not a line
    if (end == 0) return failure_;
  }
  *chunk = std::string_view(buffer.data(), end);
  position_ += end;
  return Status::OK();
}

Status ChunkedFileReader::Skip(uint64_t bytes) {
  std::string_view chunk;
  while (position_ < bytes) {
    const uint64_t start = position_;
    FUGONG_RETURN_IF_ERROR(NextChunk(&chunk));
    if (chunk.empty()) return Status::Corruption(path_ + " is shorter than the state says");
    if (position_ > bytes) {
      // Give back the part of this chunk past `bytes`.
      const size_t keep = static_cast<size_t>(bytes - start);
      if (keep > 0 && chunk[keep - 1] != '\n') {
        return Status::Corruption(path_ + ": resume position is not at a line start");
      }
      carry_begin_ = keep;
      position_ = bytes;
    }
  }
  return Status::OK();
}

uint64_t ChunkedFileReader::disk_bytes_read() const {
  return gzip_ ? compressed_offset() : disk_read_;
}

}  // namespace fugong
