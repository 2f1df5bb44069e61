#include "engine/job/tee_index_sink.h"

namespace fugong {

Status TeeIndexSink::Write(std::string_view key, std::string_view value) {
  FUGONG_RETURN_IF_ERROR(first_->Write(key, value));
  return second_->Write(key, value);
}

Status TeeIndexSink::Close() {
  const Status first = first_->Close();
  const Status second = second_->Close();
  return first.ok() ? second : first;
}

}  // namespace fugong
