// The scalar pieces of src/random/rng.ts (xoshiro128**, 53-bit uniforms, Marsaglia's polar
// method with the portable logarithm of src/random/portableLog.ts): exactly the same IEEE-754
// double operations in the same order, so native sampling continues a TypeScript stream bit for
// bit (compile with -ffp-contract=off). Shared by every kernel table and the sampling driver.

#pragma once

#include <cmath>
#include <cstdint>
#include <cstring>

#include "kernel_table.h"

namespace memonet {

inline uint32_t Rotl(uint32_t x, int k) { return (x << k) | (x >> (32 - k)); }

inline uint32_t NextUint32(RngState& r) {
  const uint32_t result = Rotl(r.s1 * 5u, 7) * 9u;
  const uint32_t t = r.s1 << 9;
  r.s2 ^= r.s0;
  r.s3 ^= r.s1;
  r.s1 ^= r.s2;
  r.s0 ^= r.s3;
  r.s2 ^= t;
  r.s3 = Rotl(r.s3, 11);
  return result;
}

inline double PortableLog(double x) {
  const double LN2_HI = 6.93147180369123816490e-1, LN2_LO = 1.90821492927058770002e-10;
  const double LG1 = 6.666666666666735130e-1, LG2 = 3.999999999940941908e-1,
               LG3 = 2.857142874366239149e-1, LG4 = 2.222219843214978396e-1,
               LG5 = 1.818357216161805012e-1, LG6 = 1.531383769920937332e-1,
               LG7 = 1.479819860511658591e-1;
  const double SQRT_HALF = 0.7071067811865476;
  if (!(x > 0)) return x == 0 ? -INFINITY : NAN;
  if (x == INFINITY) return INFINITY;
  int k = 0;
  if (x < 2.2250738585072014e-308) {
    x *= 18014398509481984.0;
    k = -54;
  }
  uint64_t bitsX;
  std::memcpy(&bitsX, &x, 8);
  const uint32_t hi = static_cast<uint32_t>(bitsX >> 32);
  k += static_cast<int>(hi >> 20) - 1023;
  const uint64_t mBits = (static_cast<uint64_t>((hi & 0x000fffffu) | 0x3ff00000u) << 32) |
                         (bitsX & 0xffffffffull);
  double m;
  std::memcpy(&m, &mBits, 8);
  if (m > 2 * SQRT_HALF) {
    m *= 0.5;
    k += 1;
  }
  const double f = m - 1;
  const double s = f / (2 + f);
  const double z = s * s;
  const double w = z * z;
  const double t1 = w * (LG2 + w * (LG4 + w * LG6));
  const double t2 = z * (LG1 + w * (LG3 + w * (LG5 + w * LG7)));
  const double r = t2 + t1;
  const double hfsq = 0.5 * f * f;
  const double kd = static_cast<double>(k);
  return kd * LN2_HI - (hfsq - (s * (hfsq + r) + kd * LN2_LO) - f);
}

// Uniform in [0, 1) from two consecutive raw words, as Rng.uniform() makes it (53 bits).
inline double UniformFromWords(const uint32_t* words) {
  const double hi = static_cast<double>(words[0] >> 5);
  const double lo = static_cast<double>(words[1] >> 6);
  return (hi * 67108864.0 + lo) / 9007199254740992.0;
}

// The polar transform of one accepted pair: (u, v) from its four words, scaled by
// sqrt(-2 log s / s). Writes u's deviate to *first and returns v's (as a double).
inline double PolarTransform(const uint32_t* q, float* first) {
  const double u = 2 * UniformFromWords(q) - 1;
  const double v = 2 * UniformFromWords(q + 2) - 1;
  const double s = u * u + v * v;
  const double factor = std::sqrt((-2 * PortableLog(s)) / s);
  *first = static_cast<float>(u * factor);
  return v * factor;
}

// Words per SIMD lane segment of the sampler's word stream.
constexpr int64_t kLaneWords = 1024;

}  // namespace memonet
