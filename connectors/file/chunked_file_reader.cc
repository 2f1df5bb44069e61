#include "connectors/file/chunked_file_reader.h"

#include <sys/stat.h>

#include <cstring>

namespace fugong {

namespace {
constexpr size_t kChunkBytes = 4 << 20;
}  // namespace

ChunkedFileReader::~ChunkedFileReader() {
  if (gz_) gzclose(gz_);
  if (file_) std::fclose(file_);
}

Result<std::unique_ptr<ChunkedFileReader>> ChunkedFileReader::Open(const std::string& path) {
  std::unique_ptr<ChunkedFileReader> r(new ChunkedFileReader());
  r->path_ = path;
  struct stat st;
  if (::stat(path.c_str(), &st) != 0)
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  if (S_ISDIR(st.st_mode)) return Status::IOError(path + " is a directory");
  r->disk_size_ = static_cast<uint64_t>(st.st_size);
  FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  unsigned char magic[2] = {0, 0};
  const size_t got = std::fread(magic, 1, 2, f);
  std::rewind(f);
  if (got == 2 && magic[0] == 0x1f && magic[1] == 0x8b) {
    std::fclose(f);
    r->gz_ = gzopen(path.c_str(), "rb");
    if (!r->gz_) return Status::IOError("cannot open gzip " + path);
    gzbuffer(r->gz_, 1 << 20);
  } else {
    r->file_ = f;
  }
  r->buffer_.resize(kChunkBytes * 2);
  return r;
}

int64_t ChunkedFileReader::ReadRaw(char* dst, size_t n) {
  if (gz_) {
    const int got = gzread(gz_, dst, static_cast<unsigned>(n));
    if (got < 0) return -1;
    return got;
  }
  const size_t got = std::fread(dst, 1, n, file_);
  if (got == 0 && std::ferror(file_)) return -1;
  return static_cast<int64_t>(got);
}

Status ChunkedFileReader::NextChunk(std::string_view* chunk) {
  // Move the carried partial line to the front, then fill the rest.
  const size_t carry = carry_end_ - carry_begin_;
  if (carry > 0) std::memmove(buffer_.data(), buffer_.data() + carry_begin_, carry);
  if (buffer_.size() < carry + kChunkBytes) buffer_.resize(carry + kChunkBytes);
  size_t filled = carry;
  while (!eof_ && filled < carry + kChunkBytes) {
    const int64_t got = ReadRaw(buffer_.data() + filled, carry + kChunkBytes - filled);
    if (got < 0) return Status::IOError("read error in " + path_);
    if (got == 0) {
      eof_ = true;
      break;
    }
    filled += static_cast<size_t>(got);
  }
  size_t end = filled;
  if (!eof_) {
    // Hand out whole lines only; keep the tail for the next call.
    const void* nl = nullptr;
    for (size_t i = filled; i > 0; --i) {
      if (buffer_[i - 1] == '\n') {
        nl = &buffer_[i - 1];
        break;
      }
    }
    if (nl == nullptr) {
      // A line longer than the buffer: grow and try again.
      buffer_.resize(buffer_.size() * 2);
      carry_begin_ = 0;
      carry_end_ = filled;
      return NextChunk(chunk);
    }
    end = static_cast<const char*>(nl) - buffer_.data() + 1;
  }
  carry_begin_ = end;
  carry_end_ = filled;
  *chunk = std::string_view(buffer_.data(), end);
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
  if (gz_) return static_cast<uint64_t>(gzoffset(gz_));
  return static_cast<uint64_t>(std::ftell(file_));
}

}  // namespace fugong
