#include "connectors/kafka/topic_spec.h"

#include <charconv>
#include <set>
#include <string>
#include <utility>

namespace fugong {

namespace {

bool IsValidTopicName(std::string_view name) {
  if (name.empty() || name.size() > 249 || name == "." || name == "..") return false;
  for (char c : name) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '-';
    if (!ok) return false;
  }
  return true;
}

}  // namespace

std::string DefaultTopicSpecs() {
  using P = DefaultPartitions;
  const std::pair<const char*, int> topics[] = {
      {"fugong.readings", P::kReadings},
      {"fugong.enterprises", P::kEnterprises},
      {"fugong.weather", P::kWeather},
      {"fugong.risk", P::kRisk},
      {"fugong.index.daily", P::kIndex},
      {"fugong.deadletter", P::kDeadLetter},
      {"fugong.partials", P::kPartials},
      // The changelogs of group fugong (changelogs: true), partitioned like the readings.
      {"fugong.fugong.meter_day-changelog", P::kReadings},
      {"fugong.fugong.task-changelog", P::kReadings},
      {"fugong.fugong.progress-changelog", P::kReadings},
  };
  std::string specs;
  for (const auto& [name, partitions] : topics) {
    specs += (specs.empty() ? "" : ",") + std::string(name) + ":" + std::to_string(partitions);
  }
  return specs;
}

Result<std::vector<TopicSpec>> ParseTopicSpecs(std::string_view text) {
  std::vector<TopicSpec> specs;
  std::set<std::string, std::less<>> seen;
  size_t start = 0;
  while (start <= text.size()) {
    size_t comma = text.find(',', start);
    if (comma == std::string_view::npos) comma = text.size();
    const std::string_view item = text.substr(start, comma - start);
    start = comma + 1;
    if (item.empty()) continue;
    TopicSpec spec;
    const size_t colon = item.rfind(':');
    const std::string_view name = colon == std::string_view::npos ? item : item.substr(0, colon);
    if (colon != std::string_view::npos) {
      const std::string_view count = item.substr(colon + 1);
      const auto [end, ec] =
          std::from_chars(count.data(), count.data() + count.size(), spec.partitions);
      if (ec != std::errc() || end != count.data() + count.size() || spec.partitions < 1 ||
          spec.partitions > 100000) {
        return Status::InvalidArgument("topic '" + std::string(item) +
                                       "': partitions must be a whole number from 1");
      }
    }
    if (!IsValidTopicName(name)) {
      return Status::InvalidArgument("topic name '" + std::string(name) +
                                     "' is not 1-249 characters of a-z A-Z 0-9 . _ -");
    }
    if (!seen.insert(std::string(name)).second) {
      return Status::InvalidArgument("topic " + std::string(name) + " is listed twice");
    }
    spec.name.assign(name);
    specs.push_back(std::move(spec));
  }
  if (specs.empty()) return Status::InvalidArgument("no topics given");
  return specs;
}

}  // namespace fugong
