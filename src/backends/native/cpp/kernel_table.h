// The kernel table: one per instruction set (avx512, avx2, neon, portable), each compiled from
// the same generic bodies (generic.h) over a small SIMD traits layer (simd_*.h), chosen once
// when the addon loads (tables.h). Callers never branch on the CPU: they call through a table.
// Every entry computes exactly the same bits on every table.

#pragma once

#include <cstdint>
#include <vector>

namespace memonet {

// The first layer's inputs: x (rows x dim, row-major), W (width x dim, row-major), b.
struct LayerArgs {
  const float* x;
  int rows;
  int dim;
  const float* w;
  int width;
  const float* bias;
};

// Where the first layer writes: threshold bits (row r at bits + r * words, cleared beforehand)
// and/or ReLU values (row r at values + r * width); either may be null.
struct LayerOut {
  uint32_t* bits;
  int64_t words;
  float* values;
};

// Rows in groups of kGroupRows that share every weight load: group g's rows are
// rows[4g .. 4g + 4) (-1 pads the last group). Sparse groups list the union of their rows'
// non-zero columns, increasing (cols[start[g] .. start[g + 1]), with the 4 rows' values per
// column in vals); dense groups (dense = true) read every column of x directly.
constexpr int kGroupRows = 4;
constexpr int kPanel = 64;  // neurons per weight panel (one 64-bit word of each bit row)

struct RowGroups {
  bool dense = false;
  std::vector<int> rows;
  std::vector<int> start;
  std::vector<int> cols;
  std::vector<float> vals;
};

// Per-task scratch of the first layer (kept in the context between calls).
struct LayerScratch {
  std::vector<float> panel;  // dim x kPanel weights, panel[j * 64 + c] = W[i0 + c][j]
};

struct RngState {
  uint32_t s0, s1, s2, s3;
  double spare;  // NaN when there is no pending deviate
};

struct KernelTable {
  const char* name;
  // min over rows[r0..r1) of popcount(mask_q AND row) into best[q] (running minima), q < k;
  // stops once every best[q] <= stopAt.
  void (*minMany)(const uint32_t* bits, int words, const uint32_t* masks, int k,
                  const int32_t* rows, int r0, int r1, int stopAt, int32_t* best);
  // Appends rows[t] (t in [r0, r1)) with popcount(mask AND row) < bound, in order.
  void (*below)(const uint32_t* bits, int words, const uint32_t* mask, const int32_t* rows, int r0,
                int r1, int64_t bound, std::vector<int32_t>& out);
  // out[t] = 1 iff popcount(mask_q AND row) < thr[q] for some q < k.
  void (*anyBelow)(const uint32_t* bits, int words, const uint32_t* masks, const double* thr,
                   int k, const int32_t* rows, int r0, int r1, uint8_t* out);
  // Algorithm 1's separation for negatives [n0, n1): see SeparationPart in generic.h.
  void (*separation)(const uint32_t* bits, int words, int validBits, const int32_t* neg, int n0,
                     int n1, const int32_t* pos, int posCount, bool stopAtFirst,
                     const bool* stop, int64_t* part /* maxFirst, unseparated, neg, pos */);
  // Groups rows [r0, r1) of a (sparse: by their non-zero patterns; dense: consecutive).
  void (*groupRows)(const LayerArgs& a, int r0, int r1, bool dense, RowGroups& g);
  // Panels [t0, t1) over all groups of groups[0 .. blocks) (rows relative to a.x).
  void (*layerTiles)(const LayerArgs& a, const RowGroups* groups, int blocks, int t0, int t1,
                     LayerScratch& s, const LayerOut& out);
  // Sampling: 16 lanes of xoshiro128**, lane i continues lanes[i] for 1024 words into
  // out[i * 1024 ...]; acceptance flags of 64 candidate pairs; the polar transform of the
  // accepted pairs p in [p0, p1) (both deviates when p < whole, else only u, v in *lastV).
  void (*generateLanes)(const RngState* lanes, uint32_t* out);
  void (*flagBlock)(const uint32_t* words, uint32_t* first, uint32_t* second);
  void (*polar)(const uint32_t* words, const int64_t* pairAt, int64_t p0, int64_t p1,
                int64_t whole, float* out, double* lastV);
  // Covers of rows [r0, r1) (r0 a multiple of 32): bit t of out + q * outWords is 1 iff
  // popcount(mask_q AND row rows[t]) < bound[q], q < k; whole words (see Coverage in generic.h).
  void (*coverage)(const uint32_t* bits, int words, const uint32_t* masks, int k,
                   const int64_t* bound, const int32_t* rows, int r0, int r1, uint32_t* out,
                   int64_t outWords);
};

}  // namespace memonet
