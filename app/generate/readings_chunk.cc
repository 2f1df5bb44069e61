#include "app/generate/readings_chunk.h"

#include <algorithm>

#include "app/generate/prng.h"

namespace fugong::synth {

namespace {

constexpr int kUtcOffsetSeconds = 8 * 3600;  // Asia/Shanghai
constexpr size_t kMaxLine = 160;
// Interval noise: uniform +-8% (standard deviation ~4.6%).
constexpr double kIntervalNoise = 0.16;
constexpr uint64_t kGapSalt = 0x5bd1e9955bd1e995ULL;
constexpr uint64_t kFaultSalt = 0xc2b2ae3d27d4eb4fULL;
constexpr std::string_view kInterval = ",interval\n";
constexpr std::string_view kRegister = ",register\n";

char* WriteTwo(char* p, int v) {
  p[0] = static_cast<char>('0' + v / 10);
  p[1] = static_cast<char>('0' + v % 10);
  return p + 2;
}

// `YYYY-MM-DDTHH:MM:SS+08:00` for a local day and second of day (86400 = next day's 00:00), with
// `separator` between the date's fields ('-'; '/' makes a deliberately unreadable timestamp).
char* WriteIso(char* p, Day day, int second_of_day, char separator) {
  if (second_of_day >= 86400) {
    day += second_of_day / 86400;
    second_of_day %= 86400;
  }
  FormatDateTo(day, p);
  p[4] = separator;
  p[7] = separator;
  p += 10;
  *p++ = 'T';
  p = WriteTwo(p, second_of_day / 3600);
  *p++ = ':';
  p = WriteTwo(p, second_of_day / 60 % 60);
  *p++ = ':';
  p = WriteTwo(p, second_of_day % 60);
  std::memcpy(p, "+08:00", 6);
  return p + 6;
}

std::string Line(std::string_view prefix, std::string_view ts, std::string_view kwh,
                 std::string_view tail) {
  std::string s;
  s.reserve(prefix.size() + ts.size() + kwh.size() + tail.size());
  s.append(prefix).append(ts).append(kwh).append(tail);
  return s;
}

std::string Milli(int64_t milli) {
  char buf[32];
  return std::string(buf, WriteMilli(buf, milli));
}

}  // namespace

void ChunkCounts::Add(const ChunkCounts& o) {
  lines += o.lines;
  malformed += o.malformed;
  unknown += o.unknown;
  negative += o.negative;
  duplicate += o.duplicate;
  correction += o.correction;
  gap_meter_days += o.gap_meter_days;
  dropped_meter_days += o.dropped_meter_days;
}

int FileOf(std::string_view enterprise_id, int split) {
  uint64_t h = 0xcbf29ce484222325ULL;
  for (char c : enterprise_id) {
    h ^= static_cast<unsigned char>(c);
    h *= 0x100000001b3ULL;
  }
  return static_cast<int>(h % static_cast<uint64_t>(split));
}

std::string UnknownEnterpriseId(const Population& population, uint32_t n) {
  char buf[32];
  char* p = buf;
  *p++ = 'E';
  *p++ = '9';
  p = WritePadded(p, n, population.enterprise_id_width);
  return std::string(buf, p);
}

std::string UnknownMeterId(const Population& population, uint32_t n) {
  char buf[32];
  char* p = buf;
  *p++ = 'M';
  *p++ = '9';
  p = WritePadded(p, n, population.meter_id_width);
  return std::string(buf, p);
}

ReadingsLayout ReadingsLayout::Build(uint64_t seed, const Population& p, int split) {
  ReadingsLayout layout;
  layout.files = split;
  layout.interval_meters.resize(split);
  layout.register_meters.resize(split);
  layout.unknown_numbers.resize(split);
  // The fixed meter order: a seeded shuffle (meters of one enterprise do not arrive together).
  std::vector<uint32_t> order(p.meters.size());
  for (uint32_t m = 0; m < order.size(); ++m) order[m] = m;
  Rng rng(StreamKey(seed, Stream::kMeterOrder));
  for (size_t i = order.size(); i > 1; --i) std::swap(order[i - 1], order[rng.Below(i)]);
  std::vector<int> file_of_enterprise(p.enterprises.size(), 0);
  if (split > 1) {
    for (size_t e = 0; e < p.enterprises.size(); ++e) {
      file_of_enterprise[e] = FileOf(p.EnterpriseId(e), split);
    }
  }
  for (uint32_t m : order) {
    const SyntheticMeter& meter = p.meters[m];
    const int f = file_of_enterprise[meter.enterprise];
    (meter.is_register ? layout.register_meters : layout.interval_meters)[f].push_back(m);
  }
  // A handful of unknown enterprises per file, each hashing to the file it appears in.
  constexpr size_t kUnknownPerFile = 4;
  size_t missing = static_cast<size_t>(split);
  for (uint32_t n = 1; missing > 0 && n < 10000000; ++n) {
    const int f = split > 1 ? FileOf(UnknownEnterpriseId(p, n), split) : 0;
    std::vector<uint32_t>& list = layout.unknown_numbers[f];
    if (list.size() < kUnknownPerFile) {
      list.push_back(n);
      if (list.size() == kUnknownPerFile) --missing;
    }
  }
  return layout;
}

struct ReadingsChunkGenerator::MeterDay {
  uint32_t meter;
  int gap_begin;
  int gap_end;
  uint64_t key;
  double milli;  // the meter's day energy in 1e-3 kWh
  const double* shape;
  double flat_share;  // of milli drawn by the flat (idle) shape instead: a high standby's
};

struct ReadingsChunkGenerator::Deferred {
  int slot;  // emitted after this slot's lines
  std::string text;
};

ReadingsChunkGenerator::ReadingsChunkGenerator(const ChunkSettings& settings,
                                               const Population& population, const LoadModel& model,
                                               const LoadShapes& shapes, const FaultPlan& faults,
                                               const RegisterSeries& registers,
                                               const ReadingsLayout& layout)
    : settings_(settings),
      population_(population),
      model_(model),
      shapes_(shapes),
      faults_(faults),
      registers_(registers),
      layout_(layout),
      slots_(1440 / settings.interval_minutes),
      blocks_per_day_((slots_ + settings.block_slots - 1) / settings.block_slots) {
  prefix_len_ = 1 + population.meter_id_width + 2 + population.enterprise_id_width + 1;
  prefixes_.resize(prefix_len_ * population.meters.size());
  for (size_t m = 0; m < population.meters.size(); ++m) {
    char* p = &prefixes_[m * prefix_len_];
    *p++ = 'M';
    p = WritePadded(p, m + 1, population.meter_id_width);
    *p++ = ',';
    *p++ = 'E';
    p = WritePadded(p, population.meters[m].enterprise + 1ULL, population.enterprise_id_width);
    *p++ = ',';
  }
}

char* ReadingsChunkGenerator::WriteTs(char* p, Day day, int second_of_day) const {
  if (!settings_.epoch_timestamps) return WriteIso(p, day, second_of_day, '-');
  const int64_t epoch = static_cast<int64_t>(day) * 86400 + second_of_day - kUtcOffsetSeconds;
  if (epoch < 0) {
    *p++ = '-';
    return WriteUint(p, static_cast<uint64_t>(-epoch));
  }
  return WriteUint(p, static_cast<uint64_t>(epoch));
}

void ReadingsChunkGenerator::WriteRegisterLines(Day midnight, ReadingsChunk* out) const {
  char ts[40];
  char* ts_end = WriteTs(ts, midnight, 0);
  *ts_end++ = ',';
  const size_t ts_len = static_cast<size_t>(ts_end - ts);
  for (int f = 0; f < layout_.files; ++f) {
    ByteBuffer& buffer = out->files[f];
    for (uint32_t m : layout_.register_meters[f]) {
      const int64_t value = registers_.ValueAt(registers_.RowOf(m), midnight);
      if (value < 0) continue;
      buffer.Reserve(kMaxLine);
      char* p = buffer.end();
      std::memcpy(p, &prefixes_[m * prefix_len_], prefix_len_);
      p += prefix_len_;
      std::memcpy(p, ts, ts_len);
      p += ts_len;
      p = WriteMilli(p, value);
      std::memcpy(p, kRegister.data(), kRegister.size());
      buffer.SetEnd(p + kRegister.size());
      ++out->counts.lines;
    }
  }
}

bool ReadingsChunkGenerator::InjectFault(uint64_t hash, uint32_t meter, std::string_view ts,
                                         int64_t milli, Day day, int second_of_day, int slot,
                                         int last_slot, int file, ByteBuffer* buffer,
                                         std::vector<Deferred>* deferred,
                                         ChunkCounts* counts) const {
  const std::string_view prefix(&prefixes_[meter * prefix_len_], prefix_len_);
  const uint64_t r = SplitMix64(hash ^ kFaultSalt);  // the fault's own choices
  const LineFault fault = faults_.LineFaultOf(static_cast<uint32_t>(hash >> 32));
  switch (fault) {
    case LineFault::kDuplicate:
    case LineFault::kCorrection: {
      // Re-sent 1..4 slots later, within the chunk, hence later in the same file.
      int64_t value = milli;
      if (fault == LineFault::kCorrection) {
        value += 1 + static_cast<int64_t>((r >> 8) % static_cast<uint64_t>(milli / 4 + 1));
        ++counts->correction;
      } else {
        ++counts->duplicate;
      }
      const int emit = std::min(slot + 1 + static_cast<int>(r % 4), last_slot);
      deferred->push_back({emit, Line(prefix, ts, Milli(value), kInterval)});
      return true;
    }
    case LineFault::kMalformed: {
      std::string text;
      switch (r % 5) {
        case 0: {  // not CSV at all
          static const char kHex[] = "0123456789abcdef";
          text = "~~ garbled frame 0x";
          for (int i = 0; i < 8; ++i) text += kHex[(r >> (8 + 4 * i)) & 15];
          text += " ~~\n";
          break;
        }
        case 1:  // a field short
          text = Line(prefix, ts, Milli(milli), "\n");
          break;
        case 2:  // a field too many
          text = Line(prefix, ts, Milli(milli), ",interval,extra\n");
          break;
        case 3:  // not a number
          text = Line(prefix, ts, "12.3.4", kInterval);
          break;
        default: {  // not a timestamp
          char bad[40];
          char* end = WriteIso(bad, day, second_of_day, '/');
          *end++ = ',';
          text = Line(prefix, std::string_view(bad, end - bad), Milli(milli), kInterval);
          break;
        }
      }
      buffer->Append(text);
      ++counts->malformed;
      ++counts->lines;
      return false;
    }
    case LineFault::kNegative:
      buffer->Append(Line(prefix, ts, "-" + Milli(milli + 1), kInterval));
      ++counts->negative;
      ++counts->lines;
      return false;
    case LineFault::kUnknownEnterprise: {
      const std::vector<uint32_t>& numbers = layout_.unknown_numbers[file];
      if (numbers.empty()) return false;  // only when split is absurdly large
      const uint32_t n = numbers[(r >> 16) % numbers.size()];
      const std::string unknown_prefix =
          UnknownMeterId(population_, n) + "," + UnknownEnterpriseId(population_, n) + ",";
      buffer->Append(Line(unknown_prefix, ts, Milli(milli), kInterval));
      ++counts->unknown;
      ++counts->lines;
      return false;
    }
    case LineFault::kNone:
      break;
  }
  return false;
}

void ReadingsChunkGenerator::Generate(Day day, int block, ReadingsChunk* out) const {
  const int first_slot = block * settings_.block_slots;
  const int end_slot = std::min(slots_, first_slot + settings_.block_slots);
  out->files.resize(layout_.files);
  for (ByteBuffer& buffer : out->files) buffer.Clear();
  out->counts = ChunkCounts();
  ChunkCounts& counts = out->counts;

  // The day's state of every active interval meter.
  std::vector<EnterpriseDay> enterprise_day(population_.enterprises.size());
  std::vector<uint8_t> known(population_.enterprises.size(), 0);
  std::vector<std::vector<MeterDay>> meter_days(layout_.files);
  for (int f = 0; f < layout_.files; ++f) {
    meter_days[f].reserve(layout_.interval_meters[f].size());
    for (uint32_t m : layout_.interval_meters[f]) {
      const SyntheticMeter& meter = population_.meters[m];
      const SyntheticEnterprise& e = population_.enterprises[meter.enterprise];
      if (!e.ActiveOn(day)) continue;
      if (!known[meter.enterprise]) {
        enterprise_day[meter.enterprise] = model_.DayOf(e, meter.enterprise, day);
        known[meter.enterprise] = 1;
      }
      const EnterpriseDay& ed = enterprise_day[meter.enterprise];
      MeterDay md;
      md.meter = m;
      md.key = StreamKey(settings_.seed, Stream::kLine, m,
                         static_cast<uint64_t>(static_cast<int64_t>(day)));
      const MeterDayGap gap = faults_.GapOf(SplitMix64(md.key ^ kGapSalt));
      md.gap_begin = gap.begin;
      md.gap_end = gap.end;
      if (block == 0 && gap.any()) {  // counted once per meter-day
        ++(gap.dropped ? counts.dropped_meter_days : counts.gap_meter_days);
      }
      md.milli = model_.MeterKwh(meter, m, ed.kwh, day) * 1000.0;
      md.shape = ed.working ? shapes_.Working(e.shift) : shapes_.Idle();
      md.flat_share = ed.flat_share;
      meter_days[f].push_back(md);
    }
  }

  // Room for every line up front (kwh of up to 10 characters), so that the buffer rarely grows
  // (a grown buffer is copied whole).
  const size_t line_guess = prefix_len_ + (settings_.epoch_timestamps ? 11 : 26) + 10 + 10;
  for (int f = 0; f < layout_.files; ++f) {
    out->files[f].Reserve(meter_days[f].size() * static_cast<size_t>(end_slot - first_slot) *
                              line_guess +
                          (layout_.register_meters[f].size() + 64) * kMaxLine);
  }
  if (block == 0) WriteRegisterLines(day, out);

  const int interval_seconds = settings_.interval_minutes * 60;
  std::vector<std::vector<Deferred>> deferred(layout_.files);
  bool any_deferred = false;
  for (int s = first_slot; s < end_slot; ++s) {
    char ts[40];
    char* ts_end = WriteTs(ts, day, (s + 1) * interval_seconds);
    *ts_end++ = ',';
    const size_t ts_len = static_cast<size_t>(ts_end - ts);
    for (int f = 0; f < layout_.files; ++f) {
      ByteBuffer& buffer = out->files[f];
      for (const MeterDay& md : meter_days[f]) {
        if (s >= md.gap_begin && s < md.gap_end) continue;
        const uint64_t h = SplitMix64(md.key + static_cast<uint64_t>(s));
        const double noise =
            1.0 + kIntervalNoise * (static_cast<double>(h & 0xffffffffu) * 0x1.0p-32 - 0.5);
        // Ordinary enterprises keep the single-shape expression, so their bytes never change.
        const double share = md.flat_share == 0 ? md.shape[s]
                                                : (1.0 - md.flat_share) * md.shape[s] +
                                                      md.flat_share * shapes_.Idle()[s];
        const int64_t milli = static_cast<int64_t>(md.milli * share * noise + 0.5);
        buffer.Reserve(kMaxLine);
        char* p = buffer.end();
        std::memcpy(p, &prefixes_[md.meter * prefix_len_], prefix_len_);
        p += prefix_len_;
        std::memcpy(p, ts, ts_len);
        p += ts_len;
        p = WriteMilli(p, milli);
        std::memcpy(p, kInterval.data(), kInterval.size());
        buffer.SetEnd(p + kInterval.size());
        ++counts.lines;
        if (faults_.MaybeFaulty(static_cast<uint32_t>(h >> 32))) [[unlikely]] {
          any_deferred |= InjectFault(h, md.meter, std::string_view(ts, ts_len), milli, day,
                                      (s + 1) * interval_seconds, s, end_slot - 1, f, &buffer,
                                      &deferred[f], &counts);
        }
      }
    }
    if (any_deferred) {
      for (int f = 0; f < layout_.files; ++f) {
        std::vector<Deferred>& list = deferred[f];
        size_t kept = 0;
        for (size_t i = 0; i < list.size(); ++i) {
          if (list[i].slot <= s) {
            out->files[f].Append(list[i].text);
            ++counts.lines;
          } else {
            if (kept != i) list[kept] = std::move(list[i]);
            ++kept;
          }
        }
        list.resize(kept);
      }
    }
  }
  if (day == settings_.to && block == blocks_per_day_ - 1) WriteRegisterLines(day + 1, out);
}

}  // namespace fugong::synth
