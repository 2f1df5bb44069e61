// The messages of the partials topic (`fugong.<group>.partials`, docs/scale-out.md): compacted,
// so each key keeps its latest value; a key names one input partition's partial of one group-day,
// or one input partition's watermark.
//
//   partial    key  DATE|LEVEL|CODE|P     value  'P', version 1, sequence (int64 LE),
//                                                ExactGroupSums encoding
//   watermark  key  ~watermark|P          value  'W', version 1, sequence (int64 LE),
//                                                closed-through day (int32 LE, days since epoch)
//
// A partial goes to the partials partition of its group-day (PartialsPartitionOf), so one
// instance owns each total; a watermark goes to every partials partition, after the partition's
// partials, so an owner that has read a watermark has read the partials it covers.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <variant>

#include "engine/common/status.h"
#include "engine/groups/partial_sums_combiner.h"

namespace fugong {

std::string PartialKey(const GroupPartial& partial);
std::string PartialValue(const GroupPartial& partial);
std::string WatermarkKey(int32_t input_partition);
std::string WatermarkValue(const PartitionWatermark& watermark);

// Either kind, from a message's key and value; InvalidArgument (with what is wrong) for anything
// that is not exactly what the functions above write.
Result<std::variant<GroupPartial, PartitionWatermark>> DecodePartialMessage(std::string_view key,
                                                                            std::string_view value);

// The partials partition that owns a group-day's total: FNV-1a of DATE|LEVEL|CODE, modulo the
// partition count. Fixed here (not librdkafka's partitioner) so that every instance, whatever
// its client, agrees.
int32_t PartialsPartitionOf(std::string_view group_day_key, int32_t partitions);

}  // namespace fugong
