// The first layer Φ(x) = σ(Wx + b): pre-activations bit-identical to the TypeScript reference
// (float32 sums in increasing input order, never fused multiply-add; compile with
// -ffp-contract=off), by row tiles, dense 4-row blocks or sparse row groups.

#pragma once

#include "platform.h"

namespace {

// ---------------------------------------------------------------------------------------------
// First layer.

struct LayerArgs {
  const float* x;
  int rows;
  int dim;
  const float* w;   // W, width x dim (row-major)
  const float* wT;  // W^T, dim x width; may be null where the row-group path runs (NeedsTranspose)
  int width;
  const float* bias;
};

constexpr int kTile = 256;  // neurons per tile: 16 AVX-512 accumulators

// Pre-activations of one row for neurons [i0, i0 + count) into z (portable version).
void PreactTilePortable(const LayerArgs& a, const int* nz, int nnz, const float* xr, int i0,
                        int count, float* z) {
  for (int i = 0; i < count; i++) z[i] = 0.0f;
  for (int k = 0; k < nnz; k++) {
    const int j = nz[k];
    const float xj = xr[j];
    const float* w = a.wT + static_cast<size_t>(j) * a.width + i0;
    for (int i = 0; i < count; i++) {
      float p = xj * w[i];
      z[i] = z[i] + p;
    }
  }
  for (int i = 0; i < count; i++) z[i] = z[i] + a.bias[i0 + i];
}

#ifdef MEMONET_X86
// A full tile of kTile neurons: the 16 accumulators stay in registers (compile-time count).
__attribute__((target("avx512f,avx512bw"))) void PreactFullTileAvx512(const LayerArgs& a,
                                                                       const int* nz, int nnz,
                                                                       const float* xr, int i0,
                                                                       float* z) {
  __m512 acc0 = _mm512_setzero_ps(), acc1 = acc0, acc2 = acc0, acc3 = acc0, acc4 = acc0,
         acc5 = acc0, acc6 = acc0, acc7 = acc0, acc8 = acc0, acc9 = acc0, acc10 = acc0,
         acc11 = acc0, acc12 = acc0, acc13 = acc0, acc14 = acc0, acc15 = acc0;
  for (int k = 0; k < nnz; k++) {
    const int j = nz[k];
    const __m512 xj = _mm512_set1_ps(xr[j]);
    const float* w = a.wT + static_cast<size_t>(j) * a.width + i0;
#define MEMONET_STEP(v) acc##v = _mm512_add_ps(acc##v, _mm512_mul_ps(xj, _mm512_loadu_ps(w + 16 * v)))
    MEMONET_STEP(0); MEMONET_STEP(1); MEMONET_STEP(2); MEMONET_STEP(3);
    MEMONET_STEP(4); MEMONET_STEP(5); MEMONET_STEP(6); MEMONET_STEP(7);
    MEMONET_STEP(8); MEMONET_STEP(9); MEMONET_STEP(10); MEMONET_STEP(11);
    MEMONET_STEP(12); MEMONET_STEP(13); MEMONET_STEP(14); MEMONET_STEP(15);
#undef MEMONET_STEP
  }
  const float* b = a.bias + i0;
#define MEMONET_OUT(v) _mm512_storeu_ps(z + 16 * v, _mm512_add_ps(acc##v, _mm512_loadu_ps(b + 16 * v)))
  MEMONET_OUT(0); MEMONET_OUT(1); MEMONET_OUT(2); MEMONET_OUT(3);
  MEMONET_OUT(4); MEMONET_OUT(5); MEMONET_OUT(6); MEMONET_OUT(7);
  MEMONET_OUT(8); MEMONET_OUT(9); MEMONET_OUT(10); MEMONET_OUT(11);
  MEMONET_OUT(12); MEMONET_OUT(13); MEMONET_OUT(14); MEMONET_OUT(15);
#undef MEMONET_OUT
}

// Any tile (the last one may be partial): accumulators in memory, masked tail.
__attribute__((target("avx512f,avx512bw"))) void PreactTileAvx512(const LayerArgs& a,
                                                                   const int* nz, int nnz,
                                                                   const float* xr, int i0,
                                                                   int count, float* z) {
  if (count == kTile) {
    PreactFullTileAvx512(a, nz, nnz, xr, i0, z);
    return;
  }
  __m512 acc[kTile / 16];
  for (int v = 0; v < kTile / 16; v++) acc[v] = _mm512_setzero_ps();
  const int full = count / 16;
  const int rest = count % 16;
  const __mmask16 tail = static_cast<__mmask16>((1u << rest) - 1u);
  for (int k = 0; k < nnz; k++) {
    const int j = nz[k];
    const __m512 xj = _mm512_set1_ps(xr[j]);
    const float* w = a.wT + static_cast<size_t>(j) * a.width + i0;
    for (int v = 0; v < full; v++) {
      acc[v] = _mm512_add_ps(acc[v], _mm512_mul_ps(xj, _mm512_loadu_ps(w + 16 * v)));
    }
    if (rest != 0) {
      acc[full] =
          _mm512_add_ps(acc[full], _mm512_mul_ps(xj, _mm512_maskz_loadu_ps(tail, w + 16 * full)));
    }
  }
  const int vectors = full + (rest != 0 ? 1 : 0);
  for (int v = 0; v < vectors; v++) {
    const __mmask16 m = (v == full) ? tail : static_cast<__mmask16>(0xffff);
    const __m512 b = _mm512_maskz_loadu_ps(m, a.bias + i0 + 16 * v);
    _mm512_mask_storeu_ps(z + 16 * v, m, _mm512_add_ps(acc[v], b));
  }
}
// Float32 sums of 4 rows × 64 neurons in 16 AVX-512 registers (named members, so that the
// compiler keeps them in registers): the register tile of the dense and the row-group paths.
struct Tile4x64 {
  __m512 c00, c01, c02, c03, c10, c11, c12, c13, c20, c21, c22, c23, c30, c31, c32, c33;

