// The fugong binary as a child process: started with arguments, its first stdout line read (the
// bootstrap address of `broker` and `serve --embedded`), stopped with a signal or awaited.
#pragma once

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <string>
#include <vector>

namespace fugong::testing {

class ChildProcess {
 public:
  // Starts `args` (args[0] the program). stdout goes to a pipe (read with FirstLine) or to
  // `stdout_path`; stderr to `stderr_path` (or /dev/null).
  ChildProcess(std::vector<std::string> args, const std::string& stderr_path = "/dev/null",
               const std::string& stdout_path = "") {
    int out[2] = {-1, -1};
    if (stdout_path.empty() && pipe(out) != 0) return;
    pid_ = fork();
    if (pid_ == 0) {
      prctl(PR_SET_PDEATHSIG, SIGKILL);  // never outlive a test that failed or was killed
      if (stdout_path.empty()) {
        dup2(out[1], STDOUT_FILENO);
        close(out[0]);
        close(out[1]);
      } else {
        const int fd = open(stdout_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        dup2(fd, STDOUT_FILENO);
      }
      const int err = open(stderr_path.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
      dup2(err, STDERR_FILENO);
      // The test process may host an embedded cluster: a child must not inherit its sockets,
      // or a connection the cluster closes stays open in the child and clients hang on it.
      for (int fd = 3; fd < 4096; ++fd) close(fd);
      std::vector<char*> argv;
      for (std::string& a : args) argv.push_back(a.data());
      argv.push_back(nullptr);
      execv(argv[0], argv.data());
      _exit(127);
    }
    if (stdout_path.empty()) {
      close(out[1]);
      stdout_ = out[0];
    }
  }
  ~ChildProcess() {
    if (running()) {
      kill(pid_, SIGKILL);
      Wait();
    }
    if (stdout_ >= 0) close(stdout_);
  }
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  bool running() const { return pid_ > 0 && !exited_; }

  // The first line of stdout (without '\n'); empty if none came within `timeout`.
  std::string FirstLine(std::chrono::seconds timeout = std::chrono::seconds(20)) {
    std::string text;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (text.find('\n') == std::string::npos && std::chrono::steady_clock::now() < deadline) {
      pollfd p{stdout_, POLLIN, 0};
      if (poll(&p, 1, 100) <= 0) continue;
      char c[256];
      const ssize_t n = read(stdout_, c, sizeof c);
      if (n <= 0) break;
      text.append(c, n);
    }
    const size_t nl = text.find('\n');
    return nl == std::string::npos ? "" : text.substr(0, nl);
  }

  // Whether it has exited (without waiting).
  bool Exited() {
    if (exited_) return true;
    int status;
    if (waitpid(pid_, &status, WNOHANG) == pid_) Record(status);
    return exited_;
  }
  // Waits up to `timeout`; returns the exit code (128 + signal for a signal), -1 on timeout.
  int Wait(std::chrono::seconds timeout = std::chrono::seconds(600)) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (!Exited()) {
      if (std::chrono::steady_clock::now() > deadline) return -1;
      usleep(20000);
    }
    return code_;
  }
  void Signal(int signal_number) {
    if (running()) kill(pid_, signal_number);
  }

 private:
  void Record(int status) {
    exited_ = true;
    code_ = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  }
  pid_t pid_ = -1;
  int stdout_ = -1;
  bool exited_ = false;
  int code_ = -1;
};

}  // namespace fugong::testing
