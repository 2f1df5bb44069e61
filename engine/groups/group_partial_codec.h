// The messages of the partials topic (`fugong.<group>.partials`, docs/scale-out.md), compacted,
// so each key keeps its latest value. A key names one task's partial of one day, or one task's
// watermark; the message goes to the partials partition the value is for (the key is unique
// within it).
//
//   partial    key  DATE|T            value  'P', version 2, sequence (int64 LE),
//                                            group count (uint32 LE), then per group, ascending
//                                            by key: key length (uint8), key ("LEVEL|CODE"),
//                                            sums length (uint16 LE), ExactGroupSums encoding
//   watermark  key  ~watermark|T      value  'W', version 2, sequence (int64 LE),
//                                            closed-through day (int32 LE, days since epoch),
//                                            1 byte: 1 with a data span, then its first and
//                                            last day (int32 LE each), else 0
//
// T is the task's readings partition in decimal. A task's watermark goes to every partials
// partition after its partials, so an owner that has read a watermark has read the partials it
// covers (one partition keeps the order of one producer's messages).
#pragma once

#include <string>
#include <string_view>
#include <variant>

#include "engine/common/status.h"
#include "engine/groups/task_day_partial.h"

namespace fugong {

std::string PartialKey(const TaskDayPartial& partial);
std::string PartialValue(const TaskDayPartial& partial);
std::string WatermarkKey(int32_t task);
std::string WatermarkValue(const TaskWatermark& watermark);

// Either kind, from a message's key and value; InvalidArgument (with what is wrong) for anything
// that is not exactly what the functions above write (unsorted or repeated groups, a registered
// count in a partial, trailing bytes, ...).
Result<std::variant<TaskDayPartial, TaskWatermark>> DecodePartialMessage(std::string_view key,
                                                                         std::string_view value);

}  // namespace fugong
