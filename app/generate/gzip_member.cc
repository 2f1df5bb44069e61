#include "app/generate/gzip_member.h"

#include <zlib.h>

#include <algorithm>

namespace fugong::synth {

Result<ByteBuffer> GzipMember(std::string_view data, int level) {
  z_stream z{};
  // 15 window bits + 16: a gzip wrapper instead of a zlib one.
  if (deflateInit2(&z, level, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    return Status::IOError("deflateInit2 failed");
  }
  ByteBuffer out;
  size_t in_pos = 0;
  int rc = Z_OK;
  while (rc != Z_STREAM_END) {
    // zlib counts in 32-bit units: feed at most 1 GiB at a time.
    const size_t in_len = std::min<size_t>(data.size() - in_pos, size_t{1} << 30);
    z.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data() + in_pos));
    z.avail_in = static_cast<uInt>(in_len);
    const bool last = in_pos + in_len == data.size();
    const size_t room = deflateBound(&z, static_cast<uLong>(in_len)) + 64;
    out.Reserve(room);
    z.next_out = reinterpret_cast<Bytef*>(out.end());
    z.avail_out = static_cast<uInt>(room);
    rc = deflate(&z, last ? Z_FINISH : Z_NO_FLUSH);
    if (rc == Z_STREAM_ERROR) {
      deflateEnd(&z);
      return Status::IOError("deflate failed");
    }
    out.SetEnd(reinterpret_cast<char*>(z.next_out));
    in_pos += in_len - z.avail_in;
  }
  deflateEnd(&z);
  return out;
}

}  // namespace fugong::synth
