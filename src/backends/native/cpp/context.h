// One context of memonet's native kernels: the kernel table chosen for it, its thread pool, and
// the scratch buffers kept between its calls (row groups, weight panels, sampling words). Each
// kernel splits its work over the pool; every result is independent of the thread count (rows
// are computed independently; minima and ordered row lists are combined deterministically).
// A context serves one caller at a time (its owner); nothing here is global. No Node.js here:
// the Node-API glue (kernels.cc) and the test program (test/harness.cc) both use it.

#pragma once

#include <atomic>
#include <memory>

#include "platform.h"
#include "sampling.h"
#include "tables.h"

namespace memonet {

// Index of the first rows[t] outside [0, bitRows), or -1 when all are valid.
inline int64_t FirstBadRow(const int32_t* rows, int64_t count, int64_t bitRows) {
  for (int64_t t = 0; t < count; t++) {
    if (rows[t] < 0 || rows[t] >= bitRows) return t;
  }
  return -1;
}

class Context {
 public:
  Context(const KernelTable* table, int threads) : table_(table), pool_(threads) {}
  Context(const Context&) = delete;
  Context& operator=(const Context&) = delete;

  const KernelTable& table() const { return *table_; }
  int threads() const { return pool_.size(); }
  // Runs fn(0 .. tasks-1) on this context's pool (for self-contained kernels such as distances.h).
  void Parallel(int tasks, const std::function<void(int)>& fn) { pool_.ParallelFor(tasks, fn); }

  // Whether the first layer treats x as sparse: fewer than half of the inputs of the first 256
  // rows non-zero (NaN counts as non-zero). Only decides how rows are grouped, never a result.
  static bool Sparse(const LayerArgs& a) {
    const int sample = std::min(a.rows, 256);
    int64_t nonZero = 0;
    for (size_t t = 0; t < static_cast<size_t>(sample) * a.dim; t++) nonZero += a.x[t] != 0.0f;
    return sample > 0 && 2 * nonZero < static_cast<int64_t>(sample) * a.dim;
  }

  // The first layer on all rows of a into out (rows of out start at a's row 0): threshold bits
  // (the rows are cleared first) and/or ReLU values. Rows in chunks of 8192, which bounds the
  // union lists kept between calls (about 10 MB for MNIST); in each chunk one block of rows per
  // thread is grouped, then each thread takes a contiguous range of 64-neuron panels over all
  // blocks (threads rarely write the same cache line of a bit row).
  void FirstLayer(const LayerArgs& a, const LayerOut& out) {
    if (out.bits != nullptr) {
      // Cleared in parallel: the first touch of fresh memory is costly, and this spreads it.
      const int chunks = ChunkCount(a.rows, 1024);
      pool_.ParallelFor(chunks, [&](int c) {
        const int64_t r0 = static_cast<int64_t>(a.rows) * c / chunks;
        const int64_t r1 = static_cast<int64_t>(a.rows) * (c + 1) / chunks;
        std::memset(out.bits + r0 * out.words, 0, sizeof(uint32_t) * out.words * (r1 - r0));
      });
    }
    const bool dense = !Sparse(a);
    constexpr int kRowsPerChunk = 8192;
    const int threads = pool_.size();
    if (static_cast<int>(scratch_.size()) < threads) scratch_.resize(threads);
    for (int c0 = 0; c0 < a.rows; c0 += kRowsPerChunk) {
      LayerArgs chunk = a;
      chunk.x = a.x + static_cast<size_t>(c0) * a.dim;
      chunk.rows = std::min(kRowsPerChunk, a.rows - c0);
      const LayerOut o{out.bits == nullptr ? nullptr : out.bits + static_cast<size_t>(c0) * out.words,
                       out.words,
                       out.values == nullptr ? nullptr : out.values + static_cast<size_t>(c0) * a.width};
      const int rowsPerBlock = (chunk.rows + threads - 1) / threads;
      const int blocks = (chunk.rows + rowsPerBlock - 1) / rowsPerBlock;
      if (static_cast<int>(groups_.size()) < blocks) groups_.resize(blocks);
      pool_.ParallelFor(blocks, [&](int block) {
        const int r0 = block * rowsPerBlock;
        table_->groupRows(chunk, r0, std::min(chunk.rows, r0 + rowsPerBlock), dense, groups_[block]);
      });
      const int tiles = (a.width + kPanel - 1) / kPanel;
      const int parts = std::min(tiles, threads);
      pool_.ParallelFor(parts, [&](int part) {
        const int t0 = static_cast<int>(static_cast<int64_t>(tiles) * part / parts);
        const int t1 = static_cast<int>(static_cast<int64_t>(tiles) * (part + 1) / parts);
        table_->layerTiles(chunk, groups_.data(), blocks, t0, t1, scratch_[part], o);
      });
    }
  }

