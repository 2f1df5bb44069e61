#include "engine/groups/exact_group_sums.h"

#include "engine/common/little_endian.h"

namespace fugong {

namespace {

constexpr uint8_t kVersion = 2;
constexpr uint8_t kVersionWithoutShape = 1;

// Reads `bytes` little-endian bytes from the front of `in`; false if it is too short.
bool TakeUint(std::string_view* in, int bytes, uint64_t* value) {
  if (in->size() < static_cast<size_t>(bytes)) return false;
  *value = ReadLittleEndian(in->substr(0, bytes));
  in->remove_prefix(bytes);
  return true;
}

void PutSum(const ExactSum& sum, std::string* out) {
  const std::string encoded = sum.Encoded();
  AppendLittleEndian(encoded.size(), 2, out);
  out->append(encoded);
}

std::optional<ExactSum> TakeSum(std::string_view* in) {
  uint64_t size = 0;
  if (!TakeUint(in, 2, &size) || in->size() < size) return std::nullopt;
  std::optional<ExactSum> sum = ExactSum::Decode(in->substr(0, size));
  in->remove_prefix(size);
  return sum;
}

}  // namespace

void ExactGroupSums::Add(const ExactGroupSums& other) {
  registered += other.registered;
  eligible += other.eligible;
  resumed += other.resumed;
  shape_judged += other.shape_judged;
  active += other.active;
  suspect_idle += other.suspect_idle;
  recovered_kwh.Add(other.recovered_kwh);
  baseline_kwh.Add(other.baseline_kwh);
}

GroupDaySums ExactGroupSums::Rounded() const {
  GroupDaySums out;
  out.registered = registered;
  out.eligible = eligible;
  out.resumed = resumed;
  out.shape_judged = shape_judged;
  out.active = active;
  out.suspect_idle = suspect_idle;
  out.recovered_kwh = recovered_kwh.Value();
  out.baseline_kwh = baseline_kwh.Value();
  return out;
}

bool ExactGroupSums::IsZero() const {
  return registered == 0 && eligible == 0 && resumed == 0 && shape_judged == 0 && active == 0 &&
         suspect_idle == 0 && recovered_kwh.IsZero() && baseline_kwh.IsZero();
}

void ExactGroupSums::Encode(std::string* out) const {
  out->push_back(static_cast<char>(kVersion));
  AppendLittleEndian(registered, 4, out);
  AppendLittleEndian(eligible, 4, out);
  AppendLittleEndian(resumed, 4, out);
  AppendLittleEndian(shape_judged, 4, out);
  AppendLittleEndian(active, 4, out);
  AppendLittleEndian(suspect_idle, 4, out);
  PutSum(recovered_kwh, out);
  PutSum(baseline_kwh, out);
}

std::optional<ExactGroupSums> ExactGroupSums::Decode(std::string_view bytes) {
  if (bytes.empty()) return std::nullopt;
  const auto version = static_cast<uint8_t>(bytes[0]);
  if (version != kVersion && version != kVersionWithoutShape) return std::nullopt;
  bytes.remove_prefix(1);
  ExactGroupSums out;
  uint64_t registered = 0, eligible = 0, resumed = 0;
  if (!TakeUint(&bytes, 4, &registered) || !TakeUint(&bytes, 4, &eligible) ||
      !TakeUint(&bytes, 4, &resumed)) {
    return std::nullopt;
  }
  out.registered = static_cast<uint32_t>(registered);
  out.eligible = static_cast<uint32_t>(eligible);
  out.resumed = static_cast<uint32_t>(resumed);
  if (version == kVersion) {
    uint64_t judged = 0, active = 0, suspects = 0;
    if (!TakeUint(&bytes, 4, &judged) || !TakeUint(&bytes, 4, &active) ||
        !TakeUint(&bytes, 4, &suspects)) {
      return std::nullopt;
    }
    out.shape_judged = static_cast<uint32_t>(judged);
    out.active = static_cast<uint32_t>(active);
    out.suspect_idle = static_cast<uint32_t>(suspects);
  }
  std::optional<ExactSum> recovered = TakeSum(&bytes);
  if (!recovered) return std::nullopt;
  std::optional<ExactSum> baseline = TakeSum(&bytes);
  if (!baseline || !bytes.empty()) return std::nullopt;
  out.recovered_kwh = *recovered;
  out.baseline_kwh = *baseline;
  return out;
}

}  // namespace fugong
