#include "app/progress_line.h"

#include <unistd.h>

#include <cstdio>

namespace fugong {

ProgressLine::ProgressLine() : enabled_(isatty(STDERR_FILENO) != 0) {}

std::string ProgressLine::Human(double v) {
  char buf[32];
  if (v >= 1e9) {
    std::snprintf(buf, sizeof buf, "%.2f G", v / 1e9);
  } else if (v >= 1e6) {
    std::snprintf(buf, sizeof buf, "%.2f M", v / 1e6);
  } else if (v >= 1e4) {
    std::snprintf(buf, sizeof buf, "%.0f k", v / 1e3);
  } else {
    std::snprintf(buf, sizeof buf, "%.0f", v);
  }
  return buf;
}

std::string ProgressLine::Duration(double seconds) {
  const long s = seconds < 0 ? 0 : static_cast<long>(seconds + 0.5);
  char buf[32];
  if (s >= 3600) {
    std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  } else {
    std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  }
  return buf;
}

void ProgressLine::OnProgress(std::string_view phase, uint64_t records, uint64_t done,
                              uint64_t total) {
  if (!enabled_) return;
  const auto now = std::chrono::steady_clock::now();
  if (phase != phase_) {
    phase_ = std::string(phase);
    phase_start_ = now;
    first_done_ = done;
    last_draw_ = {};
  }
  if (now - last_draw_ < std::chrono::milliseconds(200)) return;
  last_draw_ = now;
  const double elapsed = std::chrono::duration<double>(now - phase_start_).count();
  const double rate = elapsed > 0 ? records / elapsed : 0;
  std::string eta = "--:--";
  double percent = 0;
  if (total > 0) {
    percent = 100.0 * done / total;
    const double work_rate = elapsed > 0 ? (done - first_done_) / elapsed : 0;
    if (work_rate > 0) eta = Duration((total - done) / work_rate);
  }
  std::fprintf(stderr, "\r\033[K[%s] %s records  %s/s  %5.1f%%  ETA %s", phase_.c_str(),
               Human(static_cast<double>(records)).c_str(), Human(rate).c_str(), percent,
               eta.c_str());
  std::fflush(stderr);
  drawn_ = true;
}

void ProgressLine::OnPhaseDone(std::string_view phase) {
  if (!enabled_ || !drawn_) return;
  std::fprintf(stderr, "\r\033[K");
  std::fflush(stderr);
  drawn_ = false;
  phase_.clear();
}

}  // namespace fugong
