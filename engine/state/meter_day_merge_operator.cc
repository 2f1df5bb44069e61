#include "engine/state/meter_day_merge_operator.h"

#include "engine/meter_day/meter_day_record.h"

namespace fugong {

bool MeterDayMergeOperator::FullMergeV2(const MergeOperationInput& in,
                                        MergeOperationOutput* out) const {
  MeterDayRecord merged;
  if (in.existing_value != nullptr) {
    if (!merged.Decode(std::string_view(in.existing_value->data(), in.existing_value->size()))) {
      return false;
    }
  }
  MeterDayRecord operand;
  for (const rocksdb::Slice& slice : in.operand_list) {
    if (!operand.Decode(std::string_view(slice.data(), slice.size()))) return false;
    if (!merged.slots.empty() && merged.slots.size() != operand.slots.size()) return false;
    merged.ApplyLater(operand);
  }
  out->new_value = merged.Encode();
  return true;
}

}  // namespace fugong
