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

// Partitions of the default topics, sized for the mock's per-partition limit of ~5 MiB
// (docs/kafka.md): readings are the bulk (48 hold ~1.8 M readings; producers pace on lag), the
// registry needs a few partitions because the mock does not compact it, and the index 64 (the
// default demo's 378,103 records of ~450 bytes are 170 MB, 2.7 MB a partition; with 12 the mock
// had been dropping the oldest, unseen until the demo checked). `fugong broker` and the embedded
// cluster of `fugong demo` create them so; deploy/docker-compose.yml too (a test compares).
struct DefaultPartitions {
  static constexpr int kReadings = 48;
  static constexpr int kEnterprises = 4;
  static constexpr int kWeather = 1;
  static constexpr int kRisk = 1;
  static constexpr int kIndex = 64;
  static constexpr int kDeadLetter = 2;
  static constexpr int kPartials = 4;
};

// The topics `fugong broker` creates by default: those of DefaultPartitions under their default
// names, and the changelogs of group `fugong` (partitioned like the readings).
std::string DefaultTopicSpecs();

}  // namespace fugong
