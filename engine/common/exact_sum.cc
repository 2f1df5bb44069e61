#include "engine/common/exact_sum.h"

#include <algorithm>
#include <cmath>

namespace fugong {
namespace {

constexpr uint64_t kDigitMask = 0xffffffff;
constexpr uint8_t kEncodingVersion = 1;
constexpr size_t kHeaderBytes = 4;

// A limb moves by less than 2^32 per operation, so after kMaxPendingOps operations from a
// normalised digit in [0, 2^32) it is below (kMaxPendingOps + 1) * 2^32 in magnitude, and adding
// the carry of the limb below (below 2^32 in magnitude too) still fits in an int64.
static_assert((ExactSum::kMaxPendingOps + 2) <= (int64_t{1} << 31),
              "limbs could overflow before normalisation");
// Every double's lowest possible bit (2^-1074) and highest (2^1023) fall in limbs 0..65, with the
// three-digit span of Add starting at most at limb 64, and limb 67 left for the sign.
static_assert(ExactSum::kLimbs * ExactSum::kDigitBits - ExactSum::kLimbZeroExponent == 1088);

bool IsNegative(const std::array<int64_t, ExactSum::kLimbs>& digits) {
  return (digits[ExactSum::kLimbs - 1] >> 31) != 0;
}

}  // namespace

void ExactSum::Normalise() {
  int64_t carry = 0;
  for (int64_t& limb : limbs_) {
    const int64_t v = limb + carry;
    limb = static_cast<int64_t>(static_cast<uint64_t>(v) & kDigitMask);
    carry = v >> kDigitBits;  // arithmetic shift (C++20): floor division by 2^32
  }
  // The carry out of the top limb is dropped: the state is the sum modulo 2^2176.
  pending_ops_ = 0;
}

ExactSum::Limbs ExactSum::NormalisedLimbs() const {
  if (pending_ops_ == 0) return limbs_;
  ExactSum copy = *this;
  copy.Normalise();
  return copy.limbs_;
}

void ExactSum::Merge(const ExactSum& other, bool subtract) {
  // Copied first: `other` may be *this. Its digits are below 2^32, one operation's worth.
  const Limbs digits = other.NormalisedLimbs();
  for (int i = 0; i < kLimbs; ++i) limbs_[i] += subtract ? -digits[i] : digits[i];
  CountOp();
}

double ExactSum::Value() const {
  Limbs digits = NormalisedLimbs();
  const bool negative = IsNegative(digits);
  if (negative) {  // two's complement negation: invert, add 1
    int64_t carry = 1;
    for (int64_t& d : digits) {
      const int64_t v = static_cast<int64_t>(static_cast<uint64_t>(d) ^ kDigitMask) + carry;
      d = v & static_cast<int64_t>(kDigitMask);
      carry = v >> kDigitBits;
    }
  }
  int top = kLimbs - 1;
  while (top >= 0 && digits[top] == 0) --top;
  if (top < 0) return 0.0;
  // Limb 66 weighs 2^1024: beyond every finite double, and beyond DBL_MAX's rounding half-way.
  if (top >= 66) return negative ? -HUGE_VAL : HUGE_VAL;

  // The 96 bits from the top digit down; bit 0 of `window` weighs 2^window_exponent.
  const auto digit_at = [&digits](int i) {
    return i >= 0 ? static_cast<unsigned __int128>(digits[i]) : 0;
  };
  const unsigned __int128 window =
      (digit_at(top) << 64) | (digit_at(top - 1) << 32) | digit_at(top - 2);
  const int window_exponent = kDigitBits * (top - 2) - kLimbZeroExponent;
  const int leading_bit = 128 - std::countl_zero(static_cast<uint64_t>(digits[top])) - 1;
  const int leading_exponent = window_exponent + leading_bit;
  // 53 significant bits for a normal result; a subnormal one has its ulp fixed at 2^-1074.
  const int ulp_exponent = std::max(leading_exponent - 52, -1074);
  // At least 12 (the window holds 65+ bits when the result is normal; when it is subnormal the
  // window starts at 2^-1088 or lower), at most 78 (top = 0, window from 2^-1152).
  const int dropped = ulp_exponent - window_exponent;
  uint64_t significand = static_cast<uint64_t>(window >> dropped);
  const unsigned __int128 remainder = window & ((static_cast<unsigned __int128>(1) << dropped) - 1);
  const unsigned __int128 half = static_cast<unsigned __int128>(1) << (dropped - 1);
  bool sticky = false;
  for (int i = 0; i < top - 2; ++i) sticky |= digits[i] != 0;
  if (remainder > half || (remainder == half && (sticky || (significand & 1) != 0))) {
    ++significand;  // may become 2^53: still exact in a double, and ldexp renormalises
  }
  // Exact (significand <= 2^53) except for overflow to infinity, which is the right rounding.
  const double magnitude = std::ldexp(static_cast<double>(significand), ulp_exponent);
  return negative ? -magnitude : magnitude;
}

bool ExactSum::IsZero() const {
  const Limbs digits = NormalisedLimbs();
  return std::all_of(digits.begin(), digits.end(), [](int64_t d) { return d == 0; });
}

bool operator==(const ExactSum& a, const ExactSum& b) {
  return a.NormalisedLimbs() == b.NormalisedLimbs();
}

void ExactSum::Encode(std::string* out) const {
  const Limbs digits = NormalisedLimbs();
  const bool negative = IsNegative(digits);
  const int64_t fill = negative ? static_cast<int64_t>(kDigitMask) : 0;
  int lowest = 0;
  while (lowest < kLimbs && digits[lowest] == 0) ++lowest;
  int end = kLimbs;  // one past the highest limb that is not the sign extension
  while (end > 0 && digits[end - 1] == fill) --end;
  if (lowest == kLimbs) lowest = 0;  // zero
  const int count = std::max(end - lowest, 0);
  out->push_back(static_cast<char>(kEncodingVersion));
  out->push_back(static_cast<char>(negative ? 1 : 0));
  out->push_back(static_cast<char>(lowest));
  out->push_back(static_cast<char>(count));
  for (int i = lowest; i < lowest + count; ++i) {
    const uint64_t d = static_cast<uint64_t>(digits[i]);
    for (int byte = 0; byte < 4; ++byte)
      out->push_back(static_cast<char>((d >> (8 * byte)) & 0xff));
  }
}

std::string ExactSum::Encoded() const {
  std::string out;
  Encode(&out);
  return out;
}

std::optional<ExactSum> ExactSum::Decode(std::string_view bytes) {
  if (bytes.size() < kHeaderBytes) return std::nullopt;
  const auto byte_at = [&bytes](size_t i) { return static_cast<uint8_t>(bytes[i]); };
  if (byte_at(0) != kEncodingVersion || byte_at(1) > 1) return std::nullopt;
  const size_t lowest = byte_at(2);
  const size_t count = byte_at(3);
  if (lowest >= kLimbs || count > kLimbs - lowest) return std::nullopt;
  if (bytes.size() != kHeaderBytes + 4 * count) return std::nullopt;
  ExactSum sum;
  const int64_t fill = byte_at(1) == 1 ? static_cast<int64_t>(kDigitMask) : 0;
  for (size_t i = lowest + count; i < kLimbs; ++i) sum.limbs_[i] = fill;
  for (size_t i = 0; i < count; ++i) {
    uint64_t d = 0;
    for (int byte = 0; byte < 4; ++byte) {
      d |= static_cast<uint64_t>(byte_at(kHeaderBytes + 4 * i + byte)) << (8 * byte);
    }
    sum.limbs_[lowest + i] = static_cast<int64_t>(d);
  }
  // A sum of doubles is a multiple of 2^-1074: the 14 lowest bits of limb 0 are never set.
  if ((sum.limbs_[0] & ((1 << (kLimbZeroExponent - 1074)) - 1)) != 0) return std::nullopt;
  // Every other 68 digits in [0, 2^32) are a valid state; canonical bytes are those Encode writes
  // for it (the sign byte agrees with the top bit, no zero limb at the bottom, no sign extension at
  // the top, index 0 for zero). Anything else would let equal sums have different bytes.
  if (sum.Encoded() != bytes) return std::nullopt;
  return sum;
}

}  // namespace fugong
