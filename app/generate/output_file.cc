#include "app/generate/output_file.h"

#include <cerrno>
#include <cstring>
#include <utility>

namespace fugong::synth {

OutputFile& OutputFile::operator=(OutputFile&& other) noexcept {
  if (this != &other) {
    if (file_ != nullptr) std::fclose(file_);
    file_ = std::exchange(other.file_, nullptr);
    path_ = std::move(other.path_);
  }
  return *this;
}

OutputFile::~OutputFile() {
  if (file_ != nullptr) std::fclose(file_);
}

Status OutputFile::Open(const std::string& path) {
  if (file_ != nullptr) FUGONG_RETURN_IF_ERROR(Close());
  path_ = path;
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr)
    return Status::IOError("cannot create " + path + ": " + std::strerror(errno));
  // The writes are already large; the stdio buffer only has to absorb the small ones.
  std::setvbuf(file_, nullptr, _IOFBF, 1 << 20);
  return Status::OK();
}

Status OutputFile::Write(std::string_view bytes) {
  if (bytes.empty()) return Status::OK();
  if (std::fwrite(bytes.data(), 1, bytes.size(), file_) != bytes.size()) {
    return Status::IOError("cannot write " + path_ + ": " + std::strerror(errno));
  }
  return Status::OK();
}

Status OutputFile::Close() {
  if (file_ == nullptr) return Status::OK();
  const int rc = std::fclose(file_);
  file_ = nullptr;
  if (rc != 0) return Status::IOError("cannot close " + path_ + ": " + std::strerror(errno));
  return Status::OK();
}

Status WriteFile(const std::string& path, std::string_view bytes) {
  OutputFile file;
  FUGONG_RETURN_IF_ERROR(file.Open(path));
  FUGONG_RETURN_IF_ERROR(file.Write(bytes));
  return file.Close();
}

}  // namespace fugong::synth
