// Index records written to two sinks at once, record by record: `backfill --publish` writes its
// output file and produces to the index topic in one pass, so nothing is held back in memory
// and both receive the same keys and the same bytes.
#pragma once

#include "engine/job/sinks.h"

namespace fugong {

class TeeIndexSink final : public IndexSink {
 public:
  // Neither sink is owned.
  TeeIndexSink(IndexSink* first, IndexSink* second) : first_(first), second_(second) {}

  Status Write(std::string_view key, std::string_view value) override;
  // Closes the first, then the second, even if the first failed; returns the first error. With
  // a file first, the file is complete whatever became of the second.
  Status Close() override;

 private:
  IndexSink* first_;
  IndexSink* second_;
};

}  // namespace fugong
