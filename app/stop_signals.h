// SIGINT and SIGTERM for the long-running commands (broker, serve): blocked in every thread
// before any other starts (librdkafka's and RocksDB's inherit the mask), so they stay pending for
// one sigwait instead of killing the process in the middle of a write.
#pragma once

#include <pthread.h>
#include <signal.h>

namespace fugong {

// Blocks SIGINT and SIGTERM in the calling thread and returns the set, for sigwait.
inline sigset_t BlockStopSignals() {
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);
  return stop_signals;
}

}  // namespace fugong
