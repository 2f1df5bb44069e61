#include "engine/common/worker_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace fugong {
namespace {

TEST(WorkerPoolTest, RunsEveryTaskOnceInEveryStep) {
  WorkerPool pool(3);
  EXPECT_EQ(pool.threads(), 3);
  for (int tasks : {0, 1, 2, 3, 7, 64, 1000}) {
    std::vector<std::atomic<int>> runs(tasks);
    pool.Run(tasks, [&](int i) { runs[i].fetch_add(1); });
    for (int i = 0; i < tasks; ++i) EXPECT_EQ(runs[i].load(), 1) << tasks << " tasks, task " << i;
  }
}

TEST(WorkerPoolTest, ReturnsOnlyWhenTheSlowestTaskIsDone) {
  WorkerPool pool(2);
  for (int step = 0; step < 200; ++step) {
    std::atomic<int> finished{0};
    pool.Run(4, [&](int i) {
      if (i == 3) std::this_thread::sleep_for(std::chrono::microseconds(200));
      finished.fetch_add(1);
    });
    ASSERT_EQ(finished.load(), 4) << "step " << step;
  }
}

// Two tasks that each wait for the other to start can only finish if a second thread runs one.
TEST(WorkerPoolTest, RunsTasksAtTheSameTimeOnItsThreads) {
  WorkerPool pool(2);
  std::mutex mu;
  std::condition_variable cv;
  int started = 0;
  bool both = true;
  pool.Run(2, [&](int) {
    std::unique_lock<std::mutex> lock(mu);
    ++started;
    cv.notify_all();
    if (!cv.wait_for(lock, std::chrono::seconds(30), [&] { return started == 2; })) both = false;
  });
  EXPECT_TRUE(both) << "the second task did not start while the first was running";
}

TEST(WorkerPoolTest, OneThreadRunsTasksInOrderOnTheCaller) {
  WorkerPool pool(1);
  EXPECT_EQ(pool.threads(), 1);
  std::vector<int> order;
  const std::thread::id caller = std::this_thread::get_id();
  bool on_caller = true;
  pool.Run(5, [&](int i) {
    order.push_back(i);
    on_caller = on_caller && std::this_thread::get_id() == caller;
  });
  EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
  EXPECT_TRUE(on_caller);
}

}  // namespace
}  // namespace fugong
