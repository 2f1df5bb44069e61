// Command lines of the `fugong` binary (FUGONG_BINARY) as the tests that run the streaming
// service start it.
#pragma once

#include <string>
#include <vector>

namespace fugong::testing {

// `fugong produce` of `files` of `kind` into `topic` of the cluster at `bootstrap`. Readings are
// paced on the service's lag (group "fugong"), so the mock broker never drops what the service
// has not read yet.
inline std::vector<std::string> ProduceCommand(const std::string& bootstrap,
                                               const std::string& topic, const std::string& kind,
                                               const std::vector<std::string>& files) {
  std::vector<std::string> args = {FUGONG_BINARY, "produce", "--bootstrap", bootstrap,
                                   "--topic",     topic,     "--kind",      kind};
  if (kind == "readings") {
    for (const char* a : {"--max-lag", "60000", "--group", "fugong"}) args.push_back(a);
  }
  args.insert(args.end(), files.begin(), files.end());
  return args;
}

// `fugong serve` with `config` and its state in `state_dir`, against the cluster at `bootstrap`;
// then the `extra` arguments.
inline std::vector<std::string> ServeCommand(const std::string& config,
                                             const std::string& state_dir,
                                             const std::string& bootstrap,
                                             const std::vector<std::string>& extra) {
  std::vector<std::string> args = {
      FUGONG_BINARY, "serve",   "--config", config,
      "--state",     state_dir, "--set",    "kafka.bootstrap.servers=" + bootstrap};
  args.insert(args.end(), extra.begin(), extra.end());
  return args;
}

}  // namespace fugong::testing
