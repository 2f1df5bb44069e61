#include "engine/config/engine_config.h"

#include <yaml-cpp/yaml.h>

#include <map>

namespace fugong {

Status EngineConfig::Validate() const {
  if (interval_minutes < 1 || interval_minutes > 1440 || 1440 % interval_minutes != 0) {
    return Status::InvalidArgument("interval_minutes must divide 1440 (1..1440), got " +
                                   std::to_string(interval_minutes));
  }
  if (min_coverage <= 0 || min_coverage > 1) {
    return Status::InvalidArgument("min_coverage must be in (0, 1]");
  }
  if (baseline_from.has_value() != baseline_to.has_value()) {
    return Status::InvalidArgument("baseline_from and baseline_to go together");
  }
  if (baseline_from && *baseline_from > *baseline_to) {
    return Status::InvalidArgument("baseline_from is after baseline_to");
  }
  if (baseline_days < 1) return Status::InvalidArgument("baseline_days must be positive");
  if (retention_days <= baseline_days + 1) {
    return Status::InvalidArgument("retention_days must exceed baseline_days + 1");
  }
  if (r_max <= 0) return Status::InvalidArgument("r_max must be positive");
  if (composite_weight < 0 || composite_weight > 1) {
    return Status::InvalidArgument("composite_weight must be in [0, 1]");
  }
  if (min_group_size < 1) return Status::InvalidArgument("min_group_size must be >= 1");
  if (!(shape.active_threshold > 0) || !(shape.active_threshold <= 10)) {
    return Status::InvalidArgument("active_threshold must be in (0, 10]");
  }
  if (!(shape.min_excess_share > 0) || !(shape.min_excess_share <= 1)) {
    return Status::InvalidArgument("shape_min_excess_share must be in (0, 1]");
  }
  if (shape.base_hours < 1 || shape.base_hours > 12) {
    return Status::InvalidArgument("shape_base_hours must be 1..12");
  }
  if (!(shape.working_level > 0) || !(shape.working_level < 1)) {
    return Status::InvalidArgument("shape_working_level must be in (0, 1)");
  }
  if (shape.min_window_days < 1)
    return Status::InvalidArgument("shape_min_window_days must be >= 1");
  static const char* kLevels[] = {"province",        "city",  "county", "industry",
                                  "county_industry", "scale", "tag"};
  for (const std::string& level : levels) {
    bool known = false;
    for (const char* k : kLevels) known = known || level == k;
    if (!known) return Status::InvalidArgument("unknown level: " + level);
  }
  return Status::OK();
}

int EngineConfig::IntervalsOn(Day day) const {
  const int interval_seconds = interval_minutes * 60;
  if (time_zone.is_fixed()) return 1440 / interval_minutes;
  const int64_t length = time_zone.LocalDayLengthSeconds(day);
  const int n = static_cast<int>((length + interval_seconds / 2) / interval_seconds);
  return n < 1 ? 1 : n;
}

int EngineConfig::SlotsPerDay() const {
  if (time_zone.is_fixed()) return 1440 / interval_minutes;
  // Daylight saving lengthens a day by an hour at most (26 hours covers every zone in tzdata).
  const int longest = (26 * 3600 + interval_minutes * 30) / (interval_minutes * 60);
  return longest < 1440 / interval_minutes ? 1440 / interval_minutes : longest;
}

namespace {

Status ReadDate(const YAML::Node& node, const std::string& key, std::optional<Day>* out) {
  Day day;
  const std::string text = node.as<std::string>();
  if (!ParseDate(text, &day)) return Status::InvalidArgument(key + ": not a date: " + text);
  *out = day;
  return Status::OK();
}

}  // namespace

Status ApplyConfigYaml(const std::string& yaml_text, EngineConfig* c) {
  YAML::Node root;
  try {
    root = YAML::Load(yaml_text);
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("config is not valid YAML: ") + e.what());
  }
  if (root.IsNull()) return c->Validate();
  if (!root.IsMap()) return Status::InvalidArgument("config must be a mapping of keys");
  try {
    for (const auto& kv : root) {
      const std::string key = kv.first.as<std::string>();
      const YAML::Node& v = kv.second;
      if (key == "timezone") {
        const std::string text = v.as<std::string>();
        if (text == "Asia/Shanghai" && c->time_zone.name() == text) continue;  // the default
        Result<TimeZone> zone = TimeZone::Parse(text);
        if (!zone.ok()) return Status::InvalidArgument("timezone: " + zone.status().message());
        c->time_zone = std::move(zone).value();
      } else if (key == "interval_minutes") {
        c->interval_minutes = v.as<int>();
      } else if (key == "retention_days") {
        c->retention_days = v.as<int>();
      } else if (key == "future_tolerance_seconds") {
        c->future_tolerance_seconds = v.as<int>();
      } else if (key == "min_coverage") {
        c->min_coverage = v.as<double>();
      } else if (key == "max_interval_kwh") {
        c->max_interval_kwh = v.as<double>();
      } else if (key == "baseline_method") {
        const std::string m = v.as<std::string>();
        if (m == "calendar") {
          c->baseline_method = BaselineMethod::kCalendar;
        } else if (m == "mean") {
          c->baseline_method = BaselineMethod::kMean;
        } else {
          return Status::InvalidArgument("baseline_method must be calendar or mean, got " + m);
        }
      } else if (key == "baseline_from") {
        FUGONG_RETURN_IF_ERROR(ReadDate(v, key, &c->baseline_from));
      } else if (key == "baseline_to") {
        FUGONG_RETURN_IF_ERROR(ReadDate(v, key, &c->baseline_to));
      } else if (key == "baseline_days") {
        c->baseline_days = v.as<int>();
      } else if (key == "baseline_gap_days") {
        c->baseline_gap_days = v.as<int>();
      } else if (key == "min_baseline_kwh") {
        c->min_baseline_kwh = v.as<double>();
      } else if (key == "min_valid_days") {
        c->min_valid_days = v.as<int>();
      } else if (key == "min_days_per_type") {
        c->min_days_per_type = v.as<int>();
      } else if (key == "hdd_base_c") {
        c->hdd_base_c = v.as<double>();
      } else if (key == "cdd_base_c") {
        c->cdd_base_c = v.as<double>();
      } else if (key == "min_weather_nonzero_days") {
        c->min_weather_nonzero_days = v.as<int>();
      } else if (key == "r_max") {
        c->r_max = v.as<double>();
      } else if (key == "resume_threshold") {
        c->resume_threshold = v.as<double>();
      } else if (key == "working_day_fraction") {
        c->working_day_fraction = v.as<double>();
      } else if (key == "composite_weight") {
        c->composite_weight = v.as<double>();
      } else if (key == "min_group_size") {
        c->min_group_size = v.as<int>();
      } else if (key == "day_shape") {
        c->day_shape = v.as<bool>();
      } else if (key == "active_threshold") {
        c->shape.active_threshold = v.as<double>();
      } else if (key == "shape_min_excess_share") {
        c->shape.min_excess_share = v.as<double>();
      } else if (key == "shape_base_hours") {
        c->shape.base_hours = v.as<int>();
      } else if (key == "shape_working_level") {
        c->shape.working_level = v.as<double>();
      } else if (key == "shape_min_window_days") {
        c->shape.min_window_days = v.as<int>();
      } else if (key == "levels") {
        c->levels = v.as<std::vector<std::string>>();
      } else {
        return Status::InvalidArgument("unknown config key: " + key);
      }
    }
  } catch (const YAML::Exception& e) {
    return Status::InvalidArgument(std::string("config value has the wrong type: ") + e.what());
  }
  return c->Validate();
}

}  // namespace fugong
