#include "connectors/file/csv_file_source.h"

#include <cinttypes>
#include <cstdio>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace fugong {

namespace {

uint64_t Fnv1a(std::string_view bytes) {
  uint64_t h = 1469598103934665603ull;
  for (char c : bytes) {
    h ^= static_cast<unsigned char>(c);
    h *= 1099511628211ull;
  }
  return h;
}

constexpr size_t kFingerprintBytes = 64 << 10;

// Cuts `chunk` into lines (without their '\n'; a last line without one is a line too). Lines are
// ~45 bytes: a memchr call per line cost more in its set-up than in its scan (8 % of a backfill's
// CPU), so this looks at 16 bytes at a time and walks the newlines' bit mask.
void SplitLines(std::string_view chunk, std::vector<std::string_view>* lines) {
  const char* const data = chunk.data();
  const size_t n = chunk.size();
  size_t start = 0;
  size_t i = 0;
#if defined(__SSE2__)
  const __m128i newline = _mm_set1_epi8('\n');
  for (; i + 16 <= n; i += 16) {
    const __m128i block = _mm_loadu_si128(reinterpret_cast<const __m128i*>(data + i));
    unsigned mask = static_cast<unsigned>(_mm_movemask_epi8(_mm_cmpeq_epi8(block, newline)));
    while (mask != 0) {
      const size_t end = i + static_cast<size_t>(__builtin_ctz(mask));
      lines->emplace_back(data + start, end - start);
      start = end + 1;
      mask &= mask - 1;
    }
  }
#endif
  for (; i < n; ++i) {
    if (data[i] == '\n') {
      lines->emplace_back(data + start, i - start);
      start = i + 1;
    }
  }
  if (start < n) lines->emplace_back(data + start, n - start);
}

}  // namespace

Result<std::unique_ptr<CsvFileSource>> CsvFileSource::Open(const std::string& path) {
  std::unique_ptr<CsvFileSource> source(new CsvFileSource());
  source->path_ = path;
  FUGONG_RETURN_IF_ERROR(source->Start());
  return source;
}

CsvFileSource::~CsvFileSource() { WaitForReadAhead(); }

void CsvFileSource::WaitForReadAhead() {
  if (ahead_.valid()) ahead_.wait();
  ahead_ = {};
}

Status CsvFileSource::Start() {
  WaitForReadAhead();
  Result<std::unique_ptr<ChunkedFileReader>> reader = ChunkedFileReader::Open(path_);
  if (!reader.ok()) return reader.status();
  reader_ = std::move(reader).value();
  std::string_view chunk;
  FUGONG_RETURN_IF_ERROR(reader_->NextChunk(&chunk));
  if (chunk.empty()) return Status::InvalidArgument(path_ + " is empty: no CSV header");
  first_bytes_.assign(chunk.substr(0, kFingerprintBytes));
  size_t nl = chunk.find('\n');
  if (nl == std::string_view::npos) nl = chunk.size() - 1;
  header_.assign(chunk.substr(0, nl + 1));
  while (!header_.empty() && (header_.back() == '\n' || header_.back() == '\r')) header_.pop_back();
  pending_ = chunk.substr(nl + 1);
  consumed_bytes_ = nl + 1;
  next_line_ = 2;
  work_done_ = reader_->disk_bytes_read();
  return Status::OK();
}

Status CsvFileSource::Resume(std::string_view checkpoint) {
  if (checkpoint.empty()) return Start();
  uint64_t bytes = 0, fingerprint = 0;
  int64_t line = 0;
  const std::string text(checkpoint);
  if (std::sscanf(text.c_str(), "v1 %" SCNu64 " %" SCNd64 " %" SCNx64, &bytes, &line,
                  &fingerprint) != 3) {
    return Status::Corruption("unreadable progress for " + path_ + ": " + text);
  }
  FUGONG_RETURN_IF_ERROR(Start());
  if (fingerprint != FingerprintOf(bytes)) {
    return Status::InvalidArgument(path_ +
                                   " is not the file this state was built from (its first bytes "
                                   "differ); use a new --state directory");
  }
  if (bytes <= consumed_bytes_ + pending_.size()) {
    pending_.remove_prefix(bytes - consumed_bytes_);
  } else {
    pending_ = {};
    FUGONG_RETURN_IF_ERROR(reader_->Skip(bytes));
  }
  consumed_bytes_ = bytes;
  next_line_ = line;
  work_done_ = reader_->disk_bytes_read();
  return Status::OK();
}

uint64_t CsvFileSource::FingerprintOf(uint64_t bytes) const {
  return Fnv1a(std::string_view(first_bytes_).substr(0, bytes));
}

CsvFileSource::Chunk CsvFileSource::ReadChunk() {
  Chunk out;
  out.lines.swap(spare_lines_);
  out.lines.clear();
  std::string_view chunk = pending_;
  pending_ = {};
  if (chunk.empty()) out.status = reader_->NextChunk(&chunk);
  out.bytes = chunk.size();
  SplitLines(chunk, &out.lines);
  out.disk_read = reader_->disk_bytes_read();
  return out;
}

Status CsvFileSource::Next(SourceBatch* batch) {
  batch->records.clear();
  batch->first_position = next_line_;
  Chunk chunk = ahead_.valid() ? ahead_.get() : ReadChunk();
  if (!chunk.status.ok()) {
    // Which lines got through tells the user what the output holds.
    const std::string message =
        chunk.status.message() + "; read through line " + std::to_string(next_line_ - 1);
    return chunk.status.code() == Status::Code::kCorruption ? Status::Corruption(message)
                                                            : Status::IOError(message);
  }
  consumed_bytes_ += chunk.bytes;
  work_done_ = chunk.disk_read;
  batch->records.swap(chunk.lines);
  spare_lines_.swap(chunk.lines);  // the caller's previous batch, done with
  next_line_ += static_cast<int64_t>(batch->records.size());
  // The lines handed out stay valid while the next chunk is read into the reader's other
  // buffer; after the end (an empty batch) there is nothing to read ahead.
  if (!batch->records.empty()) {
    ahead_ = std::async(std::launch::async, [this] { return ReadChunk(); });
  }
  return Status::OK();
}

std::string CsvFileSource::Checkpoint() const {
  char buf[96];
  std::snprintf(buf, sizeof buf, "v1 %" PRIu64 " %" PRId64 " %016" PRIx64, consumed_bytes_,
                next_line_, FingerprintOf(consumed_bytes_));
  return buf;
}

}  // namespace fugong