  __attribute__((target("avx512f,avx512bw"), always_inline)) inline void Zero() {
    c00 = c01 = c02 = c03 = c10 = c11 = c12 = c13 = _mm512_setzero_ps();
    c20 = c21 = c22 = c23 = c30 = c31 = c32 = c33 = _mm512_setzero_ps();
  }

  // Adds x_q · w[0..63] to row q's sums, a product then a sum (never fused).
  __attribute__((target("avx512f,avx512bw"), always_inline)) inline void Add(float x0, float x1,
                                                                             float x2, float x3,
                                                                             const float* w) {
    const __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16),
                 w2 = _mm512_loadu_ps(w + 32), w3 = _mm512_loadu_ps(w + 48);
    __m512 xv = _mm512_set1_ps(x0);
    c00 = _mm512_add_ps(c00, _mm512_mul_ps(xv, w0));
    c01 = _mm512_add_ps(c01, _mm512_mul_ps(xv, w1));
    c02 = _mm512_add_ps(c02, _mm512_mul_ps(xv, w2));
    c03 = _mm512_add_ps(c03, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x1);
    c10 = _mm512_add_ps(c10, _mm512_mul_ps(xv, w0));
    c11 = _mm512_add_ps(c11, _mm512_mul_ps(xv, w1));
    c12 = _mm512_add_ps(c12, _mm512_mul_ps(xv, w2));
    c13 = _mm512_add_ps(c13, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x2);
    c20 = _mm512_add_ps(c20, _mm512_mul_ps(xv, w0));
    c21 = _mm512_add_ps(c21, _mm512_mul_ps(xv, w1));
    c22 = _mm512_add_ps(c22, _mm512_mul_ps(xv, w2));
    c23 = _mm512_add_ps(c23, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x3);
    c30 = _mm512_add_ps(c30, _mm512_mul_ps(xv, w0));
    c31 = _mm512_add_ps(c31, _mm512_mul_ps(xv, w1));
    c32 = _mm512_add_ps(c32, _mm512_mul_ps(xv, w2));
    c33 = _mm512_add_ps(c33, _mm512_mul_ps(xv, w3));
  }

