#include "engine/groups/group_partial_codec.h"

#include <charconv>

#include "engine/common/little_endian.h"

namespace fugong {

namespace {

constexpr char kPartial = 'P';
constexpr char kWatermark = 'W';
constexpr char kVersion = 1;
constexpr std::string_view kWatermarkPrefix = "~watermark|";

// A partition number written by std::to_chars: digits only, no sign, no leading zero.
bool ParsePartition(std::string_view text, int32_t* out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && *out >= 0;
}

std::string PartitionText(int32_t partition) { return std::to_string(partition); }

}  // namespace

std::string PartialKey(const GroupPartial& partial) {
  return FormatDate(partial.day) + "|" + partial.group + "|" +
         PartitionText(partial.input_partition);
}

std::string PartialValue(const GroupPartial& partial) {
  std::string out = {kPartial, kVersion};
  AppendLittleEndian(static_cast<uint64_t>(partial.sequence), 8, &out);
  partial.sums.Encode(&out);
  return out;
}

std::string WatermarkKey(int32_t input_partition) {
  return std::string(kWatermarkPrefix) + PartitionText(input_partition);
}

std::string WatermarkValue(const PartitionWatermark& watermark) {
  std::string out = {kWatermark, kVersion};
  AppendLittleEndian(static_cast<uint64_t>(watermark.sequence), 8, &out);
  AppendLittleEndian(static_cast<uint32_t>(watermark.closed_through), 4, &out);
  return out;
}

Result<std::variant<GroupPartial, PartitionWatermark>> DecodePartialMessage(
    std::string_view key, std::string_view value) {
  if (value.size() < 10 || value[1] != kVersion) {
    return Status::InvalidArgument("not a partials message of version 1");
  }
  const int64_t sequence = static_cast<int64_t>(ReadLittleEndian(value.substr(2, 8)));
  if (key.starts_with(kWatermarkPrefix)) {
    PartitionWatermark w;
    if (value[0] != kWatermark || value.size() != 14 ||
        !ParsePartition(key.substr(kWatermarkPrefix.size()), &w.input_partition)) {
      return Status::InvalidArgument("bad watermark message, key '" + std::string(key) + "'");
    }
    w.sequence = sequence;
    w.closed_through =
        static_cast<Day>(static_cast<int32_t>(ReadLittleEndian(value.substr(10, 4))));
    return std::variant<GroupPartial, PartitionWatermark>(w);
  }
  // DATE|LEVEL|CODE|P: the date first, the partition after the last '|'.
  GroupPartial p;
  const size_t last = key.rfind('|');
  if (value[0] != kPartial || key.size() < 11 || key[10] != '|' || last == std::string_view::npos ||
      last <= 11 || !ParseDate(key.substr(0, 10), &p.day) ||
      !ParsePartition(key.substr(last + 1), &p.input_partition)) {
    return Status::InvalidArgument("bad partial message, key '" + std::string(key) + "'");
  }
  p.group = std::string(key.substr(11, last - 11));
  std::optional<ExactGroupSums> sums = ExactGroupSums::Decode(value.substr(10));
  if (!sums) return Status::InvalidArgument("bad sums in partial " + std::string(key));
  p.sequence = sequence;
  p.sums = std::move(*sums);
  return std::variant<GroupPartial, PartitionWatermark>(std::move(p));
}

int32_t PartialsPartitionOf(std::string_view group_day_key, int32_t partitions) {
  uint32_t hash = 2166136261u;
  for (char c : group_day_key) {
    hash ^= static_cast<unsigned char>(c);
    hash *= 16777619u;
  }
  return static_cast<int32_t>(hash % static_cast<uint32_t>(partitions));
}

}  // namespace fugong
