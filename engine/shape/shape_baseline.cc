#include "engine/shape/shape_baseline.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <numeric>

#include "engine/common/little_endian.h"

namespace fugong {

namespace {

constexpr uint32_t kAllHours = (1u << 24) - 1;
// The fixed hours, used when the window's profile lacks an hour: 08:00-18:00 and 00:00-05:00.
constexpr uint32_t kFixedWorking = ((1u << 18) - 1) & ~((1u << 8) - 1);
constexpr uint32_t kFixedBase = (1u << 5) - 1;
// A day's shape counts towards `min_window_days` when it has at least this many hours (a
// daylight-saving day has 23, a meter may miss an hour).
constexpr int kHoursOfAWholeDay = 20;

constexpr uint8_t kVersion = 1;
constexpr size_t kBytes = 1 + 1 + 1 + 4 + 4 + 4 + 8 + 8 + 7 * 8;

// Sums of a profile over days, hour by hour.
struct ProfileSums {
  std::array<double, 24> sum{};
  std::array<int, 24> days{};

  void Add(const DayShape& shape) {
    for (int h = 0; h < 24; ++h) {
      if (!shape.Has(h)) continue;
      sum[h] += shape.kw[h];
      ++days[h];
    }
  }
  // The mean profile, and which hours it has.
  uint32_t Mean(std::array<double, 24>* kw) const {
    uint32_t present = 0;
    for (int h = 0; h < 24; ++h) {
      (*kw)[h] = days[h] > 0 ? sum[h] / days[h] : 0.0;
      if (days[h] > 0) present |= 1u << h;
    }
    return present;
  }
};

void AppendDouble(double value, std::string* out) {
  AppendLittleEndian(std::bit_cast<uint64_t>(value), 8, out);
}

double ReadDouble(std::string_view bytes) {
  return std::bit_cast<double>(ReadLittleEndian(bytes.substr(0, 8)));
}

}  // namespace

Result<ShapeBaseline> ShapeBaseline::Fit(Day from, Day to, std::vector<DatedShape> shapes,
                                         const HolidayCalendar& calendar, const ShapeRules& rules) {
  std::sort(shapes.begin(), shapes.end(),
            [](const DatedShape& a, const DatedShape& b) { return a.day < b.day; });
  ProfileSums all;
  std::array<ProfileSums, 7> of_type;
  ShapeBaseline b;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const DatedShape& s = shapes[i];
    // A repeated day would make the sums depend on which copy came first.
    if (i > 0 && shapes[i - 1].day == s.day) {
      return Status::InvalidArgument("shape baseline: the shape of " + FormatDate(s.day) +
                                     " given twice");
    }
    if (s.day < from || s.day > to || calendar.IsHoliday(s.day)) continue;
    if (s.shape.present_count() == 0) continue;
    all.Add(s.shape);
    of_type[calendar.DayTypeOf(s.day)].Add(s.shape);
    if (s.shape.present_count() >= kHoursOfAWholeDay) ++b.window_days_;
  }
  if (b.window_days_ < rules.min_window_days) return b;

  std::array<double, 24> mean{};
  const uint32_t present = all.Mean(&mean);
  if (present == kAllHours) {
    b.hours_ = Hours::kFromData;
    std::array<int, 24> order;
    std::iota(order.begin(), order.end(), 0);
    std::stable_sort(order.begin(), order.end(), [&](int x, int y) { return mean[x] < mean[y]; });
    for (int i = 0; i < rules.base_hours; ++i) b.base_ |= 1u << order[i];
    double base_sum = 0;
    for (int h = 0; h < 24; ++h) {
      if ((b.base_ >> h) & 1u) base_sum += mean[h];
    }
    const double base_level = base_sum / rules.base_hours;
    const double peak = *std::max_element(mean.begin(), mean.end());
    const double threshold = base_level + rules.working_level * (peak - base_level);
    for (int h = 0; h < 24; ++h) {
      if (!((b.base_ >> h) & 1u) && peak > base_level && mean[h] >= threshold) {
        b.working_ |= 1u << h;
      }
    }
  } else if ((present & kFixedWorking) == kFixedWorking && (present & kFixedBase) == kFixedBase) {
    b.hours_ = Hours::kFixed;
    b.working_ = kFixedWorking;
    b.base_ = kFixedBase;
  } else {
    return b;
  }

