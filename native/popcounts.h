// Masked popcounts over bit-packed activations (the second layer's minima, the rows below a
// bound, any-mask-fires for prediction) and Algorithm 1's separation check.

#pragma once

#include "platform.h"

namespace {

// ---------------------------------------------------------------------------------------------
// Masked popcounts.

inline int PopcountWords(const uint32_t* mask, const uint32_t* row, int words) {
  int c = 0;
  for (int w = 0; w < words; w += 2) {
    uint64_t m = static_cast<uint64_t>(mask[w]) | (static_cast<uint64_t>(mask[w + 1]) << 32);
    uint64_t b = static_cast<uint64_t>(row[w]) | (static_cast<uint64_t>(row[w + 1]) << 32);
    c += __builtin_popcountll(m & b);
  }
  return c;
}

// min over rows of popcount(mask_q AND row) for q < k masks, portable; best[] holds running minima.
void MinManyPortable(const uint32_t* bits, int words, const uint32_t* masks, int k,
                     const int32_t* rows, int r0, int r1, int stopAt, int32_t* best) {
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    bool all = true;
    for (int q = 0; q < k; q++) {
      if (best[q] <= stopAt) continue;
      all = false;
      const int c = PopcountWords(masks + static_cast<size_t>(q) * words, row, words);
      if (c < best[q]) best[q] = c;
    }
    if (all) return;
  }
}

#ifdef MEMONET_X86
__attribute__((target("avx512f,avx512bw,avx512vpopcntdq"))) void MinManyAvx512(
    const uint32_t* bits, int words, const uint32_t* masks, int k, const int32_t* rows, int r0,
    int r1, int stopAt, int32_t* best) {
  const int blocks = words / 16;
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (t + 4 < r1) {
      const char* ahead = reinterpret_cast<const char*>(bits + static_cast<size_t>(rows[t + 4]) * words);
      for (int b = 0; b < blocks; b++) _mm_prefetch(ahead + 64 * b, _MM_HINT_T0);
    }
    bool all = true;
    // Masks in groups of 4: each row block is loaded once per group.
    for (int q0 = 0; q0 < k; q0 += 4) {
      const int g = std::min(4, k - q0);
      __m512i acc[4] = {_mm512_setzero_si512(), _mm512_setzero_si512(), _mm512_setzero_si512(),
                        _mm512_setzero_si512()};
      bool live = false;
      for (int q = 0; q < g; q++) live = live || best[q0 + q] > stopAt;
      if (!live) continue;
      all = false;
      for (int b = 0; b < blocks; b++) {
        const __m512i rb = _mm512_loadu_si512(row + 16 * b);
        for (int q = 0; q < g; q++) {
          const __m512i mb = _mm512_loadu_si512(masks + static_cast<size_t>(q0 + q) * words + 16 * b);
          acc[q] = _mm512_add_epi64(acc[q], _mm512_popcnt_epi64(_mm512_and_si512(mb, rb)));
        }
      }
      for (int q = 0; q < g; q++) {
        const int c = static_cast<int>(_mm512_reduce_add_epi64(acc[q]));
        if (c < best[q0 + q]) best[q0 + q] = c;
      }
    }
    if (all) return;
  }
}

// Horizontal sums of 8 vectors of 8 x u64: lane q of the result is the sum of v[q]'s lanes.
__attribute__((target("avx512f,avx512bw"))) inline __m512i Sum8x8(const __m512i v[8]) {
  const __m512i ab = _mm512_add_epi64(_mm512_unpacklo_epi64(v[0], v[1]), _mm512_unpackhi_epi64(v[0], v[1]));
  const __m512i cd = _mm512_add_epi64(_mm512_unpacklo_epi64(v[2], v[3]), _mm512_unpackhi_epi64(v[2], v[3]));
  const __m512i ef = _mm512_add_epi64(_mm512_unpacklo_epi64(v[4], v[5]), _mm512_unpackhi_epi64(v[4], v[5]));
  const __m512i gh = _mm512_add_epi64(_mm512_unpacklo_epi64(v[6], v[7]), _mm512_unpackhi_epi64(v[6], v[7]));
  const __m512i abcd = _mm512_add_epi64(_mm512_shuffle_i64x2(ab, cd, 0x88), _mm512_shuffle_i64x2(ab, cd, 0xdd));
  const __m512i efgh = _mm512_add_epi64(_mm512_shuffle_i64x2(ef, gh, 0x88), _mm512_shuffle_i64x2(ef, gh, 0xdd));
  return _mm512_add_epi64(_mm512_shuffle_i64x2(abcd, efgh, 0x88), _mm512_shuffle_i64x2(abcd, efgh, 0xdd));
}

