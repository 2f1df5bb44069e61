// ExactSum: the exact sum of finite doubles, whatever the order and grouping of the terms.
//
// Why. A floating-point sum depends on the order of its terms (each + rounds), so the group
// sums of the index were taken in enterprise-id order to make them reproducible. Scoring in
// parallel shards, patching a day's sums when one enterprise's score changes (subtract its old
// contribution, add the new one) and combining partial sums from several instances all break
// that order. ExactSum keeps the sum exactly, so:
//   - it is independent of order and grouping: any sequence of Add/Subtract of the same terms,
//     in any order, split into any partial sums merged in any order, gives the same state
//     (operator==) and the same bytes (Encode);
//   - it is exactly invertible: Add(x) then Subtract(x) restores the state, bit for bit;
//   - Value() rounds once, from the exact sum, to the nearest double (ties to even).
//
// How. Every finite double is an integer multiple of 2^-1074 below 2^1024 in magnitude, so the
// sum is an integer N times 2^-1088 (2^-1088 rather than 2^-1074 so that limbs are aligned on
// 32-bit boundaries). N is held in a "superaccumulator" of kLimbs = 68 signed 64-bit limbs:
// limb i holds a 32-bit digit of weight 2^(32 i - 1088), i.e. limb 0 is 2^-1088, limb 33 is 2^-32,
// limb 34 is 2^0 = 1, limb 66 is 2^1024 and limb 67 (2^1056) carries the sign.
//   - Add(x): the 53-bit significand of x, shifted by (its exponent mod 32), spans at most 3
//     consecutive digits; each receives less than 2^32 in magnitude, added (or subtracted) to
//     its limb without propagating carries. No branch on the value other than the sign mask.
//   - Headroom: a normalised limb is in [0, 2^32); each Add/Subtract/merge moves a limb by less
//     than 2^32, so a limb stays within int64 for kMaxPendingOps (2^31 - 2, ~2.1 billion)
//     operations. A counter of operations since the last normalisation triggers Normalise()
//     when it reaches that bound, so there is no overflow (and no UB) for any number of calls.
//     (Checking the three updated limbs against a bound instead, with no counter, measured
//     10-15 % slower in benchmarks/exact_sum_bench.cc.)
//   - Normalise() propagates carries from limb 0 upward and leaves every limb a digit in
//     [0, 2^32). The carry out of limb 67 is dropped: the state is N modulo 2^2176 in two's
//     complement (limb 67's top bit is the sign). Arithmetic modulo 2^2176 is still a group, so
//     order independence and invertibility hold unconditionally; Value() is the exact sum as
//     long as |sum| < 2^1087, which takes 2^63 terms of DBL_MAX to exceed.
//   - Value(): normalises a copy, takes the magnitude (two's complement negation), finds the
//     highest non-zero digit, takes the 96 bits from it down, and rounds them to 53 bits (fewer
//     for a subnormal result, whose ulp is fixed at 2^-1074) to nearest, ties to even, with
//     the digits below as the sticky bit. |sum| >= 2^1024 - 2^970 (halfway past DBL_MAX)
//     rounds to +-infinity, as IEEE 754 does; a sum that cancels to zero is +0.0.
//
// Non-finite inputs (inf, NaN) are a programming error: callers never pass them (scores are
// finite by construction). Add/Subtract assert it; in a release build a non-finite input is
// added as if it were a finite number of exponent 1024 (the limb indices stay in range, so it is
// wrong but not undefined behaviour).
//
// Encoding (stored in RocksDB per (day, group), sent in Kafka messages): the normalised state,
// trimmed to the limbs in use. Equal sums give equal bytes; Decode accepts only the bytes Encode
// would write, so equal bytes also means equal sums.
//   byte 0       version, 1
//   byte 1       0 for a sum >= 0, 1 for a negative sum (limbs above the encoded ones are then
//                0xffffffff: two's complement sign extension, rather than 0)
//   byte 2       index of the lowest non-zero limb (0 for a zero sum)
//   byte 3       number n of limbs written, from that index up to the highest limb that is not
//                the sign extension
//   4 n bytes    those limbs' digits, 32-bit little-endian, lowest first
// A positive sum of kWh figures (1e-9..1e12) takes 4 + 4 * 4..6 bytes.
#pragma once