  double load_sum = 0;
  for (int h = 0; h < 24; ++h) load_sum += mean[h];
  b.mean_kw_ = load_sum / std::popcount(present);
  if (b.working_ != 0) {
    b.excess_kw_ = b.ExcessOfProfile(mean, present).value_or(0.0);
  }
  for (int t = 0; t < 7; ++t) {
    std::array<double, 24> kw{};
    const uint32_t type_present = of_type[t].Mean(&kw);
    const std::optional<double> x =
        b.working_ != 0 ? b.ExcessOfProfile(kw, type_present) : std::nullopt;
    if (!x) continue;
    b.types_present_ |= static_cast<uint8_t>(1u << t);
    b.excess_of_type_[t] = *x;
  }
  b.judged_ =
      b.working_ != 0 && b.mean_kw_ > 0 && b.excess_kw_ >= rules.min_excess_share * b.mean_kw_;
  return b;
}

std::optional<double> ShapeBaseline::ExcessOfType(int type) const {
  if (type < 0 || type > 6 || !((types_present_ >> type) & 1u)) return std::nullopt;
  return excess_of_type_[type];
}

std::optional<double> ShapeBaseline::ExcessOf(const DayShape& day) const {
  return ExcessOfProfile(day.kw, day.hours_present);
}

std::optional<double> ShapeBaseline::ExcessOfProfile(const std::array<double, 24>& kw,
                                                     uint32_t present) const {
  const uint32_t work = working_ & present;
  const uint32_t base = base_ & present;
  const int work_n = std::popcount(work);
  const int base_n = std::popcount(base);
  if (work_n == 0 || base_n == 0 || 2 * work_n < std::popcount(working_) ||
      2 * base_n < std::popcount(base_)) {
    return std::nullopt;
  }
  double work_sum = 0;
  double base_sum = 0;
  for (int h = 0; h < 24; ++h) {
    if ((work >> h) & 1u) work_sum += kw[h];
    if ((base >> h) & 1u) base_sum += kw[h];
  }
  return work_sum / work_n - base_sum / base_n;
}

std::string ShapeBaseline::Encode() const {
  std::string out;
  out.reserve(kBytes);
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>((judged_ ? 0x10 : 0) | static_cast<uint8_t>(hours_)));
  out.push_back(static_cast<char>(types_present_));
  AppendLittleEndian(static_cast<uint32_t>(window_days_), 4, &out);
  AppendLittleEndian(working_, 4, &out);
  AppendLittleEndian(base_, 4, &out);
  AppendDouble(mean_kw_, &out);
  AppendDouble(excess_kw_, &out);
  for (double x : excess_of_type_) AppendDouble(x, &out);
  return out;
}

std::optional<ShapeBaseline> ShapeBaseline::Decode(std::string_view bytes) {
  if (bytes.size() != kBytes || static_cast<uint8_t>(bytes[0]) != kVersion) return std::nullopt;
  const auto flags = static_cast<uint8_t>(bytes[1]);
  const uint8_t hours = flags & 0x0f;
  if ((flags & ~0x1f) != 0 || hours > 2) return std::nullopt;
  ShapeBaseline b;
  b.judged_ = (flags & 0x10) != 0;
  b.hours_ = static_cast<Hours>(hours);
  b.types_present_ = static_cast<uint8_t>(bytes[2]);
  if (b.types_present_ > 0x7f) return std::nullopt;
  b.window_days_ = static_cast<int>(ReadLittleEndian(bytes.substr(3, 4)));
  b.working_ = static_cast<uint32_t>(ReadLittleEndian(bytes.substr(7, 4)));
  b.base_ = static_cast<uint32_t>(ReadLittleEndian(bytes.substr(11, 4)));
  if (b.working_ > kAllHours || b.base_ > kAllHours || (b.working_ & b.base_) != 0 ||
      b.window_days_ < 0) {
    return std::nullopt;
  }
  b.mean_kw_ = ReadDouble(bytes.substr(15));
  b.excess_kw_ = ReadDouble(bytes.substr(23));
  for (int t = 0; t < 7; ++t) b.excess_of_type_[t] = ReadDouble(bytes.substr(31 + 8 * t));
  return b;
}

}  // namespace fugong
