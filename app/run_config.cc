#include "app/run_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace fugong {

namespace {

Result<std::string> ReadText(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status::IOError("cannot open " + path);
  std::stringstream buf;
  buf << in.rdbuf();
  return buf.str();
}

// Takes an app-level key out of the mapping (the rest goes to the engine's parser).
std::string TakeString(YAML::Node& root, const char* key) {
  if (!root[key]) return "";
  const std::string value = root[key].as<std::string>();
  root.remove(key);
  return value;
}

std::string Resolve(const std::string& path, const std::string& config_path) {
  if (path.empty() || config_path.empty() || std::filesystem::path(path).is_absolute()) return path;
  return (std::filesystem::path(config_path).parent_path() / path).string();
}

}  // namespace

Result<RunConfig> LoadRunConfig(const std::string& config_path,
                                const std::vector<std::string>& overrides) {
  YAML::Node root(YAML::NodeType::Map);
  if (!config_path.empty()) {
    Result<std::string> text = ReadText(config_path);
    if (!text.ok()) return text.status();
    try {
      root = YAML::Load(*text);
    } catch (const YAML::Exception& e) {
      return Status::InvalidArgument(config_path + ": not valid YAML: " + e.what());
    }
    if (root.IsNull()) root = YAML::Node(YAML::NodeType::Map);
    if (!root.IsMap()) return Status::InvalidArgument(config_path + ": must be a mapping of keys");
  }
  RunConfig config;
  try {
    config.region_table_path = Resolve(TakeString(root, "region_table"), config_path);
    config.calendar_path = Resolve(TakeString(root, "calendar"), config_path);
    for (const std::string& o : overrides) {
      const size_t eq = o.find('=');
      if (eq == std::string::npos || eq == 0) {
        return Status::InvalidArgument("--set wants key=value, got '" + o + "'");
      }
      const std::string key = o.substr(0, eq), value = o.substr(eq + 1);
      if (key == "region_table") {
        config.region_table_path = value;
      } else if (key == "calendar") {
        config.calendar_path = value;
      } else {
        root[key] = YAML::Load(value);
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("config: ") + e.what());
  }
  YAML::Emitter rest;
  rest << root;
  Status st = ApplyConfigYaml(rest.c_str(), &config.engine);
  if (!st.ok()) {
    return Status::InvalidArgument((config_path.empty() ? "" : config_path + ": ") + st.message());
  }

  if (config.region_table_path.empty()) {
    config.regions = std::shared_ptr<const RegionTable>(&RegionTable::Zhejiang(), [](auto*) {});
  } else {
    Result<std::string> text = ReadText(config.region_table_path);
    if (!text.ok()) return text.status();
    Result<RegionTable> table = RegionTable::Parse(*text, config.region_table_path);
    if (!table.ok()) return table.status();
    config.regions = std::make_shared<const RegionTable>(std::move(table).value());
  }
  if (config.calendar_path.empty()) {
    config.calendar =
        std::shared_ptr<const HolidayCalendar>(&HolidayCalendar::China(), [](auto*) {});
  } else {
    Result<std::string> text = ReadText(config.calendar_path);
    if (!text.ok()) return text.status();
    Result<HolidayCalendar> cal = HolidayCalendar::Parse(*text, "", config.calendar_path);
    if (!cal.ok()) return cal.status();
    config.calendar = std::make_shared<const HolidayCalendar>(std::move(cal).value());
    if (!config.engine.baseline_from) {
      return Status::InvalidArgument(
          "a user calendar has no Spring Festival dates: set baseline_from and baseline_to");
    }
  }
  return config;
}

}  // namespace fugong