  // z[q * 64 + i] = (row q's sum i) + b[i]; lanes outside valid[i / 16] read no bias (b = 0).
  __attribute__((target("avx512f,avx512bw"), always_inline)) inline void Store(
      const float* b, const __mmask16 valid[4], float* z) const {
    const __m512 b0 = _mm512_maskz_loadu_ps(valid[0], b),
                 b1 = _mm512_maskz_loadu_ps(valid[1], b + 16),
                 b2 = _mm512_maskz_loadu_ps(valid[2], b + 32),
                 b3 = _mm512_maskz_loadu_ps(valid[3], b + 48);
    const __m512 sums[16] = {c00, c01, c02, c03, c10, c11, c12, c13,
                             c20, c21, c22, c23, c30, c31, c32, c33};
    const __m512 bias[4] = {b0, b1, b2, b3};
    for (int t = 0; t < 16; t++) _mm512_storeu_ps(z + 16 * t, _mm512_add_ps(sums[t], bias[t % 4]));
  }
};

// Four rows × 64 neurons with all inputs (dense data): each weight vector is loaded once for the
// four rows. Terms with x_j = 0 add fl(0 · w) = ±0, which changes no pre-activation's value (only
// possibly the sign of an exact zero, which neither σ distinguishes), so the result equals the
// sparse single-row path.
__attribute__((target("avx512f,avx512bw"))) void PreactDense4x64Avx512(const LayerArgs& a,
                                                                        const float* x0, int i0,
                                                                        float* z /* [4][64] */) {
  Tile4x64 tile;
  tile.Zero();
  const float* x1 = x0 + a.dim;
  const float* x2 = x1 + a.dim;
  const float* x3 = x2 + a.dim;
  for (int j = 0; j < a.dim; j++) {
    tile.Add(x0[j], x1[j], x2[j], x3[j], a.wT + static_cast<size_t>(j) * a.width + i0);
  }
  const __mmask16 all[4] = {0xffff, 0xffff, 0xffff, 0xffff};
  tile.Store(a.bias + i0, all, z);
}

// Sparse rows in groups (AVX-512). kGroupRows rows of similar sparsity share each weight load:
// for every column j where any row of the group is non-zero (the group's union, in increasing
// order) the 64 weights W^T[j][i0..i0+63] are loaded once and multiplied by each row's x_j. A row
// with x_j = 0 adds fl(0 · w) = ±0, which changes no pre-activation (see the dense path), so each
// row's sum is exactly the sparse single-row sum. Rows are ordered by (non-zeros / 8, span of
// their non-zero columns) before grouping, which keeps unions small (MNIST: about 1.5 times a
// row's non-zeros); the order only decides which rows share loads, never a result.
constexpr int kGroupRows = 4;
constexpr int kGroupTile = 64;

// Bit rows of a BitMatrix: row r at rows + r * words (rows may point at a row offset).
struct BitRows {
  uint32_t* rows;
  int64_t words;
};

struct RowGroups {
  std::vector<int> rows;    // kGroupRows per group, -1 pads the last group
  std::vector<int> start;   // group g's union is cols[start[g] .. start[g+1])
  std::vector<int> cols;    // union columns, increasing within a group
  std::vector<float> vals;  // kGroupRows values per union column (0 where x_j = 0)
};

// Non-zero mask of x[j0 .. j0 + 16) (fewer at the end of the row). NaN counts as non-zero.
__attribute__((target("avx512f,avx512bw"))) inline __mmask16 NonZeroMask(const float* xr, int j0,
                                                                          int dim) {
  const int left = std::min(16, dim - j0);
  const __mmask16 valid = static_cast<__mmask16>(left == 16 ? 0xffff : (1u << left) - 1u);
  return _mm512_mask_cmp_ps_mask(valid, _mm512_maskz_loadu_ps(valid, xr + j0), _mm512_setzero_ps(),
                                 _CMP_NEQ_UQ);
}