// MinManyAvx512 for k = 8·groups masks: per row and group, 8 popcounts reduced together, the
// minima kept as vectors. Each block of a row is loaded once for all masks.
template <int groups>
__attribute__((target("avx512f,avx512bw,avx512vpopcntdq"))) void MinManyGroupsAvx512(
    const uint32_t* bits, int words, const uint32_t* masks, const int32_t* rows, int r0, int r1,
    int stopAt, int32_t* best) {
  constexpr int kMaxGroups = groups;
  const int blocks = words / 16;
  __m512i bestV[kMaxGroups];
  for (int g = 0; g < groups; g++) {
    const int32_t* bg = best + 8 * g;
    bestV[g] = _mm512_set_epi64(bg[7], bg[6], bg[5], bg[4], bg[3], bg[2], bg[1], bg[0]);
  }
  const __m512i stopV = _mm512_set1_epi64(stopAt);
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    __m512i acc[kMaxGroups][8];
    for (int g = 0; g < groups; g++)
      for (int q = 0; q < 8; q++) acc[g][q] = _mm512_setzero_si512();
    for (int b = 0; b < blocks; b++) {
      const __m512i rb = _mm512_loadu_si512(row + 16 * b);
      for (int g = 0; g < groups; g++) {
        for (int q = 0; q < 8; q++) {
          const __m512i mb =
              _mm512_loadu_si512(masks + static_cast<size_t>(8 * g + q) * words + 16 * b);
          acc[g][q] = _mm512_add_epi64(acc[g][q], _mm512_popcnt_epi64(_mm512_and_si512(mb, rb)));
        }
      }
    }
    bool done = true;
    for (int g = 0; g < groups; g++) {
      bestV[g] = _mm512_min_epi64(bestV[g], Sum8x8(acc[g]));
      done = done && _mm512_cmpgt_epi64_mask(bestV[g], stopV) == 0;
    }
    if (done) break;
  }
  for (int g = 0; g < groups; g++) {
    alignas(64) int64_t out[8];
    _mm512_store_si512(out, bestV[g]);
    for (int q = 0; q < 8; q++) best[8 * g + q] = static_cast<int32_t>(out[q]);
  }
}

// popcount(mask AND row) over `blocks` 512-bit blocks, stopping once the partial count reaches
// `bound` (checked every 2 blocks; partial counts only grow). The result is < bound exactly when
// the full count is.
__attribute__((target("avx512f,avx512bw,avx512vpopcntdq"))) inline double PopcountUntilAvx512(
    const uint32_t* mask, const uint32_t* row, int blocks, double bound) {
  __m512i acc = _mm512_setzero_si512();
  double c = 0;
  for (int b = 0; b < blocks; b++) {
    acc = _mm512_add_epi64(acc, _mm512_popcnt_epi64(_mm512_and_si512(
                                    _mm512_loadu_si512(mask + 16 * b), _mm512_loadu_si512(row + 16 * b))));
    if ((b & 1) == 1 || b + 1 == blocks) {
      c = static_cast<double>(_mm512_reduce_add_epi64(acc));
      if (c >= bound) break;
    }
  }
  return c;
}

__attribute__((target("avx512f,avx512bw,avx512vpopcntdq"))) void BelowAvx512(
    const uint32_t* bits, int words, const uint32_t* mask, const int32_t* rows, int r0, int r1,
    int64_t bound, std::vector<int32_t>& out) {
  const int blocks = words / 16;
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (PopcountUntilAvx512(mask, row, blocks, static_cast<double>(bound)) < bound) {
      out.push_back(rows[t]);
    }
  }
}
#endif

// out[t] = 1 iff some mask q has popcount(mask_q AND row) < thr[q] (early exits both ways).
void AnyBelowPortable(const uint32_t* bits, int words, const uint32_t* masks, const double* thr,
                      int k, const int32_t* rows, int r0, int r1, uint8_t* out) {
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    uint8_t fired = 0;
    for (int q = 0; q < k && !fired; q++) {
      if (PopcountWords(masks + static_cast<size_t>(q) * words, row, words) < thr[q]) fired = 1;
    }
    out[t] = fired;
  }
}

