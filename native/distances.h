// The geometry module's distance tile kernel (src/geometry/distanceKernel.ts is the
// specification): out[i * bRows + j] = ||a_i - b_j||^2 with float32 rows widened to double, the
// squared difference of coordinate k added to partial sum s[k mod 4] in increasing k, result
// (s0 + s1) + (s2 + s3); never fused multiply-add (compile with -ffp-contract=off). An AVX2
// version (four pairs' worth of lanes = the four partial sums) where the CPU has it, a portable one
// elsewhere; both give the same bits. Self-contained: no other memonet header.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define MEMONET_DISTANCES_X86 1
#endif

namespace memonet_distances {

inline double PairPortable(const float* a, const float* b, int dim) {
  double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
  int k = 0;
  for (; k + 4 <= dim; k += 4) {
    const double d0 = static_cast<double>(a[k]) - static_cast<double>(b[k]);
    const double d1 = static_cast<double>(a[k + 1]) - static_cast<double>(b[k + 1]);
    const double d2 = static_cast<double>(a[k + 2]) - static_cast<double>(b[k + 2]);
    const double d3 = static_cast<double>(a[k + 3]) - static_cast<double>(b[k + 3]);
    s0 += d0 * d0;
    s1 += d1 * d1;
    s2 += d2 * d2;
    s3 += d3 * d3;
  }
  if (k < dim) {
    const double d = static_cast<double>(a[k]) - static_cast<double>(b[k]);
    s0 += d * d;
  }
  if (k + 1 < dim) {
    const double d = static_cast<double>(a[k + 1]) - static_cast<double>(b[k + 1]);
    s1 += d * d;
  }
  if (k + 2 < dim) {
    const double d = static_cast<double>(a[k + 2]) - static_cast<double>(b[k + 2]);
    s2 += d * d;
  }
  return (s0 + s1) + (s2 + s3);
}

/** Rows [i0, i1) of the tile, portable. */
inline void TilePortable(const float* a, int i0, int i1, const float* b, int bRows, int dim,
                         double* out) {
  for (int i = i0; i < i1; i++) {
    const float* ar = a + static_cast<size_t>(i) * dim;
    double* o = out + static_cast<size_t>(i) * bRows;
    for (int j = 0; j < bRows; j++) o[j] = PairPortable(ar, b + static_cast<size_t>(j) * dim, dim);
  }
}

#ifdef MEMONET_DISTANCES_X86
/** The tail (dim mod 4 coordinates) and the final sums, shared by the AVX2 loop. */
__attribute__((target("avx2"))) inline double FinishAvx2(__m256d acc, const float* a,
                                                         const float* b, int d4, int dim) {
  alignas(32) double s[4];
  _mm256_store_pd(s, acc);
  for (int k = d4; k < dim; k++) {
    const double d = static_cast<double>(a[k]) - static_cast<double>(b[k]);
    s[k - d4] += d * d;
  }
  return (s[0] + s[1]) + (s[2] + s[3]);
}

/** Rows [i0, i1) of the tile, AVX2: one a row against four b rows at a time. */
__attribute__((target("avx2"))) inline void TileAvx2(const float* a, int i0, int i1,
                                                     const float* b, int bRows, int dim,
                                                     double* out) {
  const int d4 = dim & ~3;
  for (int i = i0; i < i1; i++) {
    const float* ar = a + static_cast<size_t>(i) * dim;
    double* o = out + static_cast<size_t>(i) * bRows;
    int j = 0;
    for (; j + 4 <= bRows; j += 4) {
      const float* b0 = b + static_cast<size_t>(j) * dim;
      const float* b1 = b0 + dim;
      const float* b2 = b1 + dim;
      const float* b3 = b2 + dim;
      __m256d c0 = _mm256_setzero_pd(), c1 = _mm256_setzero_pd();
      __m256d c2 = _mm256_setzero_pd(), c3 = _mm256_setzero_pd();
      for (int k = 0; k < d4; k += 4) {
        const __m256d x = _mm256_cvtps_pd(_mm_loadu_ps(ar + k));
        const __m256d e0 = _mm256_sub_pd(x, _mm256_cvtps_pd(_mm_loadu_ps(b0 + k)));
        const __m256d e1 = _mm256_sub_pd(x, _mm256_cvtps_pd(_mm_loadu_ps(b1 + k)));
        const __m256d e2 = _mm256_sub_pd(x, _mm256_cvtps_pd(_mm_loadu_ps(b2 + k)));
        const __m256d e3 = _mm256_sub_pd(x, _mm256_cvtps_pd(_mm_loadu_ps(b3 + k)));
        c0 = _mm256_add_pd(c0, _mm256_mul_pd(e0, e0));
        c1 = _mm256_add_pd(c1, _mm256_mul_pd(e1, e1));
        c2 = _mm256_add_pd(c2, _mm256_mul_pd(e2, e2));
        c3 = _mm256_add_pd(c3, _mm256_mul_pd(e3, e3));
      }
      o[j] = FinishAvx2(c0, ar, b0, d4, dim);
      o[j + 1] = FinishAvx2(c1, ar, b1, d4, dim);
      o[j + 2] = FinishAvx2(c2, ar, b2, d4, dim);
      o[j + 3] = FinishAvx2(c3, ar, b3, d4, dim);
    }
    for (; j < bRows; j++) {
      const float* br = b + static_cast<size_t>(j) * dim;
      __m256d c = _mm256_setzero_pd();
      for (int k = 0; k < d4; k += 4) {
        const __m256d e = _mm256_sub_pd(_mm256_cvtps_pd(_mm_loadu_ps(ar + k)),
                                        _mm256_cvtps_pd(_mm_loadu_ps(br + k)));
        c = _mm256_add_pd(c, _mm256_mul_pd(e, e));
      }
      o[j] = FinishAvx2(c, ar, br, d4, dim);
    }
  }
}
#endif

/** Whether the AVX2 version runs here (MEMONET_SIMD=portable forces the portable one). */
inline bool UseAvx2() {
#ifdef MEMONET_DISTANCES_X86
  static const bool use = [] {
    const char* forced = std::getenv("MEMONET_SIMD");
    if (forced != nullptr && std::string(forced) == "portable") return false;
    return __builtin_cpu_supports("avx2") != 0;
  }();
  return use;
#else
  return false;
#endif
}

/** Rows [i0, i1) of the tile with the best version for this CPU. */
inline void Tile(const float* a, int i0, int i1, const float* b, int bRows, int dim, double* out) {
#ifdef MEMONET_DISTANCES_X86
  if (UseAvx2()) {
    TileAvx2(a, i0, i1, b, bRows, dim, out);
    return;
  }
#endif
  TilePortable(a, i0, i1, b, bRows, dim, out);
}

/** "avx2" or "portable": the version Tile uses. */
inline const char* TileVersion() { return UseAvx2() ? "avx2" : "portable"; }

}  // namespace memonet_distances
