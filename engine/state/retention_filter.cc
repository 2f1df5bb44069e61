#include "engine/state/retention_filter.h"

#include "engine/state/key_codec.h"

namespace fugong {

rocksdb::CompactionFilter::Decision RetentionFilter::FilterV2(
    int /*level*/, const rocksdb::Slice& key, ValueType value_type,
    const rocksdb::Slice& /*existing_value*/, std::string* /*new_value*/,
    std::string* /*skip_until*/) const {
  if (value_type != ValueType::kValue && value_type != ValueType::kMergeOperand) {
    return Decision::kKeep;
  }
  if (key.size() >= 4 && LeadingDay(std::string_view(key.data(), key.size())) < cutoff()) {
    return Decision::kRemove;
  }
  return Decision::kKeep;
}

}  // namespace fugong
