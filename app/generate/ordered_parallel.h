// Runs numbered tasks on worker threads and consumes their results on the calling thread in task
// order, with a bounded number of results in memory. Output that is written in task order is then
// the same whatever the number of threads.
#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "engine/common/status.h"

namespace fugong::synth {

// Calls produce(i, &result) for i in [0, n) on `threads` workers and consume(i, result) on the
// calling thread in increasing i, holding at most `window` unconsumed results. Stops at the first
// non-OK Status of either and returns it.
template <typename T>
Status RunOrdered(size_t n, int threads, size_t window,
                  const std::function<Status(size_t, T*)>& produce,
                  const std::function<Status(size_t, T&)>& consume) {
  if (window < 1) window = 1;
  struct Slot {
    std::optional<T> value;
    Status status;
    bool ready = false;
  };
  std::vector<Slot> ring(window);
  std::mutex mu;
  std::condition_variable ready_cv, space_cv;
  size_t next_claim = 0;
  size_t next_consume = 0;
  bool stop = false;

  auto worker = [&] {
    while (true) {
      size_t i;
      {
        std::unique_lock<std::mutex> lock(mu);
        space_cv.wait(
            lock, [&] { return stop || next_claim >= n || next_claim < next_consume + window; });
        if (stop || next_claim >= n) return;
        i = next_claim++;
      }
      T value;
      Status status = produce(i, &value);
      {
        std::lock_guard<std::mutex> lock(mu);
        Slot& slot = ring[i % window];
        slot.value.emplace(std::move(value));
        slot.status = std::move(status);
        slot.ready = true;
      }
      ready_cv.notify_all();
    }
  };

  std::vector<std::thread> pool;
  for (int t = 0; t < std::max(1, threads); ++t) pool.emplace_back(worker);
  Status result;
  for (size_t i = 0; i < n && result.ok(); ++i) {
    T value;
    {
      std::unique_lock<std::mutex> lock(mu);
      Slot& slot = ring[i % window];
      ready_cv.wait(lock, [&] { return slot.ready; });
      result = std::move(slot.status);
      value = std::move(*slot.value);
      slot.value.reset();
      slot.ready = false;
      next_consume = i + 1;
    }
    space_cv.notify_all();
    if (result.ok()) result = consume(i, value);
  }
  {
    std::lock_guard<std::mutex> lock(mu);
    stop = true;
  }
  space_cv.notify_all();
  for (std::thread& t : pool) t.join();
  return result;
}

}  // namespace fugong::synth
