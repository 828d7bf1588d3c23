// memonet's native kernels (Node-API, C++17): the first layer and the masked popcounts of
// src/kernels/types.ts, bit-identical to the TypeScript reference. AVX-512 (with VPOPCNTDQ)
// versions are chosen at run time by CPU feature detection; portable versions serve elsewhere.
// Work is split over a small pool of threads; every result is independent of the thread count
// (rows are computed independently; minima and ordered row lists are combined deterministically).
//
// Rounding: pre-activations are float32 sums over j = 0..d-1 in increasing order of the float32
// products x_j * W_ij (zero inputs skipped), then + b_i; never fused multiply-add. This file must
// be compiled with -ffp-contract=off.

#include <node_api.h>

#include <algorithm>
#include <cmath>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

#if defined(__x86_64__) || defined(_M_X64)
#include <immintrin.h>
#define MEMONET_X86 1
#endif

namespace {

// ---------------------------------------------------------------------------------------------
// Thread pool: parallel_for(tasks, fn) runs fn(task) for task in [0, tasks) on all threads
// (the caller included) and returns when all are done.

class Pool {
 public:
  explicit Pool(int threads) : threads_(std::max(1, threads)) {
    for (int t = 1; t < threads_; t++) workers_.emplace_back([this] { Work(); });
  }
  ~Pool() {
    {
      std::lock_guard<std::mutex> lock(mu_);
      stop_ = true;
      generation_++;
    }
    cv_.notify_all();
    for (auto& w : workers_) w.join();
  }
  int size() const { return threads_; }

  void ParallelFor(int tasks, const std::function<void(int)>& fn) {
    if (tasks <= 0) return;
    if (threads_ == 1 || tasks == 1) {
      for (int t = 0; t < tasks; t++) fn(t);
      return;
    }
    std::unique_lock<std::mutex> lock(mu_);
    fn_ = &fn;
    tasks_ = tasks;
    next_.store(0);
    pending_ = threads_ - 1;
    generation_++;
    lock.unlock();
    cv_.notify_all();
    RunTasks();
    lock.lock();
    done_cv_.wait(lock, [this] { return pending_ == 0; });
    fn_ = nullptr;
  }

 private:
  void RunTasks() {
    for (;;) {
      int t = next_.fetch_add(1);
      if (t >= tasks_) break;
      (*fn_)(t);
    }
  }
  void Work() {
    uint64_t seen = 0;
    for (;;) {
      std::unique_lock<std::mutex> lock(mu_);
      cv_.wait(lock, [&] { return generation_ != seen; });
      seen = generation_;
      if (stop_) return;
      lock.unlock();
      RunTasks();
      lock.lock();
      if (--pending_ == 0) done_cv_.notify_one();
    }
  }

