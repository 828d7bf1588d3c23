// The kernel bodies, written once over the SIMD traits layer: `Pop` (AND+popcount over blocks of
// kWords 32-bit words) and `F` (float32 vectors of L lanes) of the enclosing namespace (one per
// table, see tables.h, which includes this file once per instruction set, under that set's
// target options). No include guard on purpose; no system headers here.
//
// Rounding: pre-activations are float32 sums over j = 0..d-1 in increasing order of the float32
// products x_j * W_ij, then + b_i, never fused (F has no multiply-add; -ffp-contract=off).

// ---------------------------------------------------------------------------------------------
// Masked popcounts.

inline void PrefetchRow(const uint32_t* row, int words) {
  const char* p = reinterpret_cast<const char*>(row);
  for (int b = 0; b < words * 4; b += 64) __builtin_prefetch(p + b);
}

// minMany: masks in groups of Pop::kGroup, each block of a row loaded once per group.
void MinMany(const uint32_t* bits, int words, const uint32_t* masks, int k, const int32_t* rows,
             int r0, int r1, int stopAt, int32_t* best) {
  constexpr int G = Pop::kGroup;
  constexpr int W = Pop::kWords;
  const int blocks = words / W;
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (t + 4 < r1) PrefetchRow(bits + static_cast<size_t>(rows[t + 4]) * words, words);
    bool all = true;
    for (int q0 = 0; q0 < k; q0 += G) {
      const int g = std::min(G, k - q0);
      bool live = false;
      for (int q = 0; q < g; q++) live = live || best[q0 + q] > stopAt;
      if (!live) continue;
      all = false;
      const uint32_t* m = masks + static_cast<size_t>(q0) * words;
      typename Pop::Acc acc[G];
      for (int q = 0; q < G; q++) acc[q] = Pop::Zero();
      if (g == G) {
        for (int b = 0; b < blocks; b++) {
          const typename Pop::V rb = Pop::Load(row + W * b);
#pragma GCC unroll 16
          for (int q = 0; q < G; q++) {
            Pop::AndAdd(acc[q], Pop::Load(m + static_cast<size_t>(q) * words + W * b), rb);
          }
          if (Pop::kFold > 0 && (b + 1) % (Pop::kFold > 0 ? Pop::kFold : 1) == 0) {
            for (int q = 0; q < G; q++) Pop::Fold(acc[q]);
          }
        }
      } else {
        for (int b = 0; b < blocks; b++) {
          const typename Pop::V rb = Pop::Load(row + W * b);
          for (int q = 0; q < g; q++) {
            Pop::AndAdd(acc[q], Pop::Load(m + static_cast<size_t>(q) * words + W * b), rb);
          }
          if (Pop::kFold > 0 && (b + 1) % (Pop::kFold > 0 ? Pop::kFold : 1) == 0) {
            for (int q = 0; q < g; q++) Pop::Fold(acc[q]);
          }
        }
      }
      for (int q = 0; q < g; q++) {
        const int c = static_cast<int>(Pop::Sum(acc[q]));
        if (c < best[q0 + q]) best[q0 + q] = c;
      }
    }
    if (all) return;
  }
}

// popcount(mask AND row), stopping once the partial count reaches `bound` (checked every 1024
// bits; partial counts only grow): the result is < bound exactly when the full count is.
inline int64_t PopcountUntil(const uint32_t* mask, const uint32_t* row, int blocks, int64_t bound) {
  constexpr int kCheck = 32 / Pop::kWords > 0 ? 32 / Pop::kWords : 1;
  typename Pop::Acc acc = Pop::Zero();
  int64_t c = 0;
  for (int b = 0; b < blocks; b++) {
    Pop::AndAdd(acc, Pop::Load(mask + Pop::kWords * b), Pop::Load(row + Pop::kWords * b));
    if ((b + 1) % kCheck == 0 || b + 1 == blocks) {
      c = Pop::Sum(acc);
      if (c >= bound) break;
    }
  }
  return c;
}

