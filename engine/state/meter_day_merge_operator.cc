#include "engine/state/meter_day_merge_operator.h"

#include "engine/meter_day/meter_day_record.h"

namespace fugong {

bool MeterDayMergeOperator::FullMergeV2(const MergeOperationInput& in,
                                        MergeOperationOutput* out) const {
  // A meter-day written once (a register meter's daily reading; most rows of a day just closed) is
  // its only operand: applied onto nothing it is itself, so hand it back instead of decoding and
  // encoding it again. Every read of a row not yet compacted pays this merge, a close included.
  if (in.existing_value == nullptr && in.operand_list.size() == 1) {
    out->existing_operand = in.operand_list.front();
    return true;
  }
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
