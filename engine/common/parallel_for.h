// Fork-join over a few threads: runs fn(0) .. fn(n - 1) at once, fn(0) on the calling thread,
// and returns when all are done. The work items of the ingest are a few milliseconds each, so
// starting threads per call costs well under 1% and needs no pool to shut down.
#pragma once

#include <algorithm>
#include <thread>
#include <vector>

namespace fugong {

// `requested` threads, or one per core when it is 0 (or less).
inline int ThreadCount(int requested) {
  return requested > 0 ? requested
                       : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
}

template <typename Fn>
void ParallelFor(int n, Fn&& fn) {
  if (n <= 1) {
    if (n == 1) fn(0);
    return;
  }
  std::vector<std::thread> threads;
  threads.reserve(n - 1);
  for (int i = 1; i < n; ++i) threads.emplace_back([&fn, i] { fn(i); });
  fn(0);
  for (std::thread& t : threads) t.join();
}

}  // namespace fugong
