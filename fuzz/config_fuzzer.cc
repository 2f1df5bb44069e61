// Fuzzes the run configuration: the YAML file (app/run_config.cc) and the engine's keys under it
// (engine/config/engine_config.cc, which also reads `timezone:` through TimeZone::Parse). The
// input up to the first NUL byte is the config file; each further NUL-separated part is one
// `--set key=value` override. The file is written to a private scratch directory, so relative
// table paths (`region_table: regions.csv`) resolve inside it.
//
// Oracle: no crash, leak, UB or uncaught exception (yaml-cpp throws; every throw must become a
// Status), and an accepted config passes its own validation and has its tables loaded.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>
#include <string_view>
#include <vector>

#include "app/run_config.h"
#include "fuzz/fuzz_input.h"

namespace fugong {
namespace {

void Require(bool condition) {
  if (!condition) std::abort();
}

const std::string& ScratchConfigPath() {
  static const std::string* path = [] {
    const std::filesystem::path dir =
        std::filesystem::temp_directory_path() / ("fugong-config-fuzz-" + std::to_string(getpid()));
    std::filesystem::create_directories(dir);
    // Tables the fuzzer can name without knowing a path: a valid one and a broken one.
    std::ofstream(dir / "regions.csv") << "code,name,parent\nP,P,\nC,C,P\nK,K,C\n";
    std::ofstream(dir / "calendar.csv") << "date,type\n2020-05-01,holiday\n2020-05-09,workday\n";
    std::ofstream(dir / "bad.csv") << "code,name\n\"x\n";
    std::atexit([] {
      std::error_code ignored;
      std::filesystem::remove_all(std::filesystem::path(*path).parent_path(), ignored);
    });
    return new std::string((dir / "fugong.yaml").string());
  }();
  return *path;
}

}  // namespace
}  // namespace fugong

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  // A config names files the operator chose; a device or kernel file (/dev/zero, /proc/kmsg)
  // would only make the fuzzer wait on a read that never ends, so such inputs are not run.
  for (std::string_view special : {"/dev", "/proc", "/sys"}) {
    if (input.find(special) != std::string_view::npos) return 0;
  }
  const std::vector<std::string_view> parts = fugong::fuzz::SplitAll(input, '\0');
  const std::string& path = fugong::ScratchConfigPath();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(parts[0].data(), static_cast<std::streamsize>(parts[0].size()));
  }
  std::vector<std::string> overrides(parts.begin() + 1, parts.end());
  fugong::Result<fugong::RunConfig> config = fugong::LoadRunConfig(path, overrides);
  if (config.ok()) {
    fugong::Require(config->engine.Validate().ok());
    fugong::Require(config->regions != nullptr && config->calendar != nullptr);
    fugong::Require(!config->regions->counties().empty());
  }
  return 0;
}
