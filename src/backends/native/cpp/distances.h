// The geometry module's distance tile kernel (src/backends/reference/distances.ts is the
// specification), bit-identical to the TypeScript reference: in double, without fused
// multiply-add (compile with -ffp-contract=off),
//   na_i = sum_k a_ik^2, dot_ij = sum_k a_ik * b_jk (increasing k; zero a_ik may be skipped),
//   out[i * bRows + j] = max(0, (na_i + nb_j) - 2 dot_ij).
// Blocked like a matrix product: 4 rows of a against 8 columns of a k-major copy of b, skipping
// the coordinates where all 4 rows of a are zero. AVX2 where the CPU has it (MEMONET_SIMD=portable
// turns it off), portable elsewhere; both give the same bits. Self-contained: no other memonet
// header. SquaredDistances takes a parallel-for (tasks, fn(task)) so the caller's pool can run it.
#pragma once

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <string>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define MEMONET_DISTANCES_X86 1
#endif

namespace memonet_distances {

constexpr int kRows = 4;  // rows of a per register tile
constexpr int kCols = 8;  // columns of b per register tile

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

/** "avx2" or "portable": the version SquaredDistances uses. */
inline const char* Version() { return UseAvx2() ? "avx2" : "portable"; }

// Layouts: a4 holds a group of 4 rows k-major (a4[k * 4 + r]); a panel of b holds 8 columns
// k-major (panel[k * 8 + c]), so a register tile reads both contiguously.

/** dot[r * kCols + c] for a group a4 and a panel of b, over the coordinates ks. */
inline void DotsPortable(const double* a4, const int* ks, int nk, const double* panel,
                         double* dot) {
  for (int q = 0; q < kRows * kCols; q++) dot[q] = 0;
  for (int t = 0; t < nk; t++) {
    const int k = ks[t];
    const double* bk = panel + static_cast<size_t>(k) * kCols;
    for (int r = 0; r < kRows; r++) {
      const double av = a4[k * kRows + r];
      for (int c = 0; c < kCols; c++) dot[r * kCols + c] += av * bk[c];
    }
  }
}

#ifdef MEMONET_DISTANCES_X86
__attribute__((target("avx2"))) inline void DotsAvx2(const double* a4, const int* ks, int nk,
                                                     const double* panel, double* dot) {
  __m256d c00 = _mm256_setzero_pd(), c01 = _mm256_setzero_pd();
  __m256d c10 = _mm256_setzero_pd(), c11 = _mm256_setzero_pd();
  __m256d c20 = _mm256_setzero_pd(), c21 = _mm256_setzero_pd();
  __m256d c30 = _mm256_setzero_pd(), c31 = _mm256_setzero_pd();
  for (int t = 0; t < nk; t++) {
    const int k = ks[t];
    const double* bk = panel + static_cast<size_t>(k) * kCols;
    const __m256d b0 = _mm256_loadu_pd(bk);
    const __m256d b1 = _mm256_loadu_pd(bk + 4);
    const double* ak = a4 + k * kRows;
    const __m256d x0 = _mm256_broadcast_sd(ak);
    const __m256d x1 = _mm256_broadcast_sd(ak + 1);
    const __m256d x2 = _mm256_broadcast_sd(ak + 2);
    const __m256d x3 = _mm256_broadcast_sd(ak + 3);
    c00 = _mm256_add_pd(c00, _mm256_mul_pd(x0, b0));
    c01 = _mm256_add_pd(c01, _mm256_mul_pd(x0, b1));
    c10 = _mm256_add_pd(c10, _mm256_mul_pd(x1, b0));
    c11 = _mm256_add_pd(c11, _mm256_mul_pd(x1, b1));
    c20 = _mm256_add_pd(c20, _mm256_mul_pd(x2, b0));
    c21 = _mm256_add_pd(c21, _mm256_mul_pd(x2, b1));
    c30 = _mm256_add_pd(c30, _mm256_mul_pd(x3, b0));
    c31 = _mm256_add_pd(c31, _mm256_mul_pd(x3, b1));
  }
  _mm256_storeu_pd(dot, c00);
  _mm256_storeu_pd(dot + 4, c01);
  _mm256_storeu_pd(dot + 8, c10);
  _mm256_storeu_pd(dot + 12, c11);
  _mm256_storeu_pd(dot + 16, c20);
  _mm256_storeu_pd(dot + 20, c21);
  _mm256_storeu_pd(dot + 24, c30);
  _mm256_storeu_pd(dot + 28, c31);
}
#endif

inline double NormOf(const float* x, int dim) {
  double s = 0;
  for (int k = 0; k < dim; k++) {
    const double v = static_cast<double>(x[k]);
    s += v * v;
  }
  return s;
}

/**
 * The tile. `parallelFor(tasks, fn)` runs fn(0) .. fn(tasks - 1), possibly concurrently (each task
 * writes its own part of the buffers or of out).
 */
template <typename ParallelFor>
void SquaredDistances(const float* a, int aRows, const float* b, int bRows, int dim, double* out,
                      ParallelFor parallelFor) {
  if (aRows <= 0 || bRows <= 0) return;
  const int panels = (bRows + kCols - 1) / kCols;
  const int groups = (aRows + kRows - 1) / kRows;
  const size_t panelSize = static_cast<size_t>(dim) * kCols;
  const size_t groupSize = static_cast<size_t>(dim) * kRows;
  // b as zero-padded panels, a as groups (both in double), the coordinates where a group is not
  // all zero, and the squared norms. The buffers are kept per calling thread (no allocation and
  // page faults per tile) and filled in parallel, a panel or a group per task, row by row of each.
  static thread_local std::vector<double> bp, nb, a4, na;
  static thread_local std::vector<int> ks, nks;
  bp.resize(panelSize * panels);
  nb.resize(bRows);
  a4.resize(groupSize * groups);
  na.resize(aRows);
  ks.resize(static_cast<size_t>(dim) * groups);
  nks.resize(groups);
  double* bpData = bp.data();
  double* nbData = nb.data();
  double* a4Data = a4.data();
  double* naData = na.data();
  int* ksData = ks.data();
  int* nksData = nks.data();
  // Rows `width` apart of `src` (count of them real, the rest zero) into one k-major block.
  auto interleave = [dim](const float* src, int count, int width, double* block, double* norms) {
    for (int r = 0; r < width; r++) {
      if (r < count) {
        const float* row = src + static_cast<size_t>(r) * dim;
        for (int k = 0; k < dim; k++) block[static_cast<size_t>(k) * width + r] = row[k];
        norms[r] = NormOf(row, dim);
      } else {
        for (int k = 0; k < dim; k++) block[static_cast<size_t>(k) * width + r] = 0.0;
      }
    }
  };
  parallelFor(panels + groups, [&](int task) {
    if (task < panels) {
      const int j0 = task * kCols;
      interleave(b + static_cast<size_t>(j0) * dim, std::min(kCols, bRows - j0), kCols,
                 bpData + panelSize * task, nbData + j0);
      return;
    }
    const int g = task - panels;
    const int i0 = g * kRows;
    double* group = a4Data + groupSize * g;
    interleave(a + static_cast<size_t>(i0) * dim, std::min(kRows, aRows - i0), kRows, group,
               naData + i0);
    int nk = 0;
    int* gks = ksData + static_cast<size_t>(dim) * g;
    for (int k = 0; k < dim; k++) {
      const double* v = group + static_cast<size_t>(k) * kRows;
      if (v[0] != 0.0 || v[1] != 0.0 || v[2] != 0.0 || v[3] != 0.0) gks[nk++] = k;
    }
    nksData[g] = nk;
  });
  const bool avx2 = UseAvx2();
  // Tasks are (a block of panelBlock panels, a chunk of kGroupChunk groups): the panels (about
  // 192 KB, 4 panels for d = 784) stay in L2 while each group of the chunk passes over them, so b
  // is read from memory once per group chunk rather than once per group (memory-bound before).
  const int panelBlock = std::max(4, static_cast<int>((192 << 10) / (panelSize * sizeof(double))));
  constexpr int kGroupChunk = 16;
  const int panelBlocks = (panels + panelBlock - 1) / panelBlock;
  const int groupChunks = (groups + kGroupChunk - 1) / kGroupChunk;
  parallelFor(panelBlocks * groupChunks, [&](int task) {
    alignas(32) double dot[kRows * kCols];
    const int p0 = (task % panelBlocks) * panelBlock;
    const int p1 = std::min(panels, p0 + panelBlock);
    const int g0 = (task / panelBlocks) * kGroupChunk;
    const int g1 = std::min(groups, g0 + kGroupChunk);
    for (int g = g0; g < g1; g++) {
      const int i0 = g * kRows;
      const int rows = std::min(kRows, aRows - i0);
      const double* group = a4Data + groupSize * g;
      const int* gks = ksData + static_cast<size_t>(dim) * g;
      for (int p = p0; p < p1; p++) {
        const double* panel = bpData + panelSize * p;
#ifdef MEMONET_DISTANCES_X86
        if (avx2) {
          DotsAvx2(group, gks, nksData[g], panel, dot);
        } else {
          DotsPortable(group, gks, nksData[g], panel, dot);
        }
#else
        (void)avx2;
        DotsPortable(group, gks, nksData[g], panel, dot);
#endif
        const int j0 = p * kCols;
        const int cols = std::min(kCols, bRows - j0);
        for (int r = 0; r < rows; r++) {
          double* o = out + static_cast<size_t>(i0 + r) * bRows + j0;
          for (int c = 0; c < cols; c++) {
            const double v = (naData[i0 + r] + nbData[j0 + c]) - 2.0 * dot[r * kCols + c];
            o[c] = v > 0.0 ? v : 0.0;
          }
        }
      }
    }
  });
}

}  // namespace memonet_distances
