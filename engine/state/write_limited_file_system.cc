#include "engine/state/write_limited_file_system.h"

#include <cerrno>
#include <cstring>

namespace fugong {

// A writable file whose appends draw on the file system's shared allowance. Like a write(2) on a
// full disk, the append that crosses the limit writes what still fits and then fails.
class WriteLimitedFileSystem::LimitedFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  LimitedFile(std::unique_ptr<rocksdb::FSWritableFile> target, WriteLimitedFileSystem* fs,
              std::string fname)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), fname_(std::move(fname)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    const size_t fits = Take(data.size());
    if (fits == data.size()) return target()->Append(data, options, dbg);
    if (fits > 0)
      target()->Append(rocksdb::Slice(data.data(), fits), options, dbg).PermitUncheckedError();
    return NoSpace();
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*verification_info*/,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    const size_t fits = Take(data.size());
    if (fits == data.size()) return target()->PositionedAppend(data, offset, options, dbg);
    if (fits > 0) {
      target()
          ->PositionedAppend(rocksdb::Slice(data.data(), fits), offset, options, dbg)
          .PermitUncheckedError();
    }
    return NoSpace();
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& /*verification_info*/,
                                     rocksdb::IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }

 private:
  // How many of `size` bytes still fit under the limit (all of them for a file that does not
  // count).
  size_t Take(size_t size) {
    if (!fs_->limit_.name_part.empty() && fname_.find(fs_->limit_.name_part) == std::string::npos)
      return size;
    const uint64_t before = fs_->written_.fetch_add(size);
    if (before + size <= fs_->limit_.bytes) return size;
    ++fs_->refused_;
    return before >= fs_->limit_.bytes ? 0 : static_cast<size_t>(fs_->limit_.bytes - before);
  }
  // What the POSIX file system of RocksDB returns for ENOSPC.
  rocksdb::IOStatus NoSpace() const {
    return rocksdb::IOStatus::NoSpace("While appending to file: " + fname_, std::strerror(ENOSPC));
  }

  WriteLimitedFileSystem* fs_;
  const std::string fname_;
};

WriteLimitedFileSystem::WriteLimitedFileSystem(std::shared_ptr<rocksdb::FileSystem> target,
                                               WriteLimit limit)
    : FileSystemWrapper(std::move(target)), limit_(std::move(limit)) {}

rocksdb::IOStatus WriteLimitedFileSystem::Wrap(const std::string& fname, rocksdb::IOStatus opened,
                                               std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (opened.ok()) *result = std::make_unique<LimitedFile>(std::move(*result), this, fname);
  return opened;
}

rocksdb::IOStatus WriteLimitedFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->NewWritableFile(fname, options, result, dbg), result);
}

rocksdb::IOStatus WriteLimitedFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->ReopenWritableFile(fname, options, result, dbg), result);
}

rocksdb::IOStatus WriteLimitedFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->ReuseWritableFile(fname, old_fname, options, result, dbg), result);
}

}  // namespace fugong
