// Hyperplane sampling that continues the TypeScript Rng stream bit for bit (compile with
// -ffp-contract=off).

#pragma once

#include "platform.h"

namespace {

// ---------------------------------------------------------------------------------------------
// Hyperplane sampling: a port of src/random/rng.ts (xoshiro128**, 53-bit uniforms, Marsaglia's
// polar method with the portable logarithm of src/random/portableLog.ts) doing exactly the same
// IEEE-754 double operations in the same order, so it continues a TypeScript stream bit for bit.

struct RngState {
  uint32_t s0, s1, s2, s3;
  double spare;  // NaN when there is no pending deviate
};

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

double PortableLog(double x) {
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

// Jump-ahead: the xoshiro128** state update is linear over GF(2), so k steps are the product of
// the matrices T^(2^i) for the set bits i of k. Each matrix is kept as the images of the 128
// state bits.
struct JumpTable {
  static constexpr int kPowers = 48;  // jumps below 2^48 words
  uint32_t image[kPowers][128][4];
};

inline void ApplyJump(const uint32_t (&m)[128][4], uint32_t v[4]) {
  uint32_t out[4] = {0, 0, 0, 0};
  for (int bit = 0; bit < 128; bit++) {
    const uint32_t take = 0u - ((v[bit / 32] >> (bit % 32)) & 1u);  // branch-free: all or none
    for (int w = 0; w < 4; w++) out[w] ^= m[bit][w] & take;
  }
  for (int w = 0; w < 4; w++) v[w] = out[w];
}

const JumpTable& Jumps() {
  static const JumpTable* table = [] {
    auto* t = new JumpTable;
    for (int bit = 0; bit < 128; bit++) {
      uint32_t v[4] = {0, 0, 0, 0};
      v[bit / 32] = 1u << (bit % 32);
      RngState r{v[0], v[1], v[2], v[3], NAN};
      NextUint32(r);
      const uint32_t image[4] = {r.s0, r.s1, r.s2, r.s3};
      std::memcpy(t->image[0][bit], image, sizeof image);
    }
    for (int i = 1; i < JumpTable::kPowers; i++) {
      for (int bit = 0; bit < 128; bit++) {
        std::memcpy(t->image[i][bit], t->image[i - 1][bit], sizeof t->image[i][bit]);
        ApplyJump(t->image[i - 1], t->image[i][bit]);
      }
    }
    return t;
  }();
  return *table;
}

// The state k words further along the stream.
RngState Jump(RngState r, uint64_t k) {
  uint32_t v[4] = {r.s0, r.s1, r.s2, r.s3};
  const JumpTable& t = Jumps();
  for (int i = 0; i < JumpTable::kPowers && (k >> i) != 0; i++) {
    if ((k >> i) & 1u) ApplyJump(t.image[i], v);
  }
  return {v[0], v[1], v[2], v[3], r.spare};
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

#ifdef MEMONET_X86
// Eight accepted pairs at once (word positions at[0..7]) into out[0..15] = u0, v0, u1, v1, ...:
// lane by lane the same IEEE double operations as PolarTransform and PortableLog (s is in (0, 1)
// and at least 2^-104, so PortableLog's special cases cannot occur; the scaling by 2^-53 is a
// multiplication here, exact like the division it replaces).
// Uniforms from eight (first word, second word) pairs held as 64-bit lanes (as UniformFromWords).
__attribute__((target("avx512f,avx512dq"))) inline __m512d UniformsOf(__m512i g) {
  const __m512d hi = _mm512_cvtepi64_pd(
      _mm512_srli_epi64(_mm512_and_si512(g, _mm512_set1_epi64(0xffffffffLL)), 5));
  const __m512d lo = _mm512_cvtepi64_pd(_mm512_srli_epi64(g, 32 + 6));
  return _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(hi, _mm512_set1_pd(67108864.0)), lo),
                       _mm512_set1_pd(1.0 / 9007199254740992.0));
}

// Uniforms from the two words at base[idx[lane]].
__attribute__((target("avx512f,avx512dq"))) inline __m512d Uniform8(const uint32_t* base,
                                                                    __m512i idx) {
  return UniformsOf(_mm512_i64gather_epi64(idx, reinterpret_cast<const long long*>(base), 4));
}

__attribute__((target("avx512f,avx512dq"))) void PolarTransform8(const uint32_t* words,
                                                                 const int64_t* at, float* out) {
  const __m512i idx = _mm512_loadu_si512(at);
  const __m512d one = _mm512_set1_pd(1.0);
  const __m512d two = _mm512_set1_pd(2.0);
  const __m512d u = _mm512_sub_pd(_mm512_mul_pd(two, Uniform8(words, idx)), one);
  const __m512d v = _mm512_sub_pd(_mm512_mul_pd(two, Uniform8(words + 2, idx)), one);
  const __m512d s = _mm512_add_pd(_mm512_mul_pd(u, u), _mm512_mul_pd(v, v));
  // PortableLog(s).
  const __m512i bits = _mm512_castpd_si512(s);
  __m512i k = _mm512_sub_epi64(_mm512_srli_epi64(bits, 52), _mm512_set1_epi64(1023));
  __m512d m = _mm512_castsi512_pd(
      _mm512_or_si512(_mm512_and_si512(bits, _mm512_set1_epi64(0x000fffffffffffffLL)),
                      _mm512_set1_epi64(0x3ff0000000000000LL)));
  const __mmask8 big = _mm512_cmp_pd_mask(m, _mm512_set1_pd(2 * 0.7071067811865476), _CMP_GT_OQ);
  m = _mm512_mask_mul_pd(m, big, m, _mm512_set1_pd(0.5));
  k = _mm512_mask_add_epi64(k, big, k, _mm512_set1_epi64(1));
  const __m512d f = _mm512_sub_pd(m, one);
  const __m512d sr = _mm512_div_pd(f, _mm512_add_pd(two, f));
  const __m512d z = _mm512_mul_pd(sr, sr);
  const __m512d w = _mm512_mul_pd(z, z);
  const __m512d t1 = _mm512_mul_pd(
      w, _mm512_add_pd(_mm512_set1_pd(3.999999999940941908e-1),
                       _mm512_mul_pd(w, _mm512_add_pd(_mm512_set1_pd(2.222219843214978396e-1),
                                                      _mm512_mul_pd(w, _mm512_set1_pd(1.531383769920937332e-1))))));
  const __m512d t2 = _mm512_mul_pd(
      z, _mm512_add_pd(
             _mm512_set1_pd(6.666666666666735130e-1),
             _mm512_mul_pd(w, _mm512_add_pd(_mm512_set1_pd(2.857142874366239149e-1),
                                            _mm512_mul_pd(w, _mm512_add_pd(_mm512_set1_pd(1.818357216161805012e-1),
                                                                           _mm512_mul_pd(w, _mm512_set1_pd(1.479819860511658591e-1))))))));
  const __m512d r = _mm512_add_pd(t2, t1);
  const __m512d hfsq = _mm512_mul_pd(_mm512_mul_pd(_mm512_set1_pd(0.5), f), f);
  const __m512d kd = _mm512_cvtepi64_pd(k);
  const __m512d inner = _mm512_add_pd(_mm512_mul_pd(sr, _mm512_add_pd(hfsq, r)),
                                      _mm512_mul_pd(kd, _mm512_set1_pd(1.90821492927058770002e-10)));
  const __m512d log = _mm512_sub_pd(_mm512_mul_pd(kd, _mm512_set1_pd(6.93147180369123816490e-1)),
                                    _mm512_sub_pd(_mm512_sub_pd(hfsq, inner), f));
  const __m512d factor = _mm512_sqrt_pd(_mm512_div_pd(_mm512_mul_pd(_mm512_set1_pd(-2.0), log), s));
  const __m256 uf = _mm512_cvtpd_ps(_mm512_mul_pd(u, factor));
  const __m256 vf = _mm512_cvtpd_ps(_mm512_mul_pd(v, factor));
  const __m512 both = _mm512_insertf32x8(_mm512_castps256_ps512(uf), vf, 1);
  const __m512i order = _mm512_setr_epi32(0, 8, 1, 9, 2, 10, 3, 11, 4, 12, 5, 13, 6, 14, 7, 15);
  _mm512_storeu_ps(out, _mm512_permutexvar_ps(order, both));
}
#endif

// Words per SIMD lane segment, and per generation task (16 lanes).
constexpr int64_t kLaneWords = 1024;
constexpr int64_t kTaskWords = 16 * kLaneWords;

// T^kLaneWords, for stepping from one lane's start to the next.
const uint32_t (&LaneJump())[128][4] {
  static const auto* m = [] {
    auto* t = new uint32_t[128][4];
    for (int bit = 0; bit < 128; bit++) {
      uint32_t v[4] = {0, 0, 0, 0};
      v[bit / 32] = 1u << (bit % 32);
      const RngState r = Jump({v[0], v[1], v[2], v[3], NAN}, kLaneWords);
      const uint32_t image[4] = {r.s0, r.s1, r.s2, r.s3};
      std::memcpy(t[bit], image, sizeof image);
    }
    return reinterpret_cast<const uint32_t(*)[128][4]>(t);
  }();
  return *m;
}

#ifdef MEMONET_X86
// 16 lanes of xoshiro128** at once: lane i continues lanes[i] for kLaneWords words into
// out[i * kLaneWords ...]; every 16 steps the 16 x 16 block is transposed so that each lane's
// words are stored contiguously.
__attribute__((target("avx512f"))) void GenerateLanesAvx512(const RngState* lanes, uint32_t* out) {
  alignas(64) uint32_t a0[16], a1[16], a2[16], a3[16];
  for (int i = 0; i < 16; i++) {
    a0[i] = lanes[i].s0;
    a1[i] = lanes[i].s1;
    a2[i] = lanes[i].s2;
    a3[i] = lanes[i].s3;
  }
  __m512i s0 = _mm512_load_si512(a0), s1 = _mm512_load_si512(a1), s2 = _mm512_load_si512(a2),
          s3 = _mm512_load_si512(a3);
  for (int64_t t0 = 0; t0 < kLaneWords; t0 += 16) {
    __m512i r[16], t[16], u[16], v[16];
    for (int k = 0; k < 16; k++) {
      const __m512i times5 = _mm512_add_epi32(s1, _mm512_slli_epi32(s1, 2));
      const __m512i rot = _mm512_rol_epi32(times5, 7);
      r[k] = _mm512_add_epi32(rot, _mm512_slli_epi32(rot, 3));  // rot * 9
      const __m512i shifted = _mm512_slli_epi32(s1, 9);
      s2 = _mm512_xor_si512(s2, s0);
      s3 = _mm512_xor_si512(s3, s1);
      s1 = _mm512_xor_si512(s1, s2);
      s0 = _mm512_xor_si512(s0, s3);
      s2 = _mm512_xor_si512(s2, shifted);
      s3 = _mm512_rol_epi32(s3, 11);
    }
    // Transpose: r[k] holds step k of every lane; the output rows are the lanes.
    for (int i = 0; i < 8; i++) {
      t[2 * i] = _mm512_unpacklo_epi32(r[2 * i], r[2 * i + 1]);
      t[2 * i + 1] = _mm512_unpackhi_epi32(r[2 * i], r[2 * i + 1]);
    }
    for (int i = 0; i < 4; i++) {
      u[4 * i] = _mm512_unpacklo_epi64(t[4 * i], t[4 * i + 2]);
      u[4 * i + 1] = _mm512_unpackhi_epi64(t[4 * i], t[4 * i + 2]);
      u[4 * i + 2] = _mm512_unpacklo_epi64(t[4 * i + 1], t[4 * i + 3]);
      u[4 * i + 3] = _mm512_unpackhi_epi64(t[4 * i + 1], t[4 * i + 3]);
    }
    for (int g = 0; g < 2; g++) {
      for (int e = 0; e < 4; e++) {
        v[8 * g + e] = _mm512_shuffle_i32x4(u[8 * g + e], u[8 * g + 4 + e], 0x88);
        v[8 * g + 4 + e] = _mm512_shuffle_i32x4(u[8 * g + e], u[8 * g + 4 + e], 0xdd);
      }
    }
    for (int e = 0; e < 8; e++) {
      _mm512_storeu_si512(out + e * kLaneWords + t0, _mm512_shuffle_i32x4(v[e], v[8 + e], 0x88));
      _mm512_storeu_si512(out + (e + 8) * kLaneWords + t0,
                          _mm512_shuffle_i32x4(v[e], v[8 + e], 0xdd));
    }
  }
}


// Uniforms from words[2l], words[2l + 1] for lanes l = 0..7.
__attribute__((target("avx512f,avx512dq"))) inline __m512d UniformsAt(const uint32_t* words) {
  return UniformsOf(_mm512_loadu_si512(words));
}

// Acceptance of the 64 candidate pairs at words[p], p = 0, 2, ..., 126 (needs words[0 .. 130)):
// bit k of *first for the candidate at 4k, of *second for the one at 4k + 2.
__attribute__((target("avx512f,avx512dq,bmi2"))) void FlagBlockAvx512(const uint32_t* words,
                                                                       uint32_t* first,
                                                                       uint32_t* second) {
  uint64_t mask = 0;
  const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0);
  for (int i = 0; i < 8; i++) {
    // Lane l: u from words[16i + 2l], [16i + 2l + 1], v from the next two words.
    const __m512d u = _mm512_sub_pd(_mm512_mul_pd(two, UniformsAt(words + 16 * i)), one);
    const __m512d v = _mm512_sub_pd(_mm512_mul_pd(two, UniformsAt(words + 16 * i + 2)), one);
    const __m512d s = _mm512_add_pd(_mm512_mul_pd(u, u), _mm512_mul_pd(v, v));
    const __mmask8 ok = _mm512_cmp_pd_mask(s, _mm512_setzero_pd(), _CMP_GT_OQ) &
                        _mm512_cmp_pd_mask(s, one, _CMP_LT_OQ);
    mask |= static_cast<uint64_t>(ok) << (8 * i);
  }
  *first = static_cast<uint32_t>(_pext_u64(mask, 0x5555555555555555ULL));
  *second = static_cast<uint32_t>(_pext_u64(mask, 0xaaaaaaaaaaaaaaaaULL));
}
#endif

