// Lets ingest write a meter-day as a blind Merge: RocksDB applies later batches onto earlier ones
// with MeterDayRecord::ApplyLater, so no reading ever costs a read-modify-write.
#pragma once

#include <rocksdb/merge_operator.h>

namespace fugong {

class MeterDayMergeOperator final : public rocksdb::MergeOperator {
 public:
  bool FullMergeV2(const MergeOperationInput& in, MergeOperationOutput* out) const override;
  const char* Name() const override { return "fugong.MeterDayMerge.v1"; }
};

}  // namespace fugong