  // min over rows of popcount(mask_q AND row) for q < k, stopping once all are <= stopAt.
  void MinMany(const uint32_t* bits, int words, const uint32_t* masks, int k, const int32_t* rows,
               int count, int stopAt, int32_t* out) {
    const int chunks = ChunkCount(count, 2048);
    std::vector<int32_t> best(static_cast<size_t>(chunks) * k, 0x7fffffff);
    pool_.ParallelFor(chunks, [&](int c) {
      const int r0 = static_cast<int>(static_cast<int64_t>(count) * c / chunks);
      const int r1 = static_cast<int>(static_cast<int64_t>(count) * (c + 1) / chunks);
      table_->minMany(bits, words, masks, k, rows, r0, r1, stopAt, best.data() + static_cast<size_t>(c) * k);
    });
    for (int q = 0; q < k; q++) {
      int32_t v = 0x7fffffff;
      for (int c = 0; c < chunks; c++) v = std::min(v, best[static_cast<size_t>(c) * k + q]);
      out[q] = v;
    }
  }

  // Writes the rows with popcount(mask AND row) < bound, in order, up to cap; returns how many.
  size_t Below(const uint32_t* bits, int words, const uint32_t* mask, const int32_t* rows,
               int count, double boundD, int32_t* out, size_t cap) {
    // popcount < bound  <=>  popcount < ceil(bound) for integer popcounts.
    const int64_t bound = boundD > 1e9 ? INT64_MAX : boundD < -1e9 ? INT64_MIN : static_cast<int64_t>(std::ceil(boundD));
    const int chunks = ChunkCount(count, 1024);
    std::vector<std::vector<int32_t>> parts(chunks);
    pool_.ParallelFor(chunks, [&](int c) {
      const int r0 = static_cast<int>(static_cast<int64_t>(count) * c / chunks);
      const int r1 = static_cast<int>(static_cast<int64_t>(count) * (c + 1) / chunks);
      table_->below(bits, words, mask, rows, r0, r1, bound, parts[c]);
    });
    size_t written = 0;
    for (const auto& p : parts) {
      for (int32_t v : p) {
        if (written < cap) out[written] = v;
        written++;
      }
    }
    return std::min(written, cap);
  }

  void AnyBelow(const uint32_t* bits, int words, const uint32_t* masks, const double* thr, int k,
                const int32_t* rows, int count, uint8_t* out) {
    const int chunks = ChunkCount(count, 64);
    pool_.ParallelFor(chunks, [&](int c) {
      const int r0 = static_cast<int>(static_cast<int64_t>(count) * c / chunks);
      const int r1 = static_cast<int>(static_cast<int64_t>(count) * (c + 1) / chunks);
      table_->anyBelow(bits, words, masks, thr, k, rows, r0, r1, out);
    });
  }

