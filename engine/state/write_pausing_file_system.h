// A RocksDB file system that stops a write half-way on purpose: the append that takes the bytes
// appended past a given number (to every file, or only to the files whose names contain a given
// part, e.g. ".log" for the write-ahead log) writes the bytes before that point, calls
// `on_pause`, and then never returns (or, with `resume`, appends the rest once on_pause returns).
// How `FUGONG_TEST_STATE_WRITE_PAUSE` lets a test kill a command while a state write is in
// flight, at a point it knows, without sleeping; and how a test holds a write in flight.
#pragma once

#include <rocksdb/file_system.h>

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>

namespace fugong {

struct WritePause {
  uint64_t bytes = 0;              // appended before the pause
  std::string name_part;           // empty: every file counts; else only files named with it
  std::function<void()> on_pause;  // called once, on the writing thread, as it pauses
  // false: the write never returns (until the process is killed). true: once on_pause returns,
  // the rest is appended and the write goes on, so a test in the same process holds a write as
  // long as its on_pause blocks (a slow write, without sleeping).
  bool resume = false;
};

class WritePausingFileSystem : public rocksdb::FileSystemWrapper {
 public:
  WritePausingFileSystem(std::shared_ptr<rocksdb::FileSystem> target, WritePause pause);

  static const char* kClassName() { return "WritePausingFileSystem"; }
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

 private:
  class PausingFile;
  rocksdb::IOStatus Wrap(const std::string& fname, rocksdb::IOStatus opened,
                         std::unique_ptr<rocksdb::FSWritableFile>* result);

  const WritePause pause_;
  std::atomic<uint64_t> written_{0};
};

}  // namespace fugong
