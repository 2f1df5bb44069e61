// One self-contained gzip member. A gzip file may be a concatenation of members (RFC 1952), and
// zlib's gzread and `gzip -d` read them as one stream, so chunks can be compressed on worker
// threads and written one after another.
#pragma once

#include <string_view>

#include "app/generate/byte_buffer.h"
#include "engine/common/status.h"

namespace fugong::synth {

// Compresses `data` at zlib `level` with an empty gzip header (no name, mtime 0), so the bytes
// depend only on the input.
Result<ByteBuffer> GzipMember(std::string_view data, int level);

}  // namespace fugong::synth