void Below(const uint32_t* bits, int words, const uint32_t* mask, const int32_t* rows, int r0,
           int r1, int64_t bound, std::vector<int32_t>& out) {
  const int blocks = words / Pop::kWords;
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (t + 4 < r1) PrefetchRow(bits + static_cast<size_t>(rows[t + 4]) * words, words);
    if (PopcountUntil(mask, row, blocks, bound) < bound) out.push_back(rows[t]);
  }
}

// Rows in blocks of 8: each block of a mask is loaded once for the 8 rows, the 8 counts compared
// together; a block stops at the first mask past which all its rows have fired.
void AnyBelow(const uint32_t* bits, int words, const uint32_t* masks, const double* thr, int k,
              const int32_t* rows, int r0, int r1, uint8_t* out) {
  constexpr int W = Pop::kWords;
  const int blocks = words / W;
  for (int t0 = r0; t0 < r1; t0 += 8) {
    const int n = std::min(8, r1 - t0);
    const uint32_t* row[8];
    for (int i = 0; i < 8; i++) {
      row[i] = bits + static_cast<size_t>(rows[t0 + std::min(i, n - 1)]) * words;
    }
    const unsigned all = (1u << n) - 1u;
    unsigned fired = 0;
    for (int q = 0; q < k && (fired & all) != all; q++) {
      const uint32_t* mask = masks + static_cast<size_t>(q) * words;
      typename Pop::Acc acc[8];
      for (int i = 0; i < 8; i++) acc[i] = Pop::Zero();
      for (int b = 0; b < blocks; b++) {
        const typename Pop::V mb = Pop::Load(mask + W * b);
#pragma GCC unroll 8
        for (int i = 0; i < 8; i++) Pop::AndAdd(acc[i], mb, Pop::Load(row[i] + W * b));
        if (Pop::kFold > 0 && (b + 1) % (Pop::kFold > 0 ? Pop::kFold : 1) == 0) {
          for (int i = 0; i < 8; i++) Pop::Fold(acc[i]);
        }
      }
      // popcount < thr[q] for an integer popcount is popcount < ceil(thr[q]) (clamped).
      const double th = thr[q];
      const int64_t bound = th > 1e15     ? int64_t{1} << 50
                            : !(th > -1e15) ? -(int64_t{1} << 50)
                                            : static_cast<int64_t>(std::ceil(th));
      for (int i = 0; i < 8; i++) {
        if (Pop::Sum(acc[i]) < bound) fired |= 1u << i;
      }
    }
    for (int i = 0; i < n; i++) out[t0 + i] = (fired >> i) & 1u;
  }
}

// Coverage (the second-layer neurons' covers as bit sets): for rows [r0, r1), r0 a multiple of
// 32, bit t of out + q * outWords is 1 iff popcount(mask_q AND row rows[t]) < bound[q], q < k.
// Rows outer, masks in groups of Pop::kGroup (as MinMany: each block of a row loaded once per
// group, the row stays in cache for all groups); each output word is written once, whole (bits at
// or beyond r1 are 0), so threads on disjoint word ranges never share a word.
template <bool kFull>
inline void CountGroup(const uint32_t* row, const uint32_t* m, int words, int g,
                       typename Pop::Acc* acc) {
  constexpr int G = Pop::kGroup;
  constexpr int W = Pop::kWords;
  const int blocks = words / W;
  const int n = kFull ? G : g;
  for (int q = 0; q < G; q++) acc[q] = Pop::Zero();
  for (int b = 0; b < blocks; b++) {
    const typename Pop::V rb = Pop::Load(row + W * b);
#pragma GCC unroll 16
    for (int q = 0; q < n; q++) {
      Pop::AndAdd(acc[q], Pop::Load(m + static_cast<size_t>(q) * words + W * b), rb);
    }
    if (Pop::kFold > 0 && (b + 1) % (Pop::kFold > 0 ? Pop::kFold : 1) == 0) {
      for (int q = 0; q < n; q++) Pop::Fold(acc[q]);
    }
  }
}