// Groups rows [r0, r1) of x into g (whose vectors keep their capacity from earlier calls): rows
// sorted by (non-zeros / 8, span of their non-zero columns); each group starts at the first row
// not yet taken and adds, kGroupRows - 1 times, the row among the next kGroupWindow free ones
// that adds the fewest new columns to the group's union.
__attribute__((target("avx512f,avx512bw"))) void GroupRows(const LayerArgs& a, int r0, int r1,
                                                            RowGroups& g) {
  constexpr int kGroupWindow = 16;
  const int n = r1 - r0;
  const int chunks = (a.dim + 15) / 16;
  const int words = (a.dim + 63) / 64;
  std::vector<uint64_t> bitmap(static_cast<size_t>(n) * words, 0);  // non-zero columns per row
  std::vector<int64_t> key(n);
  size_t nonZero = 0;  // bounds the union lists (each group's union <= its rows' non-zeros)
  for (int t = 0; t < n; t++) {
    const float* xr = a.x + static_cast<size_t>(r0 + t) * a.dim;
    uint64_t* bits = bitmap.data() + static_cast<size_t>(t) * words;
    int count = 0, first = -1, last = -1;
    for (int c = 0; c < chunks; c++) {
      const unsigned m = NonZeroMask(xr, 16 * c, a.dim);
      if (m == 0) continue;
      bits[c / 4] |= static_cast<uint64_t>(m) << (16 * (c % 4));
      count += __builtin_popcount(m);
      if (first < 0) first = 16 * c + __builtin_ctz(m);
      last = 16 * c + 31 - __builtin_clz(m);
    }
    key[t] = (static_cast<int64_t>(count / 8) << 32) | static_cast<int64_t>(last - first);
    nonZero += count;
  }
  std::vector<int> order(n);
  for (int t = 0; t < n; t++) order[t] = t;
  std::sort(order.begin(), order.end(),
            [&](int p, int q) { return key[p] < key[q] || (key[p] == key[q] && p < q); });

  const int groups = (n + kGroupRows - 1) / kGroupRows;
  g.rows.assign(static_cast<size_t>(groups) * kGroupRows, -1);
  g.start.assign(groups + 1, 0);
  g.cols.clear();
  g.vals.clear();
  g.cols.reserve(nonZero);
  g.vals.reserve(nonZero * kGroupRows);
  std::vector<char> taken(n, 0);
  std::vector<uint64_t> uni(words);
  int seed = 0;  // position in `order` of the first row not yet taken
  for (int grp = 0; grp < groups; grp++) {
    const float* xr[kGroupRows];
    int members = 0;
    auto take = [&](int t) {
      taken[t] = 1;
      g.rows[static_cast<size_t>(grp) * kGroupRows + members] = r0 + t;
      xr[members++] = a.x + static_cast<size_t>(r0 + t) * a.dim;
      const uint64_t* bits = bitmap.data() + static_cast<size_t>(t) * words;
      for (int w = 0; w < words; w++) uni[w] |= bits[w];
    };
    std::fill(uni.begin(), uni.end(), 0);
    while (taken[order[seed]]) seed++;
    take(order[seed]);
    while (members < kGroupRows) {
      int best = -1, bestCost = 0;
      for (int p = seed + 1, seen = 0; p < n && seen < kGroupWindow; p++) {
        const int t = order[p];
        if (taken[t]) continue;
        seen++;
        const uint64_t* bits = bitmap.data() + static_cast<size_t>(t) * words;
        int cost = 0;
        for (int w = 0; w < words; w++) cost += __builtin_popcountll(bits[w] & ~uni[w]);
        if (best < 0 || cost < bestCost) {
          best = t;
          bestCost = cost;
        }
      }
      if (best < 0) break;
      take(best);
    }
    for (int w = 0; w < words; w++) {
      for (uint64_t m = uni[w]; m != 0; m &= m - 1) {
        const int j = 64 * w + __builtin_ctzll(m);
        g.cols.push_back(j);
        for (int q = 0; q < kGroupRows; q++) g.vals.push_back(q < members ? xr[q][j] : 0.0f);
      }
    }
    g.start[grp + 1] = static_cast<int>(g.cols.size());
  }
}

