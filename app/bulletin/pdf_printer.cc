#include "app/bulletin/pdf_printer.h"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <thread>
#include <vector>

extern char** environ;

namespace fugong {

namespace {

namespace fs = std::filesystem;

// The last lines of Chromium's output, for an error message.
std::string Tail(const fs::path& log, size_t lines) {
  std::ifstream in(log);
  std::vector<std::string> all;
  for (std::string line; std::getline(in, line);) all.push_back(line);
  std::string out;
  for (size_t i = all.size() > lines ? all.size() - lines : 0; i < all.size(); ++i) {
    out += "\n  " + all[i];
  }
  return out;
}

bool StartsWithPdfMagic(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  char magic[5] = {};
  in.read(magic, sizeof magic);
  return in.gcount() == 5 && std::string(magic, 5) == "%PDF-";
}

// A fresh profile directory: Chromium must not share one with a browser the user runs.
Result<fs::path> MakeProfile() {
  std::string pattern = (fs::temp_directory_path() / "fugong-print-XXXXXX").string();
  if (mkdtemp(pattern.data()) == nullptr) {
    return Status::IOError("cannot make a temporary directory for Chromium");
  }
  return fs::path(pattern);
}

}  // namespace

std::string FileUrlOf(const std::string& absolute_path) {
  // RFC 3986: a path keeps its unreserved characters and '/'; everything else, '#', '%', '?',
  // spaces and each byte of a UTF-8 name among them, is percent-encoded.
  static constexpr char kHex[] = "0123456789ABCDEF";
  std::string url = "file://";
  for (const unsigned char c : absolute_path) {
    const bool keep = (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
                      c == '-' || c == '.' || c == '_' || c == '~' || c == '/';
    if (keep) {
      url += static_cast<char>(c);
    } else {
      url += '%';
      url += kHex[c >> 4];
      url += kHex[c & 0xf];
    }
  }
  return url;
}

std::string DefaultChromium() {
  const char* env = std::getenv("FUGONG_CHROMIUM");
  return env != nullptr && *env != '\0' ? env : "/usr/bin/chromium";
}

Status PrintHtmlToPdf(const std::string& html_path, const std::string& pdf_path,
                      const PdfPrintOptions& options) {
  const std::string chromium = options.chromium.empty() ? DefaultChromium() : options.chromium;
  if (access(chromium.c_str(), X_OK) != 0) {
    return Status::IOError("cannot print to PDF: " + chromium +
                           " is not installed (Debian's package chromium; ./scripts/setup.sh "
                           "installs it), or pass --chromium PATH");
  }
  std::error_code ec;
  const fs::path html = fs::absolute(html_path, ec);
  const fs::path pdf = fs::absolute(pdf_path, ec);
  Result<fs::path> profile = MakeProfile();
  if (!profile.ok()) return profile.status();
  const fs::path log = *profile / "chromium.log";
  fs::remove(pdf, ec);

  // --no-sandbox: the page is our own, without scripts, and the sandbox cannot start as root or
  // in most containers, where a grid company's batch jobs run.
  std::vector<std::string> args = {chromium,
                                   "--headless",
                                   "--no-sandbox",
                                   "--disable-gpu",
                                   "--disable-dev-shm-usage",
                                   "--no-first-run",
                                   "--no-default-browser-check",
                                   "--disable-extensions",
                                   "--disable-background-networking",
                                   "--disable-sync",
                                   "--mute-audio",
                                   "--user-data-dir=" + profile->string(),
                                   "--no-pdf-header-footer",
                                   "--print-to-pdf=" + pdf.string(),
                                   FileUrlOf(html.string())};
  std::vector<char*> argv;
  for (std::string& a : args) argv.push_back(a.data());
  argv.push_back(nullptr);

  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDOUT_FILENO, log.c_str(),
                                   O_WRONLY | O_CREAT | O_TRUNC, 0644);
  posix_spawn_file_actions_adddup2(&actions, STDOUT_FILENO, STDERR_FILENO);
  // Its own process group, so that a print that hangs is stopped with all its helpers.
  posix_spawnattr_t attributes;
  posix_spawnattr_init(&attributes);
  posix_spawnattr_setflags(&attributes, POSIX_SPAWN_SETPGROUP);
  posix_spawnattr_setpgroup(&attributes, 0);
  pid_t pid = 0;
  const int spawned =
      posix_spawn(&pid, chromium.c_str(), &actions, &attributes, argv.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  posix_spawnattr_destroy(&attributes);
  if (spawned != 0) {
    fs::remove_all(*profile, ec);
    return Status::IOError("cannot start " + chromium + ": " + std::strerror(spawned));
  }

  const auto deadline = std::chrono::steady_clock::now() + options.timeout;
  int status = 0;
  bool timed_out = false;
  while (true) {
    const pid_t done = waitpid(pid, &status, WNOHANG);
    if (done == pid || (done < 0 && errno != EINTR)) break;
    if (std::chrono::steady_clock::now() > deadline) {
      kill(-pid, SIGKILL);
      waitpid(pid, &status, 0);
      timed_out = true;
      break;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  // Helpers that outlived the browser (they should not) go with it.
  kill(-pid, SIGKILL);

  Status result = Status::OK();
  if (timed_out) {
    result = Status::IOError("Chromium did not print " + html.string() + " within " +
                             std::to_string(options.timeout.count()) + " s" + Tail(log, 5));
  } else if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
    result = Status::IOError("Chromium failed to print " + html.string() + " (status " +
                             std::to_string(WIFEXITED(status) ? WEXITSTATUS(status) : -1) + ")" +
                             Tail(log, 5));
  } else if (!StartsWithPdfMagic(pdf.string())) {
    result = Status::IOError("Chromium wrote no PDF to " + pdf.string() + Tail(log, 5));
  }
  fs::remove_all(*profile, ec);
  return result;
}

}  // namespace fugong