#include <array>
#include <bit>
#include <cassert>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace fugong {

class ExactSum {
 public:
  ExactSum() = default;

  // Adds / subtracts one finite double, exactly. O(1): three limb updates.
  void Add(double x) { AddScaled(x, 0); }
  void Subtract(double x) { AddScaled(x, -1); }

  // Adds / subtracts another exact sum (a shard's partial sum, another instance's, an old
  // contribution). `other` may be *this.
  void Add(const ExactSum& other) { Merge(other, false); }
  void Subtract(const ExactSum& other) { Merge(other, true); }

  // The exact sum correctly rounded to the nearest double, ties to even (+0.0 for zero).
  double Value() const;

  bool IsZero() const;

  // Equal exact sums, whatever sequences of operations produced them.
  friend bool operator==(const ExactSum& a, const ExactSum& b);

  // Appends the versioned, canonical encoding (see above) to `out`.
  void Encode(std::string* out) const;
  std::string Encoded() const;

  // The sum Encode wrote, or nothing if `bytes` are not exactly what Encode writes for some sum
  // (wrong version or length, a limb index out of range, a zero or redundant limb at either end).
  static std::optional<ExactSum> Decode(std::string_view bytes);

  static constexpr int kLimbs = 68;
  static constexpr int kDigitBits = 32;
  // Weight of limb 0 is 2^-kLimbZeroExponent.
  static constexpr int kLimbZeroExponent = 1088;
  // Operations (Add, Subtract, merges) between normalisations; see the header comment.
  static constexpr int64_t kMaxPendingOps = (int64_t{1} << 31) - 2;

 private:
  using Limbs = std::array<int64_t, kLimbs>;

  // sign_mask is 0 to add x, -1 to subtract it.
  void AddScaled(double x, int64_t sign_mask);
  void Merge(const ExactSum& other, bool subtract);
  void CountOp() {
    if (++pending_ops_ >= kMaxPendingOps) Normalise();
  }
  void Normalise();
  // A normalised copy of the limbs (digits in [0, 2^32), limb 67's top bit the sign).
  Limbs NormalisedLimbs() const;

  Limbs limbs_{};
  int64_t pending_ops_ = 0;

  friend class ExactSumTestPeer;  // puts limbs at the edge of their headroom
};

// Inline: this runs for every enterprise x group x day.
inline void ExactSum::AddScaled(double x, int64_t sign_mask) {
  const uint64_t bits = std::bit_cast<uint64_t>(x);
  const uint64_t exponent_field = (bits >> 52) & 0x7ff;
  assert(exponent_field != 0x7ff && "ExactSum: non-finite input");
  // x = significand * 2^(max(exponent_field, 1) - 1075); subnormals have no implicit bit.
  const uint64_t significand =
      (bits & ((uint64_t{1} << 52) - 1)) | (uint64_t{exponent_field != 0} << 52);
  // Position of the significand's lowest bit counted from 2^-1088 (14 for 2^-1074).
  const uint64_t position = exponent_field + (exponent_field == 0) + 13;
  const uint64_t limb = position / kDigitBits;  // at most 64, so limb + 2 < kLimbs
  const unsigned __int128 shifted = static_cast<unsigned __int128>(significand)
                                    << (position % kDigitBits);
  // -1 when the term is to be subtracted: x < 0 xor Subtract.
  const int64_t negate = sign_mask ^ -static_cast<int64_t>(bits >> 63);
  const auto digit = [negate](uint64_t d) {
    return (static_cast<int64_t>(d & 0xffffffff) ^ negate) - negate;
  };
  limbs_[limb] += digit(static_cast<uint64_t>(shifted));
  limbs_[limb + 1] += digit(static_cast<uint64_t>(shifted >> 32));
  limbs_[limb + 2] += digit(static_cast<uint64_t>(shifted >> 64));
  CountOp();
}

}  // namespace fugong