// Packs neurons [i0, i0 + count) of W (row-major) as panel[j * 64 + c] = W[i0 + c][j], zero
// for c >= count: the 64 weights of one input column are then one aligned 256-byte run.
void PackPanel(const LayerArgs& a, int i0, int count, float* panel) {
  std::memset(panel, 0, sizeof(float) * static_cast<size_t>(a.dim) * kGroupTile);
  for (int c = 0; c < count; c++) {
    const float* row = a.w + static_cast<size_t>(i0 + c) * a.dim;
    for (int j = 0; j < a.dim; j++) panel[static_cast<size_t>(j) * kGroupTile + c] = row[j];
  }
}

// Pre-activations of one group for the 64 neurons of `panel` (from i0): z[q * 64 + i].
__attribute__((target("avx512f,avx512bw"))) void PreactGroupAvx512(const LayerArgs& a,
                                                                    const RowGroups& g, int grp,
                                                                    const float* panel, int i0,
                                                                    int count, float* z) {
  static_assert(kGroupRows == 4 && kGroupTile == 64, "the register tile is 4 x 64");
  __mmask16 m[4];
  for (int v = 0; v < 4; v++) {
    const int left = std::max(0, std::min(16, count - 16 * v));
    m[v] = static_cast<__mmask16>(left == 16 ? 0xffff : (1u << left) - 1u);
  }
  Tile4x64 tile;
  tile.Zero();
  const int* cols = g.cols.data();
  const float* vals = g.vals.data();
  for (int k = g.start[grp]; k < g.start[grp + 1]; k++) {
    const float* xv = vals + static_cast<size_t>(k) * kGroupRows;
    tile.Add(xv[0], xv[1], xv[2], xv[3], panel + static_cast<size_t>(cols[k]) * kGroupTile);
  }
  tile.Store(a.bias + i0, m, z);
}

#endif


#ifdef MEMONET_X86
// The row-group path. Rows are grouped in blocks (in parallel); then each thread takes a
// contiguous range of 64-neuron tiles (so threads rarely write the same cache line of a bit row),
// packs each tile's panel from W and runs every group over it. W^T is not needed.
// Threshold bits for the group's rows from z (as PreactGroupAvx512 leaves it): row r's bits are
// at bits.rows + r * bits.words; i0 is a multiple of 64, so each tile is one 64-bit word pair.
__attribute__((target("avx512f,avx512bw"))) void StoreGroupBitsAvx512(const RowGroups& g, int grp,
                                                                       const float* z, int i0,
                                                                       int count,
                                                                       const BitRows& bits) {
  const uint64_t valid = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
  const __m512 zero = _mm512_setzero_ps();
  for (int q = 0; q < kGroupRows; q++) {
    const int r = g.rows[static_cast<size_t>(grp) * kGroupRows + q];
    if (r < 0) break;
    const float* zq = z + q * kGroupTile;
    uint64_t m = 0;
    for (int v = 0; v < 4; v++) {
      m |= static_cast<uint64_t>(_mm512_cmp_ps_mask(_mm512_load_ps(zq + 16 * v), zero, _CMP_GT_OQ))
           << (16 * v);
    }
    m &= valid;
    std::memcpy(bits.rows + static_cast<size_t>(r) * bits.words + i0 / 32, &m, sizeof m);
  }
}

