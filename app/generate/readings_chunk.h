// Generates the readings lines of one chunk: a block of interval slots of one day, for every
// meter, into one buffer per output file. Chunks are independent of each other, so they can be
// made on any thread in any order and concatenated in (day, block) order into the same bytes.
//
// Within a chunk lines are in time order: at the first block of a day, the register readings at
// that day's 00:00; then, slot by slot, one line per interval meter in a fixed shuffled meter
// order; after the last block of the last day, the register readings at `to`+1 00:00. Duplicates
// and corrections follow their original 1..4 slots later (at the latest at the end of the chunk, so
// always later in the same file).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "app/generate/byte_buffer.h"
#include "app/generate/fault_plan.h"
#include "app/generate/load_model.h"
#include "app/generate/register_series.h"
#include "app/generate/synthetic_population.h"

namespace fugong::synth {

// Which file each meter's lines go to and in which order.
struct ReadingsLayout {
  int files = 1;
  std::vector<std::vector<uint32_t>> interval_meters;  // per file, in the shuffled order
  std::vector<std::vector<uint32_t>> register_meters;  // per file, in the shuffled order
  std::vector<std::vector<uint32_t>>
      unknown_numbers;  // per file: unknown enterprises that hash there

  // `split` files by a hash of the enterprise id (FileOf), or one when split is 1.
  static ReadingsLayout Build(uint64_t seed, const Population& population, int split);
};

// The 0-based file of an enterprise id: FNV-1a 64 of the id text, modulo `split`.
int FileOf(std::string_view enterprise_id, int split);

// The id of the n-th unknown enterprise (n >= 1) and of its meter: `E9` and `M9` followed by as
// many digits as real ids have, so they can never be the id of a generated enterprise or meter.
std::string UnknownEnterpriseId(const Population& population, uint32_t n);
std::string UnknownMeterId(const Population& population, uint32_t n);

struct ChunkCounts {
  uint64_t lines = 0;
  uint64_t malformed = 0;
  uint64_t unknown = 0;
  uint64_t negative = 0;
  uint64_t duplicate = 0;
  uint64_t correction = 0;
  uint64_t gap_meter_days = 0;
  uint64_t dropped_meter_days = 0;

  void Add(const ChunkCounts& o);
};

struct ReadingsChunk {
  std::vector<ByteBuffer> files;  // ReadingsLayout::files buffers
  ChunkCounts counts;
};

struct ChunkSettings {
  uint64_t seed = 1;
  Day from = 0;
  Day to = 0;
  int interval_minutes = 15;
  int block_slots = 96;  // slots per chunk
  bool epoch_timestamps = false;
};

class ReadingsChunkGenerator {
 public:
  ReadingsChunkGenerator(const ChunkSettings& settings, const Population& population,
                         const LoadModel& model, const LoadShapes& shapes, const FaultPlan& faults,
                         const RegisterSeries& registers, const ReadingsLayout& layout);

  int blocks_per_day() const { return blocks_per_day_; }
  void Generate(Day day, int block, ReadingsChunk* out) const;

 private:
  struct MeterDay;
  struct Deferred;

  void WriteRegisterLines(Day midnight, ReadingsChunk* out) const;
  // Adds the fault that `hash` selects for the interval line just written to `buffer` (file
  // `file`): an extra line now, or a re-sent one queued in `deferred`. Returns whether it queued.
  bool InjectFault(uint64_t hash, uint32_t meter, std::string_view ts, int64_t milli, Day day,
                   int second_of_day, int slot, int last_slot, int file, ByteBuffer* buffer,
                   std::vector<Deferred>* deferred, ChunkCounts* counts) const;
  char* WriteTs(char* p, Day day, int second_of_day) const;

  ChunkSettings settings_;
  const Population& population_;
  const LoadModel& model_;
  const LoadShapes& shapes_;
  const FaultPlan& faults_;
  const RegisterSeries& registers_;
  const ReadingsLayout& layout_;
  int slots_;
  int blocks_per_day_;
  size_t prefix_len_;
  std::string prefixes_;  // `M0000001,E000001,` for every meter, prefix_len_ bytes each
};

}  // namespace fugong::synth