#ifdef MEMONET_X86
// Rows in blocks of 8: each block of a mask is loaded once for the 8 rows (the rows stay in L1,
// the masks stream from L2), and the 8 popcounts are reduced and compared together. A block
// stops at the first mask past which all its rows have fired.
__attribute__((target("avx512f,avx512bw,avx512vpopcntdq"))) void AnyBelowAvx512(
    const uint32_t* bits, int words, const uint32_t* masks, const double* thr, int k,
    const int32_t* rows, int r0, int r1, uint8_t* out) {
  const int blocks = words / 16;
  for (int t0 = r0; t0 < r1; t0 += 8) {
    const int n = std::min(8, r1 - t0);
    const uint32_t* row[8];
    for (int i = 0; i < 8; i++) row[i] = bits + static_cast<size_t>(rows[t0 + std::min(i, n - 1)]) * words;
    const unsigned all = (1u << n) - 1u;
    unsigned fired = 0;
    for (int q = 0; q < k && (fired & all) != all; q++) {
      const uint32_t* mask = masks + static_cast<size_t>(q) * words;
      __m512i acc[8];
      for (int i = 0; i < 8; i++) acc[i] = _mm512_setzero_si512();
      for (int b = 0; b < blocks; b++) {
        const __m512i mb = _mm512_loadu_si512(mask + 16 * b);
        for (int i = 0; i < 8; i++) {
          acc[i] = _mm512_add_epi64(
              acc[i], _mm512_popcnt_epi64(_mm512_and_si512(mb, _mm512_loadu_si512(row[i] + 16 * b))));
        }
      }
      // popcount < thr[q] for an integer popcount is popcount < ceil(thr[q]) (clamped).
      const double t = thr[q];
      const int64_t bound = t > 1e15 ? int64_t{1} << 50 : !(t > -1e15) ? -(int64_t{1} << 50)
                                                                         : static_cast<int64_t>(std::ceil(t));
      fired |= _mm512_cmplt_epi64_mask(Sum8x8(acc), _mm512_set1_epi64(bound));
    }
    for (int i = 0; i < n; i++) out[t0 + i] = (fired >> i) & 1u;
  }
}
#endif

void BelowPortable(const uint32_t* bits, int words, const uint32_t* mask, const int32_t* rows,
                   int r0, int r1, int64_t bound, std::vector<int32_t>& out) {
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (PopcountWords(mask, row, words) < bound) out.push_back(rows[t]);
  }
}

// Index of the first rows[t] outside [0, bitRows), or -1 when all are valid.
int64_t FirstBadRow(const int32_t* rows, int64_t count, int64_t bitRows) {
  for (int64_t t = 0; t < count; t++) {
    if (rows[t] < 0 || rows[t] >= bitRows) return t;
  }
  return -1;
}

// Splits [0, count) into chunks of at least `minRows` rows, at most 4 per thread.
int ChunkCount(int count, int minRows) {
  const int byWork = std::max(1, count / std::max(1, minRows));
  return std::min(byWork, 4 * g_pool->size());
}

// ---------------------------------------------------------------------------------------------
// Algorithm 1's separation check: for pairs (x⁻, x⁺) the lowest neuron i with bit i of x⁻ clear
// and bit i of x⁺ set. Returns the maximum of that index over all pairs and the number of pairs
// without one (the first such pair in (negative, positive) order as an example).

struct SeparationPart {
  int64_t maxFirst = -1;
  int64_t unseparated = 0;
  int64_t exampleNeg = -1;  // index into the negative list
  int64_t examplePos = -1;
};

// Lowest set bit of (~a & b) over `words` words, or -1.
inline int64_t FirstSeparating(const uint32_t* a, const uint32_t* b, int words, int validBits) {
  for (int w = 0; w < words; w += 2) {
    const uint64_t av = static_cast<uint64_t>(a[w]) | (static_cast<uint64_t>(a[w + 1]) << 32);
    const uint64_t bv = static_cast<uint64_t>(b[w]) | (static_cast<uint64_t>(b[w + 1]) << 32);
    uint64_t m = ~av & bv;
    if (m != 0) {
      const int64_t i = 32LL * w + __builtin_ctzll(m);
      return i < validBits ? i : -1;  // padding bits of b are 0, so this never triggers
    }
  }
  return -1;
}

void SeparationRange(const uint32_t* bits, int words, int validBits, const int32_t* neg, int n0,
                     int n1, const int32_t* pos, int posCount, bool stopAtFirst,
                     const std::atomic<bool>& stop, SeparationPart& part) {
  for (int a = n0; a < n1; a++) {
    if (stopAtFirst && stop.load(std::memory_order_relaxed)) return;
    const uint32_t* na = bits + static_cast<size_t>(neg[a]) * words;
    for (int b = 0; b < posCount; b++) {
      const int64_t f = FirstSeparating(na, bits + static_cast<size_t>(pos[b]) * words, words, validBits);
      if (f < 0) {
        if (part.unseparated == 0) {
          part.exampleNeg = a;
          part.examplePos = b;
        }
        part.unseparated++;
        if (stopAtFirst) return;
      } else if (f > part.maxFirst) {
        part.maxFirst = f;
      }
    }
  }
}

}  // namespace