template <typename Emit>
void FirstLayerGroupedChunk(const LayerArgs& a, Emit emit, const BitRows& bitsOnly) {
  // One block per thread: larger blocks give closer rows to group.
  const int rowsPerBlock = (a.rows + g_pool->size() - 1) / g_pool->size();
  const int blocks = (a.rows + rowsPerBlock - 1) / rowsPerBlock;
  // Kept between calls (like the pool, the addon serves one caller at a time): the union lists
  // of the next call reuse this memory instead of touching fresh pages.
  static std::vector<RowGroups> kept;
  if (static_cast<int>(kept.size()) < blocks) kept.resize(blocks);
  g_pool->ParallelFor(blocks, [&](int block) {
    const int r0 = block * rowsPerBlock;
    GroupRows(a, r0, std::min(a.rows, r0 + rowsPerBlock), kept[block]);
  });
  const std::vector<RowGroups>& grouped = kept;
  const int tiles = (a.width + kGroupTile - 1) / kGroupTile;
  const int parts = std::min(tiles, g_pool->size());
  g_pool->ParallelFor(parts, [&](int part) {
    float* panel = static_cast<float*>(
        std::aligned_alloc(64, sizeof(float) * static_cast<size_t>(a.dim) * kGroupTile + 64));
    alignas(64) float z[kGroupRows * kGroupTile];
    const int t1 = static_cast<int>(static_cast<int64_t>(tiles) * (part + 1) / parts);
    for (int t = static_cast<int>(static_cast<int64_t>(tiles) * part / parts); t < t1; t++) {
      const int i0 = t * kGroupTile;
      const int count = std::min(kGroupTile, a.width - i0);
      PackPanel(a, i0, count, panel);
      for (int block = 0; block < blocks; block++) {
        const RowGroups& g = grouped[block];
        const int groups = static_cast<int>(g.start.size()) - 1;
        for (int grp = 0; grp < groups; grp++) {
          PreactGroupAvx512(a, g, grp, panel, i0, count, z);
          if (bitsOnly.rows != nullptr) {
            StoreGroupBitsAvx512(g, grp, z, i0, count, bitsOnly);
            continue;
          }
          for (int q = 0; q < kGroupRows; q++) {
            const int r = g.rows[static_cast<size_t>(grp) * kGroupRows + q];
            if (r >= 0) emit(r, i0, count, z + q * kGroupTile);
          }
        }
      }
    }
    std::free(panel);
  });
}

// The row-group path over chunks of at most 8192 rows, which bounds the union lists kept between
// calls (about 10 MB for MNIST).
template <typename Emit>
void FirstLayerGrouped(const LayerArgs& a, Emit emit, const BitRows& bitsOnly) {
  constexpr int kRowsPerChunk = 8192;
  for (int c0 = 0; c0 < a.rows; c0 += kRowsPerChunk) {
    LayerArgs chunk = a;
    chunk.x = a.x + static_cast<size_t>(c0) * a.dim;
    chunk.rows = std::min(kRowsPerChunk, a.rows - c0);
    const BitRows bits{bitsOnly.rows == nullptr ? nullptr : bitsOnly.rows + c0 * bitsOnly.words,
                       bitsOnly.words};
    FirstLayerGroupedChunk(
        chunk, [&](int r, int i0, int count, const float* z) { emit(c0 + r, i0, count, z); }, bits);
  }
}
#endif

// Whether FirstLayer takes the row-group path (AVX-512 and fewer than half of the inputs of the
// first 256 rows non-zero); every other path reads W^T.
bool UsesRowGroups(const LayerArgs& a) {
#ifdef MEMONET_X86
  if (!HasAvx512()) return false;
  const int sample = std::min(a.rows, 256);
  int64_t nonZero = 0;
  for (size_t t = 0; t < static_cast<size_t>(sample) * a.dim; t++) nonZero += a.x[t] != 0.0f;
  return sample > 0 && 2 * nonZero < static_cast<int64_t>(sample) * a.dim;
#else
  (void)a;
  return false;
#endif
}