  int threads_;
  std::vector<std::thread> workers_;
  std::mutex mu_;
  std::condition_variable cv_;
  std::condition_variable done_cv_;
  const std::function<void(int)>* fn_ = nullptr;
  int tasks_ = 0;
  std::atomic<int> next_{0};
  int pending_ = 0;
  uint64_t generation_ = 0;
  bool stop_ = false;
};

Pool* g_pool = nullptr;

int ThreadCount() {
  const char* env = std::getenv("MEMONET_THREADS");
  if (env != nullptr && std::atoi(env) > 0) return std::min(64, std::atoi(env));
  unsigned hw = std::thread::hardware_concurrency();
  return hw == 0 ? 1 : static_cast<int>(std::min(hw, 64u));
}

// ---------------------------------------------------------------------------------------------
// CPU features.

bool HasAvx512() {
#ifdef MEMONET_X86
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
                         __builtin_cpu_supports("avx512vpopcntdq");
  return ok;
#else
  return false;
#endif
}

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
// Four rows × 64 neurons with all inputs (dense data): each weight vector is loaded once for the
// four rows. Terms with x_j = 0 add fl(0 · w) = ±0, which changes no pre-activation's value (only
// possibly the sign of an exact zero, which neither σ distinguishes), so the result equals the
// sparse single-row path.
__attribute__((target("avx512f,avx512bw"))) void PreactDense4x64Avx512(const LayerArgs& a,
                                                                        const float* x0, int i0,
                                                                        float* z /* [4][64] */) {
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c03 = c00;
  __m512 c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m512 c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  __m512 c30 = c00, c31 = c00, c32 = c00, c33 = c00;
  const float* x1 = x0 + a.dim;
  const float* x2 = x1 + a.dim;
  const float* x3 = x2 + a.dim;
  for (int j = 0; j < a.dim; j++) {
    const float* w = a.wT + static_cast<size_t>(j) * a.width + i0;
    const __m512 w0 = _mm512_loadu_ps(w), w1 = _mm512_loadu_ps(w + 16),
                 w2 = _mm512_loadu_ps(w + 32), w3 = _mm512_loadu_ps(w + 48);
    __m512 xv = _mm512_set1_ps(x0[j]);
    c00 = _mm512_add_ps(c00, _mm512_mul_ps(xv, w0));
    c01 = _mm512_add_ps(c01, _mm512_mul_ps(xv, w1));
    c02 = _mm512_add_ps(c02, _mm512_mul_ps(xv, w2));
    c03 = _mm512_add_ps(c03, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x1[j]);
    c10 = _mm512_add_ps(c10, _mm512_mul_ps(xv, w0));
    c11 = _mm512_add_ps(c11, _mm512_mul_ps(xv, w1));
    c12 = _mm512_add_ps(c12, _mm512_mul_ps(xv, w2));
    c13 = _mm512_add_ps(c13, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x2[j]);
    c20 = _mm512_add_ps(c20, _mm512_mul_ps(xv, w0));
    c21 = _mm512_add_ps(c21, _mm512_mul_ps(xv, w1));
    c22 = _mm512_add_ps(c22, _mm512_mul_ps(xv, w2));
    c23 = _mm512_add_ps(c23, _mm512_mul_ps(xv, w3));
    xv = _mm512_set1_ps(x3[j]);
    c30 = _mm512_add_ps(c30, _mm512_mul_ps(xv, w0));
    c31 = _mm512_add_ps(c31, _mm512_mul_ps(xv, w1));
    c32 = _mm512_add_ps(c32, _mm512_mul_ps(xv, w2));
    c33 = _mm512_add_ps(c33, _mm512_mul_ps(xv, w3));
  }
  const float* b = a.bias + i0;
  const __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32),
               b3 = _mm512_loadu_ps(b + 48);
  _mm512_storeu_ps(z + 0, _mm512_add_ps(c00, b0));
  _mm512_storeu_ps(z + 16, _mm512_add_ps(c01, b1));
  _mm512_storeu_ps(z + 32, _mm512_add_ps(c02, b2));
  _mm512_storeu_ps(z + 48, _mm512_add_ps(c03, b3));
  _mm512_storeu_ps(z + 64, _mm512_add_ps(c10, b0));
  _mm512_storeu_ps(z + 80, _mm512_add_ps(c11, b1));
  _mm512_storeu_ps(z + 96, _mm512_add_ps(c12, b2));
  _mm512_storeu_ps(z + 112, _mm512_add_ps(c13, b3));
  _mm512_storeu_ps(z + 128, _mm512_add_ps(c20, b0));
  _mm512_storeu_ps(z + 144, _mm512_add_ps(c21, b1));
  _mm512_storeu_ps(z + 160, _mm512_add_ps(c22, b2));
  _mm512_storeu_ps(z + 176, _mm512_add_ps(c23, b3));
  _mm512_storeu_ps(z + 192, _mm512_add_ps(c30, b0));
  _mm512_storeu_ps(z + 208, _mm512_add_ps(c31, b1));
  _mm512_storeu_ps(z + 224, _mm512_add_ps(c32, b2));
  _mm512_storeu_ps(z + 240, _mm512_add_ps(c33, b3));
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
  static_assert(kGroupRows == 4 && kGroupTile == 64, "the register tile below is 4 x 64");
  __mmask16 m[4];
  for (int v = 0; v < 4; v++) {
    const int left = std::max(0, std::min(16, count - 16 * v));
    m[v] = static_cast<__mmask16>(left == 16 ? 0xffff : (1u << left) - 1u);
  }
  __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c03 = c00;
  __m512 c10 = c00, c11 = c00, c12 = c00, c13 = c00;
  __m512 c20 = c00, c21 = c00, c22 = c00, c23 = c00;
  __m512 c30 = c00, c31 = c00, c32 = c00, c33 = c00;
  const int* cols = g.cols.data();
  const float* vals = g.vals.data();
  for (int k = g.start[grp]; k < g.start[grp + 1]; k++) {
    const float* w = panel + static_cast<size_t>(cols[k]) * kGroupTile;
    const __m512 w0 = _mm512_load_ps(w), w1 = _mm512_load_ps(w + 16), w2 = _mm512_load_ps(w + 32),
                 w3 = _mm512_load_ps(w + 48);
    const float* xv = vals + static_cast<size_t>(k) * kGroupRows;
    __m512 xq = _mm512_set1_ps(xv[0]);
    c00 = _mm512_add_ps(c00, _mm512_mul_ps(xq, w0));
    c01 = _mm512_add_ps(c01, _mm512_mul_ps(xq, w1));
    c02 = _mm512_add_ps(c02, _mm512_mul_ps(xq, w2));
    c03 = _mm512_add_ps(c03, _mm512_mul_ps(xq, w3));
    xq = _mm512_set1_ps(xv[1]);
    c10 = _mm512_add_ps(c10, _mm512_mul_ps(xq, w0));
    c11 = _mm512_add_ps(c11, _mm512_mul_ps(xq, w1));
    c12 = _mm512_add_ps(c12, _mm512_mul_ps(xq, w2));
    c13 = _mm512_add_ps(c13, _mm512_mul_ps(xq, w3));
    xq = _mm512_set1_ps(xv[2]);
    c20 = _mm512_add_ps(c20, _mm512_mul_ps(xq, w0));
    c21 = _mm512_add_ps(c21, _mm512_mul_ps(xq, w1));
    c22 = _mm512_add_ps(c22, _mm512_mul_ps(xq, w2));
    c23 = _mm512_add_ps(c23, _mm512_mul_ps(xq, w3));
    xq = _mm512_set1_ps(xv[3]);
    c30 = _mm512_add_ps(c30, _mm512_mul_ps(xq, w0));
    c31 = _mm512_add_ps(c31, _mm512_mul_ps(xq, w1));
    c32 = _mm512_add_ps(c32, _mm512_mul_ps(xq, w2));
    c33 = _mm512_add_ps(c33, _mm512_mul_ps(xq, w3));
  }
  const float* b = a.bias + i0;
  const __m512 b0 = _mm512_maskz_loadu_ps(m[0], b), b1 = _mm512_maskz_loadu_ps(m[1], b + 16),
               b2 = _mm512_maskz_loadu_ps(m[2], b + 32), b3 = _mm512_maskz_loadu_ps(m[3], b + 48);
  _mm512_storeu_ps(z + 0, _mm512_add_ps(c00, b0));
  _mm512_storeu_ps(z + 16, _mm512_add_ps(c01, b1));
  _mm512_storeu_ps(z + 32, _mm512_add_ps(c02, b2));
  _mm512_storeu_ps(z + 48, _mm512_add_ps(c03, b3));
  _mm512_storeu_ps(z + 64, _mm512_add_ps(c10, b0));
  _mm512_storeu_ps(z + 80, _mm512_add_ps(c11, b1));
  _mm512_storeu_ps(z + 96, _mm512_add_ps(c12, b2));
  _mm512_storeu_ps(z + 112, _mm512_add_ps(c13, b3));
  _mm512_storeu_ps(z + 128, _mm512_add_ps(c20, b0));
  _mm512_storeu_ps(z + 144, _mm512_add_ps(c21, b1));
  _mm512_storeu_ps(z + 160, _mm512_add_ps(c22, b2));
  _mm512_storeu_ps(z + 176, _mm512_add_ps(c23, b3));
  _mm512_storeu_ps(z + 192, _mm512_add_ps(c30, b0));
  _mm512_storeu_ps(z + 208, _mm512_add_ps(c31, b1));
  _mm512_storeu_ps(z + 224, _mm512_add_ps(c32, b2));
  _mm512_storeu_ps(z + 240, _mm512_add_ps(c33, b3));
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
void FirstLayerGrouped(const LayerArgs& a, Emit emit, const BitRows& bitsOnly) {
  // One block per thread (at most 8192 rows): larger blocks give closer rows to group.
  const int rowsPerBlock = std::min(8192, (a.rows + g_pool->size() - 1) / g_pool->size());
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
// Where only threshold bits are wanted, bitsOnly.rows is set and the row-group path stores them
// directly (emit is then not called on that path).
template <typename Emit>
void FirstLayer(const LayerArgs& a, Emit emit, const BitRows& bitsOnly) {
  constexpr int kRowsPerTask = 128;
  const int tasks = (a.rows + kRowsPerTask - 1) / kRowsPerTask;
  const bool avx = HasAvx512();
#ifdef MEMONET_X86
  if (UsesRowGroups(a)) {
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

inline double Uniform(RngState& r) {
  const double hi = static_cast<double>(NextUint32(r) >> 5);
  const double lo = static_cast<double>(NextUint32(r) >> 6);
  return (hi * 67108864.0 + lo) / 9007199254740992.0;
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

// Uniform in [0, 1) from two consecutive raw words (as Uniform() draws them).
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
bool HasAvx512Dq() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq");
  return ok;
}

// Eight accepted pairs at once (word positions at[0..7]) into out[0..15] = u0, v0, u1, v1, ...:
// lane by lane the same IEEE double operations as PolarTransform and PortableLog (s is in (0, 1)
// and at least 2^-104, so PortableLog's special cases cannot occur; the scaling by 2^-53 is a
// multiplication here, exact like the division it replaces).
// Uniforms from the two words at base[idx[lane]] (as UniformFromWords).
__attribute__((target("avx512f,avx512dq"))) inline __m512d Uniform8(const uint32_t* base,
                                                                    __m512i idx) {
  const __m512i g = _mm512_i64gather_epi64(idx, reinterpret_cast<const long long*>(base), 4);
  const __m512d hi = _mm512_cvtepi64_pd(
      _mm512_srli_epi64(_mm512_and_si512(g, _mm512_set1_epi64(0xffffffffLL)), 5));
  const __m512d lo = _mm512_cvtepi64_pd(_mm512_srli_epi64(g, 32 + 6));
  return _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(hi, _mm512_set1_pd(67108864.0)), lo),
                       _mm512_set1_pd(1.0 / 9007199254740992.0));
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

bool HasAvx512DqBmi2() {
  static const bool ok = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512dq") &&
                         __builtin_cpu_supports("bmi2");
  return ok;
}

// Acceptance of the 64 candidate pairs at words[p], p = 0, 2, ..., 126 (needs words[0 .. 130)):
// bit k of *first for the candidate at 4k, of *second for the one at 4k + 2.
__attribute__((target("avx512f,avx512dq,bmi2"))) void FlagBlockAvx512(const uint32_t* words,
                                                                       uint32_t* first,
                                                                       uint32_t* second) {
  uint64_t mask = 0;
  const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0);
  for (int i = 0; i < 8; i++) {
    // Lane l: the uniform from words[16i + 2l], [16i + 2l + 1] (u), and the next one (v).
    auto uniform = [](const uint32_t* at) __attribute__((target("avx512f,avx512dq"))) {
      const __m512i g = _mm512_loadu_si512(at);
      const __m512d hi = _mm512_cvtepi64_pd(
          _mm512_srli_epi64(_mm512_and_si512(g, _mm512_set1_epi64(0xffffffffLL)), 5));
      const __m512d lo = _mm512_cvtepi64_pd(_mm512_srli_epi64(g, 32 + 6));
      return _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(hi, _mm512_set1_pd(67108864.0)), lo),
                           _mm512_set1_pd(1.0 / 9007199254740992.0));
    };
    const __m512d u = _mm512_sub_pd(_mm512_mul_pd(two, uniform(words + 16 * i)), one);
    const __m512d v = _mm512_sub_pd(_mm512_mul_pd(two, uniform(words + 16 * i + 2)), one);
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
// fall: a branch-free loop over precomputed flags); then the pool turns the accepted pairs into
// normals (logarithm, square root, divisions: the costly part) with the same double operations.
void SampleHyperplanes(RngState& r, int64_t dim, int64_t count, double lambda, float* w,
                       float* b) {
  constexpr int64_t kRound = 256;  // hyperplanes per round (bounds the buffers)
  constexpr int64_t kPairsPerTask = 4096;
  // Kept between calls (one caller at a time, like the pool): no fresh pages on later calls.
  static WordStream stream;
  static std::vector<int64_t> pairAt;  // word position of each accepted pair
  static std::vector<int64_t> biasAt;  // word position of each bias uniform
  for (int64_t c0 = 0; c0 < count; c0 += kRound) {
    const int64_t c1 = std::min(count, c0 + kRound);
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
    const bool vector = HasAvx512Dq();
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

// sampleHyperplanes(state Float64Array(5), dim, count, lambda, weights Float32Array, bias Float32Array)
napi_value SampleHyperplanesNapi(napi_env env, napi_callback_info info);

// ---------------------------------------------------------------------------------------------
// Node-API glue.

struct Typed {
  void* data = nullptr;
  size_t length = 0;
  napi_typedarray_type type = napi_int8_array;
};

bool GetTyped(napi_env env, napi_value v, napi_typedarray_type want, const char* what, Typed* out) {
  bool is = false;
  napi_is_typedarray(env, v, &is);
  if (!is) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  napi_value buffer;
  size_t offset;
  napi_get_typedarray_info(env, v, &out->type, &out->length, &out->data, &buffer, &offset);
  if (out->type != want) {
    napi_throw_type_error(env, nullptr, what);
    return false;
  }
  return true;
}

bool GetInt(napi_env env, napi_value v, int64_t* out) {
  return napi_get_value_int64(env, v, out) == napi_ok;
}

napi_value Num(napi_env env, double v) {
  napi_value r;
  napi_create_double(env, v, &r);
  return r;
}

#define ARGS(n)                                                       \
  size_t argc = n;                                                    \
  napi_value argv[n];                                                 \
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);         \
  if (argc < n) {                                                     \
    napi_throw_type_error(env, nullptr, "native kernel: too few arguments"); \
    return nullptr;                                                   \
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

// firstLayer(x, rows, dim, w, wT|null, width, bias, outBits|null, wordsPerRow, outValues|null,
//            outRowOffset) -> 0, or 1 (nothing computed) when this data needs wT and it is null.
napi_value FirstLayerNapi(napi_env env, napi_callback_info info) {
  ARGS(11)
  Typed x, w, wT, bias, bits, values;
  int64_t rows, dim, width, words, offset;
  if (!GetTyped(env, argv[0], napi_float32_array, "native.firstLayer: x must be a Float32Array", &x) ||
      !GetInt(env, argv[1], &rows) || !GetInt(env, argv[2], &dim) ||
      !GetTyped(env, argv[3], napi_float32_array, "native.firstLayer: weights must be a Float32Array", &w) ||
      !GetInt(env, argv[5], &width) ||
      !GetTyped(env, argv[6], napi_float32_array, "native.firstLayer: bias must be a Float32Array", &bias) ||
      !GetInt(env, argv[8], &words) || !GetInt(env, argv[10], &offset)) {
    return nullptr;
  }
  napi_valuetype t4, t7, t9;
  napi_typeof(env, argv[4], &t4);
  napi_typeof(env, argv[7], &t7);
  napi_typeof(env, argv[9], &t9);
  const bool haveT = t4 != napi_null;
  const bool wantBits = t7 != napi_null;
  const bool wantValues = t9 != napi_null;
  if (haveT && !GetTyped(env, argv[4], napi_float32_array, "native.firstLayer: weightsT must be a Float32Array", &wT)) return nullptr;
  if (wantBits && !GetTyped(env, argv[7], napi_uint32_array, "native.firstLayer: out must be a Uint32Array", &bits)) return nullptr;
  if (wantValues && !GetTyped(env, argv[9], napi_float32_array, "native.firstLayer: out must be a Float32Array", &values)) return nullptr;
  LayerArgs a{static_cast<const float*>(x.data), static_cast<int>(rows), static_cast<int>(dim),
              static_cast<const float*>(w.data), haveT ? static_cast<const float*>(wT.data) : nullptr,
              static_cast<int>(width), static_cast<const float*>(bias.data)};
  if (!haveT && !UsesRowGroups(a)) return Num(env, 1);
  uint32_t* outBits = static_cast<uint32_t*>(bits.data);
  float* outValues = static_cast<float*>(values.data);
  if (wantBits) {
    // Cleared in parallel: the first touch of fresh memory is costly, and this spreads it.
    const int chunks = ChunkCount(static_cast<int>(rows), 1024);
    g_pool->ParallelFor(chunks, [&](int c) {
      const int64_t r0 = rows * c / chunks;
      const int64_t r1 = rows * (c + 1) / chunks;
      std::memset(outBits + (offset + r0) * words, 0, sizeof(uint32_t) * words * (r1 - r0));
    });
  }
  const bool avx = HasAvx512();
  const BitRows bitsOnly{wantBits && !wantValues ? outBits + offset * words : nullptr, words};
  FirstLayer(a, [&](int r, int i0, int count, const float* z) {
    if (wantBits) {
      uint32_t* out = outBits + static_cast<size_t>(offset + r) * words;
#ifdef MEMONET_X86
      if (avx) {
        SetPositiveBitsAvx512(out, i0, count, z);
      } else {
        SetPositiveBits(out, i0, count, z);
      }
#else
      (void)avx;
      SetPositiveBits(out, i0, count, z);
#endif
    }
    if (wantValues) {
      float* out = outValues + static_cast<size_t>(offset + r) * width + i0;
      for (int i = 0; i < count; i++) out[i] = z[i] > 0.0f ? z[i] : 0.0f;
    }
  }, bitsOnly);
  return Num(env, 0);
}

// Both popcount kernels return -1 - t when rows[t] is not a row of bits (nothing computed).

// maskedMinMany(bits, wordsPerRow, masks, k, rows, count, stopAt, out Int32Array(k)) -> 0
napi_value MaskedMinManyNapi(napi_env env, napi_callback_info info) {
  ARGS(8)
  Typed bits, masks, rows, out;
  int64_t words, k, count, stopAt;
  if (!GetTyped(env, argv[0], napi_uint32_array, "native.maskedMinMany: bits must be a Uint32Array", &bits) ||
      !GetInt(env, argv[1], &words) ||
      !GetTyped(env, argv[2], napi_uint32_array, "native.maskedMinMany: masks must be a Uint32Array", &masks) ||
      !GetInt(env, argv[3], &k) ||
      !GetTyped(env, argv[4], napi_int32_array, "native.maskedMinMany: rows must be an Int32Array", &rows) ||
      !GetInt(env, argv[5], &count) || !GetInt(env, argv[6], &stopAt) ||
      !GetTyped(env, argv[7], napi_int32_array, "native.maskedMinMany: out must be an Int32Array", &out)) {
    return nullptr;
  }
  const int64_t bad = FirstBadRow(static_cast<const int32_t*>(rows.data), count, bits.length / words);
  if (bad >= 0) return Num(env, static_cast<double>(-1 - bad));
  const int chunks = ChunkCount(static_cast<int>(count), 2048);
  std::vector<int32_t> best(static_cast<size_t>(chunks) * k, 0x7fffffff);
  const uint32_t* b = static_cast<const uint32_t*>(bits.data);
  const uint32_t* m = static_cast<const uint32_t*>(masks.data);
  const int32_t* r = static_cast<const int32_t*>(rows.data);
  const bool avx = HasAvx512();
  g_pool->ParallelFor(chunks, [&](int c) {
    const int r0 = static_cast<int>(count * c / chunks);
    const int r1 = static_cast<int>(count * (c + 1) / chunks);
    int32_t* bc = best.data() + static_cast<size_t>(c) * k;
#ifdef MEMONET_X86
    if (avx && k == 8) {
      MinManyGroupsAvx512<1>(b, static_cast<int>(words), m, r, r0, r1, static_cast<int>(stopAt), bc);
      return;
    }
    if (avx && k == 16) {
      MinManyGroupsAvx512<2>(b, static_cast<int>(words), m, r, r0, r1, static_cast<int>(stopAt), bc);
      return;
    }
    if (avx) {
      MinManyAvx512(b, static_cast<int>(words), m, static_cast<int>(k), r, r0, r1, static_cast<int>(stopAt), bc);
      return;
    }
#endif
    (void)avx;
    MinManyPortable(b, static_cast<int>(words), m, static_cast<int>(k), r, r0, r1, static_cast<int>(stopAt), bc);
  });
  int32_t* o = static_cast<int32_t*>(out.data);
  for (int q = 0; q < k; q++) {
    int32_t v = 0x7fffffff;
    for (int c = 0; c < chunks; c++) v = std::min(v, best[static_cast<size_t>(c) * k + q]);
    o[q] = v;
  }
  return Num(env, 0);
}

// maskedBelow(bits, wordsPerRow, mask, rows, count, bound, out) -> number written
napi_value MaskedBelowNapi(napi_env env, napi_callback_info info) {
  ARGS(7)
  Typed bits, mask, rows, out;
  int64_t words, count;
  double boundD;
  if (!GetTyped(env, argv[0], napi_uint32_array, "native.maskedBelow: bits must be a Uint32Array", &bits) ||
      !GetInt(env, argv[1], &words) ||
      !GetTyped(env, argv[2], napi_uint32_array, "native.maskedBelow: mask must be a Uint32Array", &mask) ||
      !GetTyped(env, argv[3], napi_int32_array, "native.maskedBelow: rows must be an Int32Array", &rows) ||
      !GetInt(env, argv[4], &count) || napi_get_value_double(env, argv[5], &boundD) != napi_ok ||
      !GetTyped(env, argv[6], napi_int32_array, "native.maskedBelow: out must be an Int32Array", &out)) {
    return nullptr;
  }
  const int64_t bad = FirstBadRow(static_cast<const int32_t*>(rows.data), count, bits.length / words);
  if (bad >= 0) return Num(env, static_cast<double>(-1 - bad));
  // popcount < bound  <=>  popcount < ceil(bound) for integer popcounts.
  const int64_t bound = boundD > 1e9 ? INT64_MAX : boundD < -1e9 ? INT64_MIN : static_cast<int64_t>(std::ceil(boundD));
  const int chunks = ChunkCount(static_cast<int>(count), 1024);
  std::vector<std::vector<int32_t>> parts(chunks);
  const uint32_t* b = static_cast<const uint32_t*>(bits.data);
  const uint32_t* m = static_cast<const uint32_t*>(mask.data);
  const int32_t* r = static_cast<const int32_t*>(rows.data);
  const bool avx = HasAvx512();
  g_pool->ParallelFor(chunks, [&](int c) {
    const int r0 = static_cast<int>(count * c / chunks);
    const int r1 = static_cast<int>(count * (c + 1) / chunks);
#ifdef MEMONET_X86
    if (avx) {
      BelowAvx512(b, static_cast<int>(words), m, r, r0, r1, bound, parts[c]);
      return;
    }
#endif
    (void)avx;
    BelowPortable(b, static_cast<int>(words), m, r, r0, r1, bound, parts[c]);
  });
  int32_t* o = static_cast<int32_t*>(out.data);
  size_t written = 0;
  for (const auto& p : parts) {
    for (int32_t v : p) {
      if (written < out.length) o[written] = v;
      written++;
    }
  }
  return Num(env, static_cast<double>(std::min(written, out.length)));
}

napi_value SampleHyperplanesNapi(napi_env env, napi_callback_info info) {
  ARGS(6)
  Typed state, weights, bias;
  int64_t dim, count;
  double lambda;
  if (!GetTyped(env, argv[0], napi_float64_array, "native.sampleHyperplanes: state must be a Float64Array", &state) ||
      !GetInt(env, argv[1], &dim) || !GetInt(env, argv[2], &count) ||
      napi_get_value_double(env, argv[3], &lambda) != napi_ok ||
      !GetTyped(env, argv[4], napi_float32_array, "native.sampleHyperplanes: weights must be a Float32Array", &weights) ||
      !GetTyped(env, argv[5], napi_float32_array, "native.sampleHyperplanes: bias must be a Float32Array", &bias)) {
    return nullptr;
  }
  if (state.length < 5 || dim < 0 || count < 0 || weights.length < static_cast<size_t>(dim * count) ||
      bias.length < static_cast<size_t>(count)) {
    napi_throw_range_error(env, nullptr, "native.sampleHyperplanes: arrays too short for dim x count");
    return nullptr;
  }
  double* st = static_cast<double*>(state.data);
  RngState r{static_cast<uint32_t>(st[0]), static_cast<uint32_t>(st[1]), static_cast<uint32_t>(st[2]),
             static_cast<uint32_t>(st[3]), st[4]};
  float* w = static_cast<float*>(weights.data);
  float* b = static_cast<float*>(bias.data);
  SampleHyperplanes(r, dim, count, lambda, w, b);
  st[0] = r.s0;
  st[1] = r.s1;
  st[2] = r.s2;
  st[3] = r.s3;
  st[4] = r.spare;
  return nullptr;
}

// maskedAnyBelow(bits, wordsPerRow, masks, thresholds Float64Array, k, rows, count, out Uint8Array)
// -> 0, or -1 - t when rows[t] is not a row of bits.
napi_value MaskedAnyBelowNapi(napi_env env, napi_callback_info info) {
  ARGS(8)
  Typed bits, masks, thr, rows, out;
  int64_t words, k, count;
  if (!GetTyped(env, argv[0], napi_uint32_array, "native.maskedAnyBelow: bits must be a Uint32Array", &bits) ||
      !GetInt(env, argv[1], &words) ||
      !GetTyped(env, argv[2], napi_uint32_array, "native.maskedAnyBelow: masks must be a Uint32Array", &masks) ||
      !GetTyped(env, argv[3], napi_float64_array, "native.maskedAnyBelow: thresholds must be a Float64Array", &thr) ||
      !GetInt(env, argv[4], &k) ||
      !GetTyped(env, argv[5], napi_int32_array, "native.maskedAnyBelow: rows must be an Int32Array", &rows) ||
      !GetInt(env, argv[6], &count) ||
      !GetTyped(env, argv[7], napi_uint8_array, "native.maskedAnyBelow: out must be a Uint8Array", &out)) {
    return nullptr;
  }
  if (masks.length < static_cast<size_t>(k * words) || thr.length < static_cast<size_t>(k) ||
      rows.length < static_cast<size_t>(count) || out.length < static_cast<size_t>(count)) {
    napi_throw_range_error(env, nullptr, "native.maskedAnyBelow: arrays too short");
    return nullptr;
  }
  const int64_t bad = FirstBadRow(static_cast<const int32_t*>(rows.data), count, bits.length / words);
  if (bad >= 0) return Num(env, static_cast<double>(-1 - bad));
  const int chunks = ChunkCount(static_cast<int>(count), 64);
  const bool avx = HasAvx512();
  g_pool->ParallelFor(chunks, [&](int c) {
    const int r0 = static_cast<int>(count * c / chunks);
    const int r1 = static_cast<int>(count * (c + 1) / chunks);
    const uint32_t* b = static_cast<const uint32_t*>(bits.data);
    const uint32_t* m = static_cast<const uint32_t*>(masks.data);
    const double* th = static_cast<const double*>(thr.data);
    const int32_t* r = static_cast<const int32_t*>(rows.data);
    uint8_t* o = static_cast<uint8_t*>(out.data);
#ifdef MEMONET_X86
    if (avx) {
      AnyBelowAvx512(b, static_cast<int>(words), m, th, static_cast<int>(k), r, r0, r1, o);
      return;
    }
#endif
    (void)avx;
    AnyBelowPortable(b, static_cast<int>(words), m, th, static_cast<int>(k), r, r0, r1, o);
  });
  return Num(env, 0);
}

// separation(bits, wordsPerRow, validBits, negRows, posRows, stopAtFirst, out Float64Array(4))
// out = [maxFirst, unseparated, exampleNeg, examplePos] (indices into the row lists); returns 0,
// or -1 - t when a row index is not a row of bits (t counts negRows then posRows).
napi_value SeparationNapi(napi_env env, napi_callback_info info) {
  ARGS(7)
  Typed bits, neg, pos, out;
  int64_t words, validBits;
  bool stopAtFirst = false;
  if (!GetTyped(env, argv[0], napi_uint32_array, "native.separation: bits must be a Uint32Array", &bits) ||
      !GetInt(env, argv[1], &words) || !GetInt(env, argv[2], &validBits) ||
      !GetTyped(env, argv[3], napi_int32_array, "native.separation: negative rows must be an Int32Array", &neg) ||
      !GetTyped(env, argv[4], napi_int32_array, "native.separation: positive rows must be an Int32Array", &pos) ||
      napi_get_value_bool(env, argv[5], &stopAtFirst) != napi_ok ||
      !GetTyped(env, argv[6], napi_float64_array, "native.separation: out must be a Float64Array", &out)) {
    return nullptr;
  }
  const int64_t bitRows = bits.length / words;
  const int64_t badNeg = FirstBadRow(static_cast<const int32_t*>(neg.data), neg.length, bitRows);
  if (badNeg >= 0) return Num(env, static_cast<double>(-1 - badNeg));
  const int64_t badPos = FirstBadRow(static_cast<const int32_t*>(pos.data), pos.length, bitRows);
  if (badPos >= 0) return Num(env, static_cast<double>(-1 - static_cast<int64_t>(neg.length) - badPos));
  const int negCount = static_cast<int>(neg.length);
  const int chunks = ChunkCount(negCount, 16);
  std::vector<SeparationPart> parts(chunks);
  std::atomic<bool> stop{false};
  g_pool->ParallelFor(chunks, [&](int c) {
    const int n0 = static_cast<int>(static_cast<int64_t>(negCount) * c / chunks);
    const int n1 = static_cast<int>(static_cast<int64_t>(negCount) * (c + 1) / chunks);
    SeparationRange(static_cast<const uint32_t*>(bits.data), static_cast<int>(words),
                    static_cast<int>(validBits), static_cast<const int32_t*>(neg.data), n0, n1,
                    static_cast<const int32_t*>(pos.data), static_cast<int>(pos.length),
                    stopAtFirst, stop, parts[c]);
    if (parts[c].unseparated > 0) stop.store(true, std::memory_order_relaxed);
  });
  // Chunks are in negative-row order: the first chunk with a failure holds the first example.
  SeparationPart total;
  for (const auto& p : parts) {
    total.maxFirst = std::max(total.maxFirst, p.maxFirst);
    if (p.unseparated > 0 && total.unseparated == 0) {
      total.exampleNeg = p.exampleNeg;
      total.examplePos = p.examplePos;
    }
    total.unseparated += p.unseparated;
  }
  double* o = static_cast<double*>(out.data);
  o[0] = static_cast<double>(total.maxFirst);
  o[1] = static_cast<double>(total.unseparated);
  o[2] = static_cast<double>(total.exampleNeg);
  o[3] = static_cast<double>(total.examplePos);
  return Num(env, 0);
}

napi_value InfoNapi(napi_env env, napi_callback_info) {
  napi_value obj;
  napi_create_object(env, &obj);
  napi_value simd, threads;
  napi_create_string_utf8(env, HasAvx512() ? "avx512-vpopcntdq" : "portable", NAPI_AUTO_LENGTH, &simd);
  napi_create_int32(env, g_pool->size(), &threads);
  napi_set_named_property(env, obj, "simd", simd);
  napi_set_named_property(env, obj, "threads", threads);
  return obj;
}

napi_value Init(napi_env env, napi_value exports) {
  if (g_pool == nullptr) g_pool = new Pool(ThreadCount());
  napi_property_descriptor props[] = {
      {"firstLayer", nullptr, FirstLayerNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedMinMany", nullptr, MaskedMinManyNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedBelow", nullptr, MaskedBelowNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"separation", nullptr, SeparationNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedAnyBelow", nullptr, MaskedAnyBelowNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sampleHyperplanes", nullptr, SampleHyperplanesNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, InfoNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
