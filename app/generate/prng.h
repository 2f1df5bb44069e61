// Deterministic pseudo-random numbers for the synthetic province.
//
// The generator must write byte-identical files for the same seed on every platform and standard
// library, so nothing here uses std::*_distribution (whose algorithms are unspecified) or
// std::random_device. Two kinds of randomness are used:
//  - counter-based hashes (SplitMix64 of a key), so that the value for (meter, day, slot) does not
//    depend on the order in which threads compute it;
//  - a small sequential generator (xoshiro256**) for drawing one entity's attributes.
#pragma once

#include <cmath>
#include <cstdint>

namespace fugong::synth {

// Sebastiano Vigna's SplitMix64 finaliser: a bijective 64-bit mix with good avalanche.
constexpr uint64_t SplitMix64(uint64_t x) {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// The independent random streams of the generator. Values are part of the output format: changing
// one changes every file generated from a seed.
enum class Stream : uint64_t {
  kCountyShuffle = 1,
  kEnterprise = 2,
  kEnterpriseDay = 3,
  kMeterDay = 4,
  kMeterOrder = 5,
  kWeatherProvince = 6,
  kWeatherCity = 7,
  kWeatherCounty = 8,
  kRegister = 9,
  kRollover = 10,
  kLine = 11,
  kSeason = 12,
  kRiskChart = 13,
  kShapeCase = 14,
};

// A key for (seed, stream, a, b): every combination gets an unrelated 64-bit value.
constexpr uint64_t StreamKey(uint64_t seed, Stream stream, uint64_t a = 0, uint64_t b = 0) {
  uint64_t h = SplitMix64(seed ^ 0x6a09e667f3bcc909ULL);
  h = SplitMix64(h ^ static_cast<uint64_t>(stream));
  h = SplitMix64(h ^ a);
  return SplitMix64(h ^ b);
}

// A uniform double in [0, 1) from the top 53 bits.
inline double UnitFromBits(uint64_t bits) { return static_cast<double>(bits >> 11) * 0x1.0p-53; }

// An approximately standard normal value from one hash: the Irwin-Hall sum of four 16-bit
// uniforms, rescaled. Bounded to +-3.46, which keeps multiplicative noise positive, and needs no
// libm call on the hot path.
inline double ApproxNormal(uint64_t bits) {
  const double sum = static_cast<double>((bits & 0xffff) + ((bits >> 16) & 0xffff) +
                                         ((bits >> 32) & 0xffff) + (bits >> 48)) *
                     (1.0 / 65536.0);
  return (sum - 2.0) * 1.7320508075688772;
}

// xoshiro256** (Blackman and Vigna), seeded through SplitMix64.
class Rng {
 public:
  explicit Rng(uint64_t key) {
    uint64_t x = key;
    for (uint64_t& word : state_) {
      x += 0x9e3779b97f4a7c15ULL;
      word = SplitMix64(x);
    }
  }

  uint64_t Next() {
    const uint64_t result = Rotl(state_[1] * 5, 7) * 9;
    const uint64_t t = state_[1] << 17;
    state_[2] ^= state_[0];
    state_[3] ^= state_[1];
    state_[1] ^= state_[2];
    state_[0] ^= state_[3];
    state_[2] ^= t;
    state_[3] = Rotl(state_[3], 45);
    return result;
  }

  // [0, 1).
  double Uniform() { return UnitFromBits(Next()); }
  // [lo, hi).
  double Uniform(double lo, double hi) { return lo + (hi - lo) * Uniform(); }
  // [0, n) for n >= 1; the modulo bias (< n / 2^64) is irrelevant here.
  uint64_t Below(uint64_t n) { return Next() % n; }
  // [lo, hi], both inclusive.
  int IntIn(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<uint64_t>(hi - lo + 1)));
  }
  bool Chance(double p) { return Uniform() < p; }
  // Standard normal by Box-Muller (one value per call; used off the hot path only).
  double Normal() {
    const double u1 = (static_cast<double>(Next() >> 11) + 0.5) * 0x1.0p-53;
    const double u2 = Uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  static uint64_t Rotl(uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  uint64_t state_[4];
};

}  // namespace fugong::synth
