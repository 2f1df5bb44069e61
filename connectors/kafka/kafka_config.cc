#include "connectors/kafka/kafka_config.h"

#include <cctype>

namespace fugong {

namespace {

// Values of these properties never appear in messages (logs end up in tickets).
bool IsSecret(std::string_view name) {
  return name.find("password") != std::string_view::npos ||
         name.find("secret") != std::string_view::npos ||
         name.find("sasl.oauthbearer.config") != std::string_view::npos;
}

}  // namespace

void KafkaConfig::Set(std::string_view name, std::string_view value, std::string_view origin) {
  Entry& entry = entries_[std::string(name)];
  entry.value.assign(value);
  entry.origin.assign(origin);
}

void KafkaConfig::SetDefault(std::string_view name, std::string_view value) {
  if (entries_.find(name) == entries_.end()) Set(name, value, "default");
}

std::string KafkaConfig::PropertyOfEnvironmentVariable(std::string_view variable) {
  if (variable.size() <= kEnvironmentPrefix.size() ||
      variable.substr(0, kEnvironmentPrefix.size()) != kEnvironmentPrefix) {
    return {};
  }
  std::string property(variable.substr(kEnvironmentPrefix.size()));
  for (char& c : property) {
    c = c == '_' ? '.' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  return property;
}

void KafkaConfig::ApplyEnvironment(const char* const* envp) {
  if (envp == nullptr) return;
  for (; *envp != nullptr; ++envp) {
    const std::string_view assignment(*envp);
    const size_t eq = assignment.find('=');
    if (eq == std::string_view::npos) continue;
    const std::string_view variable = assignment.substr(0, eq);
    const std::string property = PropertyOfEnvironmentVariable(variable);
    if (property.empty()) continue;
    Set(property, assignment.substr(eq + 1), variable);
  }
}

std::optional<std::string> KafkaConfig::Get(std::string_view name) const {
  const auto it = entries_.find(name);
  if (it == entries_.end()) return std::nullopt;
  return it->second.value;
}

Result<KafkaConfPtr> KafkaConfig::Build() const {
  KafkaConfPtr conf(rd_kafka_conf_new());
  std::string problems;
  int count = 0;
  for (const auto& [name, entry] : entries_) {
    char errstr[512] = "";
    const rd_kafka_conf_res_t res =
        rd_kafka_conf_set(conf.get(), name.c_str(), entry.value.c_str(), errstr, sizeof errstr);
    if (res == RD_KAFKA_CONF_OK) continue;
    ++count;
    if (!problems.empty()) problems += "; ";
    if (res == RD_KAFKA_CONF_UNKNOWN) {
      problems += "unknown Kafka property '" + name + "'";
    } else if (IsSecret(name)) {
      problems += "invalid value for Kafka property '" + name + "'";
    } else {
      problems +=
          "invalid value '" + entry.value + "' for Kafka property '" + name + "' (" + errstr + ")";
    }
    problems += " (from " + entry.origin + ")";
  }
  if (count > 0) {
    return Status::InvalidArgument((count == 1 ? "" : std::to_string(count) + " problems: ") +
                                   problems +
                                   "; the properties are librdkafka's, see its CONFIGURATION.md");
  }
  return conf;
}

}  // namespace fugong
