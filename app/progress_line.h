// A progress line on a terminal: records, rate and ETA, redrawn in place at most 5 times a
// second. Prints nothing when stderr is not a terminal (logs and CI stay clean).
#pragma once

#include <chrono>
#include <string>

#include "engine/job/sinks.h"

namespace fugong {

class ProgressLine final : public ProgressListener {
 public:
  // `enabled` defaults to whether stderr is a terminal.
  ProgressLine();
  explicit ProgressLine(bool enabled) : enabled_(enabled) {}

  void OnProgress(std::string_view phase, uint64_t records, uint64_t done, uint64_t total) override;
  void OnPhaseDone(std::string_view phase) override;

  // "1.23 M", "456 k", "789".
  static std::string Human(double value);
  // "1:02:03" or "2:03".
  static std::string Duration(double seconds);

 private:
  bool enabled_;
  bool drawn_ = false;
  std::string phase_;
  std::chrono::steady_clock::time_point phase_start_;
  std::chrono::steady_clock::time_point last_draw_;
  uint64_t first_done_ = 0;
};

}  // namespace fugong
