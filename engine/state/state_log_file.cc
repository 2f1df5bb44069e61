#include "engine/state/state_log_file.h"

#include <sys/time.h>

#include <algorithm>
#include <cstdarg>
#include <cstdio>
#include <ctime>
#include <functional>
#include <thread>

namespace fugong {

Result<std::shared_ptr<StateLogFile>> StateLogFile::Open(rocksdb::FileSystem* fs,
                                                         const std::string& dir) {
  const rocksdb::IOOptions io;
  rocksdb::IOStatus s = fs->CreateDirIfMissing(dir, io, nullptr);
  if (!s.ok())
    return Status::IOError("cannot create the state directory " + dir + ": " + s.ToString());
  const std::string path = dir + "/LOG";
  if (fs->FileExists(path, io, nullptr).ok()) {
    timeval now{};
    gettimeofday(&now, nullptr);
    const std::string old = path + ".old." +
                            std::to_string(static_cast<uint64_t>(now.tv_sec) * 1000000 +
                                           static_cast<uint64_t>(now.tv_usec));
    fs->RenameFile(path, old, io, nullptr).PermitUncheckedError();  // else the LOG is replaced
  }
  std::unique_ptr<rocksdb::FSWritableFile> file;
  s = fs->NewWritableFile(path, rocksdb::FileOptions(), &file, nullptr);
  if (!s.ok()) return Status::IOError("cannot create " + path + ": " + s.ToString());
  return std::shared_ptr<StateLogFile>(new StateLogFile(std::move(file)));
}

StateLogFile::StateLogFile(std::unique_ptr<rocksdb::FSWritableFile> file)
    : file_(std::move(file)) {}

StateLogFile::~StateLogFile() { CloseImpl().PermitUncheckedError(); }

void StateLogFile::Logv(const char* format, va_list ap) {
  // "2024/01/31-12:00:00.123456 1234abcd message", as RocksDB's LOG lines read.
  char line[2048];
  timeval now{};
  gettimeofday(&now, nullptr);
  tm local{};
  const time_t seconds = now.tv_sec;
  localtime_r(&seconds, &local);
  int n = std::snprintf(line, sizeof line, "%04d/%02d/%02d-%02d:%02d:%02d.%06ld %zx ",
                        local.tm_year + 1900, local.tm_mon + 1, local.tm_mday, local.tm_hour,
                        local.tm_min, local.tm_sec, static_cast<long>(now.tv_usec),
                        std::hash<std::thread::id>()(std::this_thread::get_id()) & 0xffffffff);
  if (n < 0) return;
  // Room is kept for the newline; a longer line is cut.
  va_list copy;
  va_copy(copy, ap);
  const int m = std::vsnprintf(line + n, sizeof line - 1 - n, format, copy);
  va_end(copy);
  if (m < 0) return;
  size_t size = std::min(sizeof line - 2, static_cast<size_t>(n) + static_cast<size_t>(m));
  if (line[size - 1] != '\n') line[size++] = '\n';

  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) return;
  const rocksdb::IOOptions io;
  rocksdb::IOStatus s = file_->Append(rocksdb::Slice(line, size), io, nullptr);
  if (s.ok()) s = file_->Flush(io, nullptr);
  if (!s.ok()) {
    // A full disk: no more lines, and the file is let go of (closing it writes nothing).
    failed_ = true;
    file_->Close(io, nullptr).PermitUncheckedError();
    file_.reset();
    return;
  }
  size_ += size;
}

size_t StateLogFile::GetLogFileSize() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return size_;
}

bool StateLogFile::healthy() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return !failed_;
}

rocksdb::Status StateLogFile::CloseImpl() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (!file_) return rocksdb::Status::OK();
  const rocksdb::IOStatus s = file_->Close(rocksdb::IOOptions(), nullptr);
  file_.reset();
  return s.ok() ? rocksdb::Status::OK() : rocksdb::Status::IOError(s.ToString());
}

}  // namespace fugong