// The same acceptance flags, one candidate at a time.
void FlagBlock(const uint32_t* words, uint32_t* first, uint32_t* second) {
  *first = *second = 0;
  for (int j = 0; j < 64; j++) {
    const double u = 2 * UniformFromWords(words + 2 * j) - 1;
    const double v = 2 * UniformFromWords(words + 2 * j + 2) - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) *((j & 1) ? second : first) |= 1u << (j / 2);
  }
}

// The raw words of one round of sampling, generated in parallel (lanes of 1024 words, each
// started by jump-ahead), with the polar method's acceptance of the candidate pair at every even
// position as bits.
struct WordStream {
  RngState start;                   // the state at words[0]
  std::vector<uint32_t> words;      // a multiple of kTaskWords
  std::vector<uint32_t> accept[2];  // bit k of accept[c]: the candidate at word 4k + 2c
  int64_t flagged = 0;              // candidates at p < flagged have flags (a multiple of 128)
  std::vector<RngState> lanes;

  void Reset(const RngState& r) {
    start = r;
    words.clear();
    accept[0].clear();
    accept[1].clear();
    flagged = 0;
  }

  // The next size to extend to.
  int64_t Grown() const {
    const int64_t n = static_cast<int64_t>(words.size());
    return n + std::max<int64_t>(kTaskWords, n / 16);
  }

