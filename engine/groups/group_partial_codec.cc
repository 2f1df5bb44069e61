#include "engine/groups/group_partial_codec.h"

#include <charconv>

#include "engine/common/little_endian.h"

namespace fugong {

namespace {

constexpr char kPartial = 'P';
constexpr char kWatermark = 'W';
constexpr char kVersion = 2;
constexpr std::string_view kWatermarkPrefix = "~watermark|";

// A task number written by std::to_string: digits only, no sign, no leading zero.
bool ParseTask(std::string_view text, int32_t* out) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return false;
  const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), *out);
  return error == std::errc() && end == text.data() + text.size() && *out >= 0;
}

// Reads `n` bytes at *at, moving it on; false when fewer are left.
bool Take(std::string_view bytes, size_t n, size_t* at, std::string_view* out) {
  if (bytes.size() - *at < n) return false;
  *out = bytes.substr(*at, n);
  *at += n;
  return true;
}

Status Bad(std::string_view what, std::string_view key) {
  return Status::InvalidArgument(std::string(what) + ", key '" + std::string(key) + "'");
}

}  // namespace

std::string PartialKey(const TaskDayPartial& partial) {
  return FormatDate(partial.day) + "|" + std::to_string(partial.task);
}

std::string PartialValue(const TaskDayPartial& partial) {
  std::string out = {kPartial, kVersion};
  AppendLittleEndian(static_cast<uint64_t>(partial.sequence), 8, &out);
  AppendLittleEndian(static_cast<uint32_t>(partial.groups.size()), 4, &out);
  std::string sums;
  for (const auto& [key, s] : partial.groups) {
    AppendLittleEndian(static_cast<uint8_t>(key.size()), 1, &out);
    out += key;
    sums.clear();
    s.Encode(&sums);
    AppendLittleEndian(static_cast<uint16_t>(sums.size()), 2, &out);
    out += sums;
  }
  return out;
}

std::string WatermarkKey(int32_t task) {
  return std::string(kWatermarkPrefix) + std::to_string(task);
}

std::string WatermarkValue(const TaskWatermark& watermark) {
  std::string out = {kWatermark, kVersion};
  AppendLittleEndian(static_cast<uint64_t>(watermark.sequence), 8, &out);
  AppendLittleEndian(static_cast<uint32_t>(watermark.closed_through), 4, &out);
  out.push_back(watermark.data_span ? 1 : 0);
  if (watermark.data_span) {
    AppendLittleEndian(static_cast<uint32_t>(watermark.data_span->first), 4, &out);
    AppendLittleEndian(static_cast<uint32_t>(watermark.data_span->second), 4, &out);
  }
  return out;
}

Result<std::variant<TaskDayPartial, TaskWatermark>> DecodePartialMessage(std::string_view key,
                                                                         std::string_view value) {
  if (value.size() < 10 || value[1] != kVersion) {
    return Bad("not a partials message of version 2", key);
  }
  const int64_t sequence = static_cast<int64_t>(ReadLittleEndian(value.substr(2, 8)));
  const auto day_at = [&](size_t at) {
    return static_cast<Day>(static_cast<int32_t>(ReadLittleEndian(value.substr(at, 4))));
  };
  if (key.starts_with(kWatermarkPrefix)) {
    TaskWatermark w;
    if (value[0] != kWatermark || value.size() < 15 ||
        !ParseTask(key.substr(kWatermarkPrefix.size()), &w.task)) {
      return Bad("bad watermark message", key);
    }
    w.sequence = sequence;
    w.closed_through = day_at(10);
    if (value[14] == 1 && value.size() == 23) {
      w.data_span.emplace(day_at(15), day_at(19));
      if (w.data_span->first > w.data_span->second) return Bad("bad watermark data span", key);
    } else if (value[14] != 0 || value.size() != 15) {
      return Bad("bad watermark message", key);
    }
    return std::variant<TaskDayPartial, TaskWatermark>(w);
  }
  // DATE|T
  TaskDayPartial p;
  if (value[0] != kPartial || key.size() < 12 || key[10] != '|' ||
      !ParseDate(key.substr(0, 10), &p.day) || !ParseTask(key.substr(11), &p.task)) {
    return Bad("bad partial message", key);
  }
  p.sequence = sequence;
  size_t at = 10;
  std::string_view field;
  if (!Take(value, 4, &at, &field)) return Bad("partial cut short", key);
  const uint64_t count = ReadLittleEndian(field);
  // Each group takes at least 4 bytes: no count can ask for more than the value holds.
  if (count > value.size() / 4) return Bad("bad group count in partial", key);
  p.groups.reserve(count);
  for (uint64_t i = 0; i < count; ++i) {
    std::string_view group, sums;
    if (!Take(value, 1, &at, &field) ||
        !Take(value, static_cast<size_t>(ReadLittleEndian(field)), &at, &group) ||
        !Take(value, 2, &at, &field) ||
        !Take(value, static_cast<size_t>(ReadLittleEndian(field)), &at, &sums)) {
      return Bad("partial cut short", key);
    }
    if (group.find('|') == std::string_view::npos ||
        (!p.groups.empty() && p.groups.back().first >= group)) {
      return Bad("groups of a partial not in ascending order", key);
    }
    std::optional<ExactGroupSums> s = ExactGroupSums::Decode(sums);
    if (!s || s->registered != 0 || s->IsZero()) return Bad("bad sums in partial", key);
    p.groups.emplace_back(std::string(group), std::move(*s));
  }
  if (at != value.size()) return Bad("trailing bytes in partial", key);
  return std::variant<TaskDayPartial, TaskWatermark>(std::move(p));
}

}  // namespace fugong
