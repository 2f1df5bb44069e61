// A RocksDB file system that runs out of space on purpose: once a given number of bytes has been
// appended (to every file, or only to the files whose names contain a given part, e.g. ".sst" for
// a failure inside a background flush or "MANIFEST"), each further write fails with IOError
// NoSpace, as a write to a full disk fails with ENOSPC. How the tests, and
// `FUGONG_TEST_STATE_WRITE_LIMIT` of the commands, show that a full disk stops the work cleanly
// without root or a small file system.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>

namespace fugong {

struct WriteLimit {
  uint64_t bytes = 0;     // appended before the first failure
  std::string name_part;  // empty: every file counts and fails; else only files named with it
};

class WriteLimitedFileSystem : public rocksdb::FileSystemWrapper {
 public:
  WriteLimitedFileSystem(std::shared_ptr<rocksdb::FileSystem> target, WriteLimit limit);

  static const char* kClassName() { return "WriteLimitedFileSystem"; }
  const char* Name() const override { return kClassName(); }

  rocksdb::IOStatus NewWritableFile(const std::string& fname, const rocksdb::FileOptions& options,
                                    std::unique_ptr<rocksdb::FSWritableFile>* result,
                                    rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReopenWritableFile(const std::string& fname,
                                       const rocksdb::FileOptions& options,
                                       std::unique_ptr<rocksdb::FSWritableFile>* result,
                                       rocksdb::IODebugContext* dbg) override;
  rocksdb::IOStatus ReuseWritableFile(const std::string& fname, const std::string& old_fname,
                                      const rocksdb::FileOptions& options,
                                      std::unique_ptr<rocksdb::FSWritableFile>* result,
                                      rocksdb::IODebugContext* dbg) override;

  // Writes refused so far (a test checks the failure really happened).
  uint64_t refused() const { return refused_.load(); }
  // Bytes appended to the files that count, refused ones included (with no limit: how much a
  // run writes, to choose limits from).
  uint64_t written() const { return written_.load(); }

 private:
  class LimitedFile;
  rocksdb::IOStatus Wrap(const std::string& fname, rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result);

  const WriteLimit limit_;
  std::atomic<uint64_t> written_{0};
  std::atomic<uint64_t> refused_{0};
};

}  // namespace fugong