  // Makes words [0, n) available (rounded up to whole tasks) and flags every candidate that they
  // hold entirely but the last 128 words.
  void Extend(int64_t n) {
    const int64_t have = static_cast<int64_t>(words.size());
    n = (n + kTaskWords - 1) / kTaskWords * kTaskWords;
    if (n <= have) return;
    words.resize(n);
    const int64_t laneCount = (n - have) / kLaneWords;
    lanes.resize(laneCount);
    const int64_t flaggedNow = n - 128;
    accept[0].resize(flaggedNow / 128);
    accept[1].resize(flaggedNow / 128);
#ifdef MEMONET_X86
    const bool vector = HasAvx512DqBmi2();
#endif
    const int64_t tasks = (n - have) / kTaskWords;
    g_pool->ParallelFor(static_cast<int>(tasks), [&](int task) {
      uint32_t* out = words.data() + have + task * kTaskWords;
      RngState at = Jump(start, static_cast<uint64_t>(have + task * kTaskWords));
      for (int l = 0; l < 16; l++) {
        lanes[16 * task + l] = at;
        uint32_t v[4] = {at.s0, at.s1, at.s2, at.s3};
        ApplyJump(LaneJump(), v);
        at = {v[0], v[1], v[2], v[3], NAN};
      }
#ifdef MEMONET_X86
      if (vector) {
        GenerateLanesAvx512(lanes.data() + 16 * task, out);
        return;
      }
#endif
      for (int l = 0; l < 16; l++) {
        RngState r = lanes[16 * task + l];
        for (int64_t t = 0; t < kLaneWords; t++) out[l * kLaneWords + t] = NextUint32(r);
      }
    });
    const int64_t b0 = flagged / 128, b1 = flaggedNow / 128;
    constexpr int64_t kBlocksPerTask = 256;
    g_pool->ParallelFor(static_cast<int>((b1 - b0 + kBlocksPerTask - 1) / kBlocksPerTask), [&](int task) {
      const int64_t end = std::min(b1, b0 + (task + 1) * kBlocksPerTask);
      for (int64_t blk = b0 + task * kBlocksPerTask; blk < end; blk++) {
#ifdef MEMONET_X86
        if (vector) {
          FlagBlockAvx512(words.data() + 128 * blk, &accept[0][blk], &accept[1][blk]);
          continue;
        }
#endif
        FlagBlock(words.data() + 128 * blk, &accept[0][blk], &accept[1][blk]);
      }
    });
    flagged = flaggedNow;
  }