  // Covers as bit sets (outWords = ceil(count / 32) words per mask at out + q * outWords): bit t
  // of mask q is 1 iff popcount(mask_q AND row rows[t]) < bounds[q]. Threads take disjoint ranges
  // of whole words, so the bits do not depend on the thread count.
  void Coverage(const uint32_t* bits, int words, const uint32_t* masks, int k, const double* bounds,
                const int32_t* rows, int count, uint32_t* out) {
    const int64_t outWords = (static_cast<int64_t>(count) + 31) / 32;
    if (k <= 0 || outWords == 0) return;
    // popcount < b  <=>  popcount < ceil(b) for integer popcounts (clamped; NaN never fires).
    std::vector<int64_t> bound(static_cast<size_t>(k));
    for (int q = 0; q < k; q++) {
      const double th = bounds[q];
      bound[q] = th > 1e15 ? int64_t{1} << 50
                 : !(th > -1e15) ? -(int64_t{1} << 50)
                                 : static_cast<int64_t>(std::ceil(th));
    }
    const int chunks = ChunkCount(static_cast<int>(outWords), 16);
    pool_.ParallelFor(chunks, [&](int c) {
      const int w0 = static_cast<int>(outWords * c / chunks);
      const int w1 = static_cast<int>(outWords * (c + 1) / chunks);
      table_->coverage(bits, words, masks, k, bound.data(), rows, 32 * w0, std::min(count, 32 * w1), out,
                       outWords);
    });
  }

  // out = [maxFirst, unseparated, exampleNeg, examplePos] (indices into the row lists).
  void Separation(const uint32_t* bits, int words, int validBits, const int32_t* neg, int negCount,
                  const int32_t* pos, int posCount, bool stopAtFirst, double* out) {
    const int chunks = ChunkCount(negCount, 16);
    std::vector<int64_t> parts(static_cast<size_t>(chunks) * 4);
    for (int c = 0; c < chunks; c++) {
      int64_t* p = parts.data() + 4 * c;
      p[0] = -1;
      p[1] = 0;
      p[2] = p[3] = -1;
    }
    bool stop = false;
    pool_.ParallelFor(chunks, [&](int c) {
      const int n0 = static_cast<int>(static_cast<int64_t>(negCount) * c / chunks);
      const int n1 = static_cast<int>(static_cast<int64_t>(negCount) * (c + 1) / chunks);
      int64_t* p = parts.data() + 4 * c;
      table_->separation(bits, words, validBits, neg, n0, n1, pos, posCount, stopAtFirst, &stop, p);
      if (p[1] > 0) __atomic_store_n(&stop, true, __ATOMIC_RELAXED);
    });
    // Chunks are in negative-row order: the first chunk with a failure holds the first example.
    int64_t maxFirst = -1, unseparated = 0, exNeg = -1, exPos = -1;
    for (int c = 0; c < chunks; c++) {
      const int64_t* p = parts.data() + 4 * c;
      maxFirst = std::max(maxFirst, p[0]);
      if (p[1] > 0 && unseparated == 0) {
        exNeg = p[2];
        exPos = p[3];
      }
      unseparated += p[1];
    }
    out[0] = static_cast<double>(maxFirst);
    out[1] = static_cast<double>(unseparated);
    out[2] = static_cast<double>(exNeg);
    out[3] = static_cast<double>(exPos);
  }

  // count hyperplanes (dim normals, then the bias uniform, each) continuing the stream r.
  void SampleHyperplanes(RngState& r, int64_t dim, int64_t count, double lambda, float* w, float* b) {
    if (jumps_ == nullptr) jumps_ = std::make_unique<Jumps>();
    memonet::SampleHyperplanes(*table_, pool_, *jumps_, sampling_, r, dim, count, lambda, w, b);
  }

 private:
  // Splits [0, count) into chunks of at least `minRows` rows, at most 4 per thread.
  int ChunkCount(int count, int minRows) const {
    const int byWork = std::max(1, count / std::max(1, minRows));
    return std::min(byWork, 4 * pool_.size());
  }

  const KernelTable* table_;
  Pool pool_;
  std::vector<RowGroups> groups_;
  std::vector<LayerScratch> scratch_;
  std::unique_ptr<Jumps> jumps_;
  SamplingScratch sampling_;
};

}  // namespace memonet
