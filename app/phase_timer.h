// Times the phases of a run (ingest, compute, the rest) while passing progress on to a
// ProgressLine, so the summary can say where the time went.
#pragma once

#include <chrono>
#include <string>
#include <utility>
#include <vector>

#include "engine/job/sinks.h"

namespace fugong {

class PhaseTimer final : public ProgressListener {
 public:
  explicit PhaseTimer(ProgressListener* next) : next_(next), start_(Clock::now()) {}

  void OnProgress(std::string_view phase, uint64_t records, uint64_t done,
                  uint64_t total) override {
    if (next_) next_->OnProgress(phase, records, done, total);
  }
  void OnPhaseDone(std::string_view phase) override {
    const auto now = Clock::now();
    phases_.emplace_back(std::string(phase), std::chrono::duration<double>(now - start_).count());
    start_ = now;
    if (next_) next_->OnPhaseDone(phase);
  }
  // "ingest 55.1 s, compute 10.2 s, publish 0.3 s": the phases done, and the time since the last.
  std::string Report() const {
    std::string out;
    char buf[64];
    for (const auto& [name, seconds] : phases_) {
      std::snprintf(buf, sizeof buf, "%s%s %.1f s", out.empty() ? "" : ", ", name.c_str(), seconds);
      out += buf;
    }
    std::snprintf(buf, sizeof buf, "%spublish %.1f s", out.empty() ? "" : ", ",
                  std::chrono::duration<double>(Clock::now() - start_).count());
    return out + buf;
  }

 private:
  using Clock = std::chrono::steady_clock;
  ProgressListener* next_;
  Clock::time_point start_;
  std::vector<std::pair<std::string, double>> phases_;
};

}  // namespace fugong
