#include "app/run_config.h"

#include <yaml-cpp/yaml.h>

#include <filesystem>
#include <fstream>
#include <sstream>
#include <type_traits>

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

// "08:00" -> 480; "none"/"off" -> nullopt.
Result<std::optional<int>> ParseDeadline(const std::string& text) {
  if (text == "none" || text == "off") return std::optional<int>();
  int h = 0, m = 0;
  char colon = 0;
  std::istringstream in(text);
  if (!(in >> h >> colon >> m) || colon != ':' || h < 0 || h > 47 || m < 0 || m > 59 || !in.eof()) {
    return Status::InvalidArgument(
        "close_deadline: want HH:MM (hours after the midnight that "
        "ends the day, up to 47:59) or none, got '" +
        text + "'");
  }
  return std::optional<int>(h * 60 + m);
}

// Takes the streaming keys out of the mapping into `config`.
Status TakeStreamKeys(YAML::Node& root, RunConfig* config) {
  auto take = [&](const char* key, auto* out) {
    if (!root[key]) return;
    *out = root[key].as<std::decay_t<decltype(*out)>>();
    root.remove(key);
  };
  StreamSettings& s = config->stream;
  take("topic_readings", &s.readings_topic);
  take("topic_enterprises", &s.enterprises_topic);
  take("topic_weather", &s.weather_topic);
  take("topic_risk", &s.risk_topic);
  take("topic_partials", &s.partials_topic);
  take("changelogs", &s.changelogs);
  take("state_cleanup_delay_seconds", &s.state_cleanup_delay_seconds);
  take("topic_index", &config->index_topic);
  take("topic_deadletter", &config->deadletter_topic);
  take("group_id", &config->group_id);
  take("http_listen", &config->http_listen);
  take("follow_index", &config->follow_index);
  take("suspects_api", &config->suspects_api);
  int64_t grace_minutes = s.close_grace_seconds / 60;
  take("close_grace_minutes", &grace_minutes);
  if (grace_minutes < 0) return Status::InvalidArgument("close_grace_minutes must be >= 0");
  s.close_grace_seconds = grace_minutes * 60;
  std::string deadline;
  take("close_deadline", &deadline);
  if (!deadline.empty()) {
    Result<std::optional<int>> minutes = ParseDeadline(deadline);
    if (!minutes.ok()) return minutes.status();
    s.close_deadline_minutes = *minutes;
  }
  take("idle_partition_seconds", &s.idle_partition_seconds);
  take("commit_interval_ms", &config->commit_interval_ms);
  take("max_message_bytes", &s.max_message_bytes);
  if (s.idle_partition_seconds < 1) return Status::InvalidArgument("idle_partition_seconds >= 1");
  if (config->commit_interval_ms < 1) return Status::InvalidArgument("commit_interval_ms >= 1");
  if (s.max_message_bytes < 64) return Status::InvalidArgument("max_message_bytes >= 64");
  if (s.state_cleanup_delay_seconds < 0) {
    return Status::InvalidArgument("state_cleanup_delay_seconds >= 0 (0: never)");
  }
  if (s.changelogs && s.partials_topic.empty()) {
    return Status::InvalidArgument(
        "changelogs: true needs topic_partials: state per task is for instances sharing a group "
        "(docs/scale-out.md)");
  }
  if (root["kafka"]) {
    if (!root["kafka"].IsMap()) return Status::InvalidArgument("kafka: must be a mapping");
    for (const auto& kv : root["kafka"]) {
      config->kafka.emplace_back(kv.first.as<std::string>(), kv.second.as<std::string>());
    }
    root.remove("kafka");
  }
  std::vector<std::string> flat;
  for (const auto& kv : root) {
    const std::string key = kv.first.as<std::string>();
    if (key.rfind("kafka.", 0) == 0) flat.push_back(key);
  }
  for (const std::string& key : flat) {
    config->kafka.emplace_back(key.substr(6), root[key].as<std::string>());
    root.remove(key);
  }
  return Status::OK();
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
    config.guidance_path = Resolve(TakeString(root, "guidance"), config_path);
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
      } else if (key == "guidance") {
        config.guidance_path = value;
      } else {
        root[key] = YAML::Load(value);
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("config: ") + e.what());
  }
  try {
    Status taken = TakeStreamKeys(root, &config);
    if (!taken.ok()) {
      return Status::InvalidArgument((config_path.empty() ? "" : config_path + ": ") +
                                     taken.message());
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
  if (!config.guidance_path.empty()) {
    Result<std::string> text = ReadText(config.guidance_path);
    if (!text.ok()) return text.status();
    Result<GuidanceTable> table =
        GuidanceTable::Parse(*text, config.guidance_path, *config.industries);
    if (!table.ok()) return table.status();
    config.guidance = std::make_shared<const GuidanceTable>(std::move(table).value());
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
