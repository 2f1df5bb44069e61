#include "engine/baseline/baseline_model.h"

#include <bit>
#include <cstdint>
#include <stdexcept>

namespace fugong {
namespace {

// Encoding, version 1 (all integers little-endian):
//   u8 version | u8 method (0 calendar, 1 mean) | u8 flags | u32 valid_days | f64 mean_kwh
//   calendar only: f64 intercept, f64 x 6 weekday effects, f64 hdd coefficient, f64 cdd coefficient
//   the rest: fallback_reason (UTF-8, no terminator)
// A `mean` model leaves out the nine coefficients, which are all zero, so most fallbacks take
// 15 bytes and a calendar model 87.
constexpr uint8_t kVersion = 1;
constexpr uint8_t kMethodCalendar = 0;
constexpr uint8_t kMethodMean = 1;
constexpr uint8_t kFlagValid = 1 << 0;
constexpr uint8_t kFlagUsesHdd = 1 << 1;
constexpr uint8_t kFlagUsesCdd = 1 << 2;
constexpr uint8_t kKnownFlags = kFlagValid | kFlagUsesHdd | kFlagUsesCdd;
constexpr size_t kHeaderBytes = 1 + 1 + 1 + 4 + 8;
constexpr size_t kCoefficientBytes = 8 * (1 + BaselineModel::kWeekdayEffects + 2);

void PutU32(uint32_t v, std::string* out) {
  for (int i = 0; i < 4; ++i) out->push_back(static_cast<char>((v >> (8 * i)) & 0xff));
}

void PutF64(double v, std::string* out) {
  const uint64_t bits = std::bit_cast<uint64_t>(v);
  for (int i = 0; i < 8; ++i) out->push_back(static_cast<char>((bits >> (8 * i)) & 0xff));
}

// Reads fixed-width fields from the front of a byte string; the caller checks the length first.
class ByteReader {
 public:
  explicit ByteReader(std::string_view bytes) : bytes_(bytes) {}
  uint8_t U8() { return static_cast<uint8_t>(bytes_[pos_++]); }
  uint32_t U32() { return static_cast<uint32_t>(Unsigned(4)); }
  double F64() { return std::bit_cast<double>(Unsigned(8)); }
  std::string_view Rest() const { return bytes_.substr(pos_); }

 private:
  uint64_t Unsigned(int width) {
    uint64_t v = 0;
    for (int i = 0; i < width; ++i) v |= uint64_t{U8()} << (8 * i);
    return v;
  }
  std::string_view bytes_;
  size_t pos_ = 0;
};

}  // namespace

double BaselineModel::Predict(int day_type, double hdd, double cdd) const {
  if (day_type < 0 || day_type > kWeekdayEffects) {
    throw std::out_of_range("day type must be 0..6, got " + std::to_string(day_type));
  }
  if (method == BaselineMethod::kMean) return mean_kwh;
  double b = intercept;
  if (day_type > 0) b += weekday_effect[day_type - 1];
  if (uses_hdd) b += hdd_coefficient * hdd;
  if (uses_cdd) b += cdd_coefficient * cdd;
  return b;
}

std::string BaselineModel::Encode() const {
  const bool calendar = method == BaselineMethod::kCalendar;
  std::string out;
  out.reserve(kHeaderBytes + (calendar ? kCoefficientBytes : 0) + fallback_reason.size());
  out.push_back(static_cast<char>(kVersion));
  out.push_back(static_cast<char>(calendar ? kMethodCalendar : kMethodMean));
  out.push_back(static_cast<char>((valid ? kFlagValid : 0) | (uses_hdd ? kFlagUsesHdd : 0) |
                                  (uses_cdd ? kFlagUsesCdd : 0)));
  PutU32(static_cast<uint32_t>(valid_days), &out);
  PutF64(mean_kwh, &out);
  if (calendar) {
    PutF64(intercept, &out);
    for (double effect : weekday_effect) PutF64(effect, &out);
    PutF64(hdd_coefficient, &out);
    PutF64(cdd_coefficient, &out);
  }
  out.append(fallback_reason);
  return out;
}

Result<BaselineModel> BaselineModel::Decode(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) {
    return Status::Corruption("baseline model: " + std::to_string(bytes.size()) +
                              " bytes is shorter than the header");
  }
  ByteReader in(bytes);
  const uint8_t version = in.U8();
  if (version != kVersion) {
    return Status::Corruption("baseline model: unknown encoding version " +
                              std::to_string(version));
  }
  const uint8_t method = in.U8();
  if (method != kMethodCalendar && method != kMethodMean) {
    return Status::Corruption("baseline model: unknown method " + std::to_string(method));
  }
  const uint8_t flags = in.U8();
  if ((flags & ~kKnownFlags) != 0 ||
      (method == kMethodMean && (flags & (kFlagUsesHdd | kFlagUsesCdd)) != 0)) {
    return Status::Corruption("baseline model: bad flags " + std::to_string(flags));
  }
  const uint32_t valid_days = in.U32();
  if (valid_days > static_cast<uint32_t>(INT32_MAX)) {
    return Status::Corruption("baseline model: bad valid-day count");
  }
  BaselineModel m;
  m.method = method == kMethodCalendar ? BaselineMethod::kCalendar : BaselineMethod::kMean;
  m.valid = (flags & kFlagValid) != 0;
  m.uses_hdd = (flags & kFlagUsesHdd) != 0;
  m.uses_cdd = (flags & kFlagUsesCdd) != 0;
  m.valid_days = static_cast<int>(valid_days);
  m.mean_kwh = in.F64();
  if (m.method == BaselineMethod::kCalendar) {
    if (bytes.size() < kHeaderBytes + kCoefficientBytes) {
      return Status::Corruption("baseline model: calendar coefficients are truncated");
    }
    m.intercept = in.F64();
    for (double& effect : m.weekday_effect) effect = in.F64();
    m.hdd_coefficient = in.F64();
    m.cdd_coefficient = in.F64();
  }
  m.fallback_reason = std::string(in.Rest());
  return m;
}

}  // namespace fugong
