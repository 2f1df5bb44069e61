#include "engine/state/write_pausing_file_system.h"

#include <chrono>
#include <thread>

namespace fugong {

class WritePausingFileSystem::PausingFile : public rocksdb::FSWritableFileOwnerWrapper {
 public:
  PausingFile(std::unique_ptr<rocksdb::FSWritableFile> target, WritePausingFileSystem* fs,
              std::string fname)
      : FSWritableFileOwnerWrapper(std::move(target)), fs_(fs), fname_(std::move(fname)) {}

  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           rocksdb::IODebugContext* dbg) override {
    const size_t before_pause = Take(data.size());
    if (before_pause == data.size()) return target()->Append(data, options, dbg);
    target()
        ->Append(rocksdb::Slice(data.data(), before_pause), options, dbg)
        .PermitUncheckedError();
    target()->Flush(options, dbg).PermitUncheckedError();
    Pause();
    return target()->Append(rocksdb::Slice(data.data() + before_pause, data.size() - before_pause),
                            options, dbg);
  }
  rocksdb::IOStatus Append(const rocksdb::Slice& data, const rocksdb::IOOptions& options,
                           const rocksdb::DataVerificationInfo& /*verification_info*/,
                           rocksdb::IODebugContext* dbg) override {
    return Append(data, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     rocksdb::IODebugContext* dbg) override {
    const size_t before_pause = Take(data.size());
    if (before_pause == data.size()) return target()->PositionedAppend(data, offset, options, dbg);
    target()
        ->PositionedAppend(rocksdb::Slice(data.data(), before_pause), offset, options, dbg)
        .PermitUncheckedError();
    target()->Flush(options, dbg).PermitUncheckedError();
    Pause();
    return target()->PositionedAppend(
        rocksdb::Slice(data.data() + before_pause, data.size() - before_pause),
        offset + before_pause, options, dbg);
  }
  rocksdb::IOStatus PositionedAppend(const rocksdb::Slice& data, uint64_t offset,
                                     const rocksdb::IOOptions& options,
                                     const rocksdb::DataVerificationInfo& /*verification_info*/,
                                     rocksdb::IODebugContext* dbg) override {
    return PositionedAppend(data, offset, options, dbg);
  }

 private:
  // How many of `size` bytes come before the pause (all of them once it has happened, or for a
  // file that does not count: only one write pauses).
  size_t Take(size_t size) {
    const WritePause& pause = fs_->pause_;
    if (!pause.name_part.empty() && fname_.find(pause.name_part) == std::string::npos) return size;
    const uint64_t before = fs_->written_.fetch_add(size);
    if (before >= pause.bytes || before + size <= pause.bytes) return size;
    return static_cast<size_t>(pause.bytes - before);
  }
  // Returns only with `resume`.
  void Pause() const {
    if (fs_->pause_.on_pause) fs_->pause_.on_pause();
    if (fs_->pause_.resume) return;
    // Until the process is killed, which is what the pause is for.
    while (true) std::this_thread::sleep_for(std::chrono::hours(1));
  }

  WritePausingFileSystem* fs_;
  const std::string fname_;
};

WritePausingFileSystem::WritePausingFileSystem(std::shared_ptr<rocksdb::FileSystem> target,
                                               WritePause pause)
    : FileSystemWrapper(std::move(target)), pause_(std::move(pause)) {}

rocksdb::IOStatus WritePausingFileSystem::Wrap(const std::string& fname, rocksdb::IOStatus opened,
                                               std::unique_ptr<rocksdb::FSWritableFile>* result) {
  if (opened.ok()) *result = std::make_unique<PausingFile>(std::move(*result), this, fname);
  return opened;
}

rocksdb::IOStatus WritePausingFileSystem::NewWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->NewWritableFile(fname, options, result, dbg), result);
}

rocksdb::IOStatus WritePausingFileSystem::ReopenWritableFile(
    const std::string& fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->ReopenWritableFile(fname, options, result, dbg), result);
}

rocksdb::IOStatus WritePausingFileSystem::ReuseWritableFile(
    const std::string& fname, const std::string& old_fname, const rocksdb::FileOptions& options,
    std::unique_ptr<rocksdb::FSWritableFile>* result, rocksdb::IODebugContext* dbg) {
  return Wrap(fname, target()->ReuseWritableFile(fname, old_fname, options, result, dbg), result);
}

}  // namespace fugong