  // Takes accepted candidates from word position *pos on (4 words each, rejected ones skipped)
  // until `pairs` are taken, appending their positions to `at`; leaves *pos after the last one.
  void TakePairs(int64_t* pos, int64_t pairs, int64_t* at) {
    const int64_t c = (*pos >> 1) & 1;
    int64_t k = *pos >> 2;
    while (pairs > 0) {
      if (4 * k + 2 * c >= flagged) Extend(Grown());
      const int64_t offset = k & 31;
      uint32_t bits = accept[c][k >> 5] >> offset;
      const int64_t count = __builtin_popcount(bits);
      if (count < pairs) {
        for (; bits != 0; bits &= bits - 1) *at++ = 4 * (k + __builtin_ctz(bits)) + 2 * c;
        pairs -= count;
        k += 32 - offset;
        continue;
      }
      int64_t last = 0;
      for (; pairs > 0; pairs--, bits &= bits - 1) {
        last = k + __builtin_ctz(bits);
        *at++ = 4 * last + 2 * c;
      }
      k = last + 1;
    }
    *pos = 4 * k + 2 * c;
  }
};

// count hyperplanes (dim normals, then the bias uniform, each) from the stream r, exactly as the
// one-at-a-time loop over normal() and uniform() of src/random/rng.ts draws them. Per round of
// hyperplanes: the raw words are generated in parallel (jump-ahead) with every candidate pair's
// acceptance; one thread walks the candidates (which pairs are accepted, where the bias draws
// fall: popcounts over the acceptance bits); then the pool turns the accepted pairs into normals
// (logarithm, square root, divisions: the costly part) with the same double operations.
void SampleHyperplanes(RngState& r, int64_t dim, int64_t count, double lambda, float* w,
                       float* b) {
  // Hyperplanes per round: at most 256 and about 2^18 normals, which bounds the buffers kept
  // between calls (about 3 MB).
  const int64_t round =
      std::max<int64_t>(1, std::min<int64_t>(256, (int64_t{1} << 18) / std::max<int64_t>(1, dim)));
  constexpr int64_t kPairsPerTask = 4096;
  // Kept between calls (one caller at a time, like the pool): no fresh pages on later calls.
  static WordStream stream;
  static std::vector<int64_t> pairAt;  // word position of each accepted pair
  static std::vector<int64_t> biasAt;  // word position of each bias uniform
  for (int64_t c0 = 0; c0 < count; c0 += round) {
    const int64_t c1 = std::min(count, c0 + round);
    const int64_t normals = (c1 - c0) * dim;
    const bool spareFirst = normals > 0 && r.spare == r.spare;
    stream.Reset(r);
    // A little under the expected 2 / (π/4) words per normal and 2 per bias: rounds of more than a
    // few tasks usually extend once (so the extension runs in every test that draws such a round).
    stream.Extend(static_cast<int64_t>(2.5 * static_cast<double>(normals)) + 2 * (c1 - c0) + 8);
    pairAt.resize(normals / 2 + (c1 - c0) + 1);
    biasAt.resize(c1 - c0);
    int64_t pos = 0, pairs = 0;
    bool pending = r.spare == r.spare;
    for (int64_t i = c0; i < c1; i++) {
      int64_t need = dim;
      if (pending && need > 0) {
        pending = false;
        need--;
      }
      const int64_t take = (need + 1) / 2;
      stream.TakePairs(&pos, take, pairAt.data() + pairs);
      pairs += take;
      if (need % 2 == 1) pending = true;  // the last pair's second deviate waits for the next draw
      if (pos + 2 > static_cast<int64_t>(stream.words.size())) stream.Extend(stream.Grown());
      biasAt[i - c0] = pos;
      pos += 2;
    }
    const uint32_t* words = stream.words.data();
    for (int64_t i = c0; i < c1; i++) {
      b[i] = static_cast<float>(-lambda + (lambda - -lambda) * UniformFromWords(words + biasAt[i - c0]));
    }
    const double spare = r.spare;
    r = Jump(stream.start, static_cast<uint64_t>(pos));
    r.spare = NAN;
    if (normals == 0) {
      r.spare = spare;
      continue;
    }
    float* out = w + c0 * dim;
    const int64_t offset = spareFirst ? 1 : 0;
    if (spareFirst) out[0] = static_cast<float>(spare);
    double lastV = NAN;
    // Pairs whose two deviates both land in this round (all but possibly the last one).
    const int64_t whole = std::min(pairs, (normals - offset) / 2);
#ifdef MEMONET_X86
    const bool vector = HasAvx512DqBmi2();
#endif
    g_pool->ParallelFor(static_cast<int>((pairs + kPairsPerTask - 1) / kPairsPerTask), [&](int task) {
      int64_t p = task * kPairsPerTask;
      const int64_t p1 = std::min(pairs, p + kPairsPerTask);
#ifdef MEMONET_X86
      if (vector) {
        for (; p + 8 <= std::min(p1, whole); p += 8) {
          PolarTransform8(words, pairAt.data() + p, out + offset + 2 * p);
        }
      }
#endif
      for (; p < p1; p++) {
        const int64_t t = offset + 2 * p;
        const double v = PolarTransform(words + pairAt[p], out + t);
        if (p < whole) {
          out[t + 1] = static_cast<float>(v);
        } else {
          lastV = v;  // the one pending deviate: only the last pair can leave it
        }
      }
    });
    if (pending) r.spare = lastV;
  }
}

}  // namespace
