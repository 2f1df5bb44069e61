// Topic lists as the command line gives them: "fugong.readings:12,fugong.enterprises:4".
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "engine/common/status.h"

namespace fugong {

struct TopicSpec {
  std::string name;
  int partitions = 1;
};

// Parses comma-separated `name:partitions` items (`name` alone means 1 partition). Topic names
// follow Kafka's rule: 1-249 characters of [a-zA-Z0-9._-].
Result<std::vector<TopicSpec>> ParseTopicSpecs(std::string_view text);

// The topics `fugong broker` creates by default, sized for the mock's per-partition limit
// (docs/kafka.md): readings are the bulk, the registry and the index need a few partitions
// each because the mock does not compact them.
std::string DefaultTopicSpecs();

}  // namespace fugong
