// A field of /proc/<pid>/status in KiB (VmRSS, VmHWM, ...), for the benchmarks' memory figures.
#pragma once

#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <string>
#include <string_view>

namespace fugong {

// `pid` is a number or "self"; 0 when the file or the field cannot be read.
inline int64_t ProcStatusKib(const std::string& pid, std::string_view field) {
  std::ifstream in("/proc/" + pid + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.size() > field.size() && line.compare(0, field.size(), field) == 0 &&
        line[field.size()] == ':') {
      return std::atoll(line.c_str() + field.size() + 1);
    }
  }
  return 0;
}

}  // namespace fugong
