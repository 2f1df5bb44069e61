#pragma once

namespace fugong {

// `fugong backfill`: readings files through the whole dataflow into index and dead-letter JSONL.
int RunBackfillCommand(int argc, char** argv);

}  // namespace fugong