// Runs the first layer on all rows; emit(row, i0, count, z) receives each tile's pre-activations.
// rowGroups is UsesRowGroups(a), decided by the caller. Where only threshold bits are wanted,
// bitsOnly.rows is set and the row-group path stores them directly (emit is then not called on
// that path).
template <typename Emit>
void FirstLayer(const LayerArgs& a, bool rowGroups, Emit emit, const BitRows& bitsOnly) {
  constexpr int kRowsPerTask = 128;
  const int tasks = (a.rows + kRowsPerTask - 1) / kRowsPerTask;
  const bool avx = HasAvx512();
  (void)rowGroups;  // always false without x86 (UsesRowGroups)
#ifdef MEMONET_X86
  if (rowGroups) {
    FirstLayerGrouped(a, emit, bitsOnly);
    return;
  }
#endif
  g_pool->ParallelFor(tasks, [&](int task) {
    const int r0 = task * kRowsPerTask;
    const int r1 = std::min(a.rows, r0 + kRowsPerTask);
    std::vector<int> nzStart(kRowsPerTask + 1, 0);
    std::vector<int> nz;
    nz.reserve(static_cast<size_t>(kRowsPerTask) * 256);
    for (int r = r0; r < r1; r++) {
      const float* xr = a.x + static_cast<size_t>(r) * a.dim;
      for (int j = 0; j < a.dim; j++) {
        if (xr[j] != 0.0f) nz.push_back(j);
      }
      nzStart[r - r0 + 1] = static_cast<int>(nz.size());
    }
    alignas(64) float z[kTile];
    int denseUntil = 0;  // neurons [0, denseUntil) already done by the dense path
#ifdef MEMONET_X86
    // Dense rows (at least half the inputs non-zero): 4 rows × 64 neurons share weight loads.
    if (avx && r1 - r0 >= 4 && 2 * static_cast<size_t>(nz.size()) >= static_cast<size_t>(r1 - r0) * a.dim) {
      alignas(64) float z4[4 * 64];
      denseUntil = a.width - a.width % 64;
      const int quads = (r1 - r0) / 4;
      for (int i0 = 0; i0 < denseUntil; i0 += 64) {
        for (int q = 0; q < quads; q++) {
          const int r = r0 + 4 * q;
          PreactDense4x64Avx512(a, a.x + static_cast<size_t>(r) * a.dim, i0, z4);
          for (int k = 0; k < 4; k++) emit(r + k, i0, 64, z4 + 64 * k);
        }
        // Rows left over after the quads take the sparse path for this tile.
        for (int r = r0 + 4 * quads; r < r1; r++) {
          const float* xr = a.x + static_cast<size_t>(r) * a.dim;
          const int* list = nz.data() + nzStart[r - r0];
          const int nnz = nzStart[r - r0 + 1] - nzStart[r - r0];
          PreactTileAvx512(a, list, nnz, xr, i0, 64, z);
          emit(r, i0, 64, z);
        }
      }
    }
#endif
    for (int i0 = denseUntil; i0 < a.width; i0 += kTile) {
      const int count = std::min(kTile, a.width - i0);
      for (int r = r0; r < r1; r++) {
        const float* xr = a.x + static_cast<size_t>(r) * a.dim;
        const int* list = nz.data() + nzStart[r - r0];
        const int nnz = nzStart[r - r0 + 1] - nzStart[r - r0];
#ifdef MEMONET_X86
        if (avx) {
          PreactTileAvx512(a, list, nnz, xr, i0, count, z);
        } else {
          PreactTilePortable(a, list, nnz, xr, i0, count, z);
        }
#else
        (void)avx;
        PreactTilePortable(a, list, nnz, xr, i0, count, z);
#endif
        emit(r, i0, count, z);
      }
    }
  });
}

// Sets bit i0 + i of the row `out` for each i < count with z[i] > 0 (bits start cleared).
void SetPositiveBits(uint32_t* out, int i0, int count, const float* z) {
  for (int i = 0; i < count; i++) {
    if (z[i] > 0.0f) out[(i0 + i) >> 5] |= 1u << ((i0 + i) & 31);
  }
}

#ifdef MEMONET_X86
// The same, 16 neurons per compare; i0 must be a multiple of 16 (every tile width is), so each
// 16-bit half-word of the row belongs to one call and is stored whole.
__attribute__((target("avx512f,avx512bw"))) void SetPositiveBitsAvx512(uint32_t* out, int i0,
                                                                        int count, const float* z) {
  uint16_t* half = reinterpret_cast<uint16_t*>(out) + i0 / 16;
  for (int v = 0; 16 * v < count; v++) {
    const int left = std::min(16, count - 16 * v);
    const __mmask16 valid = static_cast<__mmask16>(left == 16 ? 0xffff : (1u << left) - 1u);
    const __mmask16 positive =
        _mm512_mask_cmp_ps_mask(valid, _mm512_loadu_ps(z + 16 * v), _mm512_setzero_ps(), _CMP_GT_OQ);
    const uint16_t h = static_cast<uint16_t>(positive);
    std::memcpy(half + v, &h, sizeof h);
  }
}
#endif

}  // namespace
