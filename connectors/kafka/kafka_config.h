// librdkafka properties as Fugong passes them around: a name -> value map that remembers where
// each value came from, turned into an rd_kafka_conf_t in one place, so that a typo in a config
// file or an environment variable is reported with the property's name and origin instead of
// surfacing later as a client that silently behaves differently.
#pragma once

#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "connectors/kafka/kafka_handles.h"
#include "engine/common/status.h"

namespace fugong {

class KafkaConfig {
 public:
  // FUGONG_KAFKA_QUEUE_BUFFERING_MAX_MS=5 sets queue.buffering.max.ms=5.
  static constexpr std::string_view kEnvironmentPrefix = "FUGONG_KAFKA_";

  // Sets (or replaces) a property. `origin` names where the value came from, for errors
  // ("default", "--bootstrap", "config file", "FUGONG_KAFKA_LINGER_MS").
  void Set(std::string_view name, std::string_view value, std::string_view origin = "default");
  // Sets a property unless it is already set (for defaults applied after user settings).
  void SetDefault(std::string_view name, std::string_view value);
  // Applies every FUGONG_KAFKA_* variable of `envp` (a null-terminated array of "NAME=value",
  // as `environ`). They replace what was set before: the environment is the last word, so an
  // operator can change a property of a deployed service without editing its files.
  void ApplyEnvironment(const char* const* envp);

  std::optional<std::string> Get(std::string_view name) const;
  size_t size() const { return entries_.size(); }

  // A new librdkafka configuration with every property set. InvalidArgument naming each
  // unknown or invalid property, its origin and librdkafka's reason.
  Result<KafkaConfPtr> Build() const;

  // The property an environment variable sets ("FUGONG_KAFKA_BATCH_SIZE" -> "batch.size"), or
  // empty when the variable is not one of ours. librdkafka's settable properties are lower case
  // words joined by dots, so the mapping is lower-casing and '_' -> '.'.
  static std::string PropertyOfEnvironmentVariable(std::string_view variable);

 private:
  struct Entry {
    std::string value;
    std::string origin;
  };
  std::map<std::string, Entry, std::less<>> entries_;
};

}  // namespace fugong
