// Runs a shell command line (the fugong binary, with environment assignments before it if any)
// and captures what it printed, for tests that check a command's exit status and messages.
#pragma once

#include <sys/wait.h>

#include <cstdio>
#include <string>

namespace fugong::testing {

// The command's exit status (-1 if it did not exit normally); stdout and stderr in `output`.
inline int RunShellCommand(const std::string& command, std::string* output) {
  FILE* pipe = popen((command + " 2>&1").c_str(), "r");
  if (pipe == nullptr) return -1;
  char buf[4096];
  size_t n;
  while ((n = fread(buf, 1, sizeof buf, pipe)) > 0) output->append(buf, n);
  const int status = pclose(pipe);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

}  // namespace fugong::testing
