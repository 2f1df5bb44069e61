// RocksDB's info log, the LOG file in the state directory, written so that a failed write cannot
// stop the process. RocksDB's own logger appends through its WritableFileWriter, and Debian's
// librocksdb 7.8 is built with assertions: once one LOG line failed (a full disk), the next line
// aborts the process (AssertFalseAndGetStatusForPrevError), and the next line is the one that
// reports the failed state write. This one writes each line straight to the file system's file
// and, after a failure, writes no more: the LOG is for diagnosis, the state is what matters.
#pragma once

#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <memory>
#include <mutex>
#include <string>

#include "engine/common/status.h"

namespace fugong {

class StateLogFile : public rocksdb::Logger {
 public:
  // Opens dir/LOG through `fs`, keeping an earlier LOG as LOG.old.<microseconds> as RocksDB does.
  static Result<std::shared_ptr<StateLogFile>> Open(rocksdb::FileSystem* fs,
                                                    const std::string& dir);
  ~StateLogFile() override;

  using rocksdb::Logger::Logv;
  void Logv(const char* format, va_list ap) override;
  size_t GetLogFileSize() const override;

  // False once a line could not be written (the rest were dropped).
  bool healthy() const;

 private:
  explicit StateLogFile(std::unique_ptr<rocksdb::FSWritableFile> file);
  rocksdb::Status CloseImpl() override;

  mutable std::mutex mutex_;
  std::unique_ptr<rocksdb::FSWritableFile> file_;  // null once closed or failed
  size_t size_ = 0;
  bool failed_ = false;
};

}  // namespace fugong
