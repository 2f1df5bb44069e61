#include "connectors/file/jsonl_file_sink.h"

#include <cerrno>
#include <cstring>
#include <memory>

namespace fugong {

Result<std::unique_ptr<JsonlFileSink>> JsonlFileSink::Create(const std::string& path) {
  std::unique_ptr<JsonlFileSink> sink(new JsonlFileSink());
  sink->path_ = path;
  sink->file_ = std::fopen((path + ".tmp").c_str(), "wb");
  if (!sink->file_) {
    return Status::IOError("cannot write " + path + ".tmp: " + std::strerror(errno));
  }
  std::setvbuf(sink->file_, nullptr, _IOFBF, 1 << 20);
  return sink;
}

JsonlFileSink::~JsonlFileSink() {
  // Not closed: the run failed, and half a file is not left behind (not even as .tmp).
  if (file_) {
    std::fclose(file_);
    std::remove((path_ + ".tmp").c_str());
  }
}

Status JsonlFileSink::Write(std::string_view key, std::string_view value) { return Write(value); }

Status JsonlFileSink::Write(std::string_view json) {
  if (std::fwrite(json.data(), 1, json.size(), file_) != json.size() ||
      std::fputc('\n', file_) == EOF) {
    return Status::IOError("write to " + path_ + " failed");
  }
  ++lines_;
  return Status::OK();
}

Status JsonlFileSink::Close() {
  if (!file_) return Status::OK();
  const bool ok = std::fclose(file_) == 0;
  file_ = nullptr;
  if (!ok) return Status::IOError("closing " + path_ + " failed");
  if (std::rename((path_ + ".tmp").c_str(), path_.c_str()) != 0) {
    return Status::IOError("cannot rename to " + path_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

}  // namespace fugong