void Coverage(const uint32_t* bits, int words, const uint32_t* masks, int k, const int64_t* bound,
              const int32_t* rows, int r0, int r1, uint32_t* out, int64_t outWords) {
  constexpr int G = Pop::kGroup;
  std::vector<uint32_t> cur(static_cast<size_t>(k), 0u);
  for (int t = r0; t < r1; t++) {
    const uint32_t* row = bits + static_cast<size_t>(rows[t]) * words;
    if (t + 4 < r1) PrefetchRow(bits + static_cast<size_t>(rows[t + 4]) * words, words);
    const uint32_t bit = 1u << (t & 31);
    for (int q0 = 0; q0 < k; q0 += G) {
      const int g = std::min(G, k - q0);
      bool live = false;  // a bound <= 0 never fires (popcounts are >= 0)
      for (int q = 0; q < g; q++) live = live || bound[q0 + q] > 0;
      if (!live) continue;
      const uint32_t* m = masks + static_cast<size_t>(q0) * words;
      typename Pop::Acc acc[G];
      if (g == G) {
        CountGroup<true>(row, m, words, g, acc);
      } else {
        CountGroup<false>(row, m, words, g, acc);
      }
      for (int q = 0; q < g; q++) {
        if (Pop::Sum(acc[q]) < bound[q0 + q]) cur[q0 + q] |= bit;
      }
    }
    if ((t & 31) == 31 || t + 1 == r1) {
      for (int q = 0; q < k; q++) {
        out[static_cast<size_t>(q) * outWords + (t >> 5)] = cur[q];
        cur[q] = 0;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Algorithm 1's separation check: for pairs (x⁻, x⁺) the lowest neuron i with bit i of x⁻ clear
// and bit i of x⁺ set; part = [max of that index, pairs without one, first such pair (negative
// index, positive index)].

inline int64_t FirstSeparating(const uint32_t* a, const uint32_t* b, int words, int validBits) {
  for (int w = 0; w < words; w += 2) {
    uint64_t av, bv;
    std::memcpy(&av, a + w, 8);
    std::memcpy(&bv, b + w, 8);
    const uint64_t m = ~av & bv;
    if (m != 0) {
      const int64_t i = 32LL * w + __builtin_ctzll(m);
      return i < validBits ? i : -1;  // padding bits of b are 0, so this never triggers
    }
  }
  return -1;
}

void Separation(const uint32_t* bits, int words, int validBits, const int32_t* neg, int n0, int n1,
                const int32_t* pos, int posCount, bool stopAtFirst, const bool* stop,
                int64_t* part) {
  for (int a = n0; a < n1; a++) {
    if (stopAtFirst && __atomic_load_n(stop, __ATOMIC_RELAXED)) return;
    const uint32_t* na = bits + static_cast<size_t>(neg[a]) * words;
    for (int b = 0; b < posCount; b++) {
      const int64_t f =
          FirstSeparating(na, bits + static_cast<size_t>(pos[b]) * words, words, validBits);
      if (f < 0) {
        if (part[1] == 0) {
          part[2] = a;
          part[3] = b;
        }
        part[1]++;
        if (stopAtFirst) return;
      } else if (f > part[0]) {
        part[0] = f;
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// First layer by row groups over weight panels packed from W (W^T is never needed).
//
// Sparse rows: kGroupRows rows of similar sparsity share each weight load: for every column j
// where any row of the group is non-zero (the group's union, in increasing order) the weights
// W[i0..i0+63][j] are loaded once and multiplied by each row's x_j. A row with x_j = 0 adds
// fl(0 · w) = ±0, which changes no pre-activation (only possibly the sign of an exact zero,
// which neither σ distinguishes), so each row's sum is exactly the sparse single-row sum. Rows are
// ordered by (non-zeros / 8, span of their non-zero columns) before grouping, which keeps unions
// small (MNIST: about 1.5 times a row's non-zeros); the order only decides which rows share
// loads, never a result. Dense rows: groups of 4 consecutive rows over every column.

// Groups rows [r0, r1) of x into g (whose vectors keep their capacity from earlier calls).
void GroupRows(const LayerArgs& a, int r0, int r1, bool dense, RowGroups& g) {
  const int n = r1 - r0;
  const int groups = (n + kGroupRows - 1) / kGroupRows;
  g.dense = dense;
  g.rows.assign(static_cast<size_t>(groups) * kGroupRows, -1);
  g.start.assign(groups + 1, 0);
  g.cols.clear();
  g.vals.clear();
  if (dense) {
    for (int t = 0; t < n; t++) g.rows[t] = r0 + t;
    return;
  }
  constexpr int kGroupWindow = 16;
  const int words = (a.dim + 63) / 64;
  std::vector<uint64_t> bitmap(static_cast<size_t>(n) * words, 0);  // non-zero columns per row
  std::vector<int64_t> key(n);
  size_t nonZero = 0;  // bounds the union lists (each group's union <= its rows' non-zeros)
  for (int t = 0; t < n; t++) {
    const float* xr = a.x + static_cast<size_t>(r0 + t) * a.dim;
    uint64_t* bits = bitmap.data() + static_cast<size_t>(t) * words;
    int count = 0, first = -1, last = -1;
    for (int j = 0; j < a.dim; j++) {
      if (!(xr[j] == 0.0f)) {  // NaN counts as non-zero
        bits[j >> 6] |= uint64_t{1} << (j & 63);
        count++;
        if (first < 0) first = j;
        last = j;
      }
    }
    key[t] = (static_cast<int64_t>(count / 8) << 32) | static_cast<int64_t>(last - first);
    nonZero += count;
  }
  std::vector<int> order(n);
  for (int t = 0; t < n; t++) order[t] = t;
  std::sort(order.begin(), order.end(),
            [&](int p, int q) { return key[p] < key[q] || (key[p] == key[q] && p < q); });
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

// Float32 sums of 4 rows x (kSub * L) neurons in registers: a product then a sum, never fused.
struct Tile {
  static constexpr int kSub = F::kSub;
  typename F::V c[kGroupRows][kSub];

  inline void Zero() {
#pragma GCC unroll 4
    for (int q = 0; q < kGroupRows; q++) {
#pragma GCC unroll 8
      for (int v = 0; v < kSub; v++) c[q][v] = F::Zero();
    }
  }
  inline void Add(float x0, float x1, float x2, float x3, const float* w) {
    typename F::V wv[kSub];
#pragma GCC unroll 8
    for (int v = 0; v < kSub; v++) wv[v] = F::Load(w + F::L * v);
    const float xs[kGroupRows] = {x0, x1, x2, x3};
#pragma GCC unroll 4
    for (int q = 0; q < kGroupRows; q++) {
      const typename F::V xv = F::Set1(xs[q]);
#pragma GCC unroll 8
      for (int v = 0; v < kSub; v++) c[q][v] = F::Add(c[q][v], F::Mul(xv, wv[v]));
    }
  }
  // z[q * 64 + v * L] = sums + b (b padded with zeros to 64).
  inline void Store(const float* b, float* z) const {
#pragma GCC unroll 4
    for (int q = 0; q < kGroupRows; q++) {
#pragma GCC unroll 8
      for (int v = 0; v < kSub; v++) {
        F::Store(z + q * kPanel + F::L * v, F::Add(c[q][v], F::Load(b + F::L * v)));
      }
    }
  }
};

// Pre-activations of group grp for the 64 neurons of `panel`: z[q * 64 + i] (bias padded).
inline void PreactGroup(const LayerArgs& a, const RowGroups& g, int grp, const float* panel,
                        const float* bias, float* z) {
  constexpr int kStep = F::kSub * F::L;
  static_assert(kPanel % kStep == 0, "sub-tiles divide the panel");
  const int* rows = g.rows.data() + static_cast<size_t>(grp) * kGroupRows;
  for (int s0 = 0; s0 < kPanel; s0 += kStep) {
    Tile tile;
    tile.Zero();
    if (g.dense) {
      const float* xr[kGroupRows];
      for (int q = 0; q < kGroupRows; q++) {
        xr[q] = a.x + static_cast<size_t>(rows[q] >= 0 ? rows[q] : rows[0]) * a.dim;
      }
      for (int j = 0; j < a.dim; j++) {
        tile.Add(xr[0][j], xr[1][j], xr[2][j], xr[3][j], panel + static_cast<size_t>(j) * kPanel + s0);
      }
    } else {
      const int* cols = g.cols.data();
      const float* vals = g.vals.data();
      for (int k = g.start[grp]; k < g.start[grp + 1]; k++) {
        const float* xv = vals + static_cast<size_t>(k) * kGroupRows;
        tile.Add(xv[0], xv[1], xv[2], xv[3], panel + static_cast<size_t>(cols[k]) * kPanel + s0);
      }
    }
    tile.Store(bias + s0, z + s0);
  }
}

// Panels [t0, t1) of 64 neurons for every group of every block: packs each panel from W, then writes each
// row's threshold bits (one 64-bit word per panel) and/or ReLU values.
void LayerTiles(const LayerArgs& a, const RowGroups* blocks, int blockCount, int t0, int t1,
                LayerScratch& s, const LayerOut& out) {
  s.panel.resize(static_cast<size_t>(a.dim) * kPanel);
  float* panel = s.panel.data();
  alignas(64) float z[kGroupRows * kPanel];
  alignas(64) float bias[kPanel];
  for (int t = t0; t < t1; t++) {
    const int i0 = t * kPanel;
    const int count = std::min(kPanel, a.width - i0);
    std::memset(panel, 0, sizeof(float) * static_cast<size_t>(a.dim) * kPanel);
    for (int c = 0; c < count; c++) {
      const float* wr = a.w + static_cast<size_t>(i0 + c) * a.dim;
      for (int j = 0; j < a.dim; j++) panel[static_cast<size_t>(j) * kPanel + c] = wr[j];
    }
    for (int c = 0; c < kPanel; c++) bias[c] = c < count ? a.bias[i0 + c] : 0.0f;
    const uint64_t valid = count == 64 ? ~uint64_t{0} : (uint64_t{1} << count) - 1;
    for (int block = 0; block < blockCount; block++) {
      const RowGroups& g = blocks[block];
      const int groups = static_cast<int>(g.rows.size()) / kGroupRows;
      for (int grp = 0; grp < groups; grp++) {
        PreactGroup(a, g, grp, panel, bias, z);
        for (int q = 0; q < kGroupRows; q++) {
          const int r = g.rows[static_cast<size_t>(grp) * kGroupRows + q];
          if (r < 0) break;
          const float* zq = z + q * kPanel;
          if (out.bits != nullptr) {
            uint64_t m = 0;
#pragma GCC unroll 16
            for (int v = 0; v < kPanel / F::L; v++) {
              m |= static_cast<uint64_t>(F::PositiveBits(F::Load(zq + F::L * v))) << (F::L * v);
            }
            m &= valid;
            std::memcpy(out.bits + static_cast<size_t>(r) * out.words + i0 / 32, &m, sizeof m);
          }
          if (out.values != nullptr) {
            float* o = out.values + static_cast<size_t>(r) * a.width + i0;
            for (int i = 0; i < count; i++) o[i] = zq[i] > 0.0f ? zq[i] : 0.0f;
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Sampling pieces (scalar; tables with vector versions replace them).

void GenerateLanesScalar(const RngState* lanes, uint32_t* out) {
  for (int l = 0; l < 16; l++) {
    RngState r = lanes[l];
    for (int64_t t = 0; t < kLaneWords; t++) out[l * kLaneWords + t] = NextUint32(r);
  }
}

// Acceptance of the 64 candidate pairs at words[p], p = 0, 2, ..., 126: bit k of *first for the
// candidate at 4k, of *second for the one at 4k + 2.
void FlagBlockScalar(const uint32_t* words, uint32_t* first, uint32_t* second) {
  *first = *second = 0;
  for (int j = 0; j < 64; j++) {
    const double u = 2 * UniformFromWords(words + 2 * j) - 1;
    const double v = 2 * UniformFromWords(words + 2 * j + 2) - 1;
    const double s = u * u + v * v;
    if (s > 0 && s < 1) *((j & 1) ? second : first) |= 1u << (j / 2);
  }
}

void PolarScalar(const uint32_t* words, const int64_t* pairAt, int64_t p0, int64_t p1,
                 int64_t whole, float* out, double* lastV) {
  for (int64_t p = p0; p < p1; p++) {
    const double v = PolarTransform(words + pairAt[p], out + 2 * p);
    if (p < whole) {
      out[2 * p + 1] = static_cast<float>(v);
    } else {
      *lastV = v;  // the one pending deviate: only the last pair can leave it
    }
  }
}
