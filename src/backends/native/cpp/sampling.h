// Hyperplane sampling that continues the TypeScript Rng stream bit for bit (compile with
// -ffp-contract=off): the raw words of each round generated in parallel by jump-ahead, the
// polar method's acceptance as bits, the accepted pairs transformed in parallel. The vector
// pieces come from the kernel table; the walk and the jump-ahead are shared.

#pragma once

#include "platform.h"
#include "rng_scalar.h"

namespace memonet {

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

// The jump tables (T^(2^i), and T^kLaneWords to step from one lane's start to the next), made
// once per context.
struct Jumps {
  JumpTable powers;
  uint32_t lane[128][4];

  Jumps() {
    for (int bit = 0; bit < 128; bit++) {
      uint32_t v[4] = {0, 0, 0, 0};
      v[bit / 32] = 1u << (bit % 32);
      RngState r{v[0], v[1], v[2], v[3], NAN};
      NextUint32(r);
      const uint32_t image[4] = {r.s0, r.s1, r.s2, r.s3};
      std::memcpy(powers.image[0][bit], image, sizeof image);
    }
    for (int i = 1; i < JumpTable::kPowers; i++) {
      for (int bit = 0; bit < 128; bit++) {
        std::memcpy(powers.image[i][bit], powers.image[i - 1][bit], sizeof powers.image[i][bit]);
        ApplyJump(powers.image[i - 1], powers.image[i][bit]);
      }
    }
    for (int bit = 0; bit < 128; bit++) {
      uint32_t v[4] = {0, 0, 0, 0};
      v[bit / 32] = 1u << (bit % 32);
      const RngState r = Jump({v[0], v[1], v[2], v[3], NAN}, kLaneWords);
      const uint32_t image[4] = {r.s0, r.s1, r.s2, r.s3};
      std::memcpy(lane[bit], image, sizeof image);
    }
  }

  // The state k words further along the stream.
  RngState Jump(RngState r, uint64_t k) const {
    uint32_t v[4] = {r.s0, r.s1, r.s2, r.s3};
    for (int i = 0; i < JumpTable::kPowers && (k >> i) != 0; i++) {
      if ((k >> i) & 1u) ApplyJump(powers.image[i], v);
    }
    return {v[0], v[1], v[2], v[3], r.spare};
  }
};

// Words per generation task (16 lanes).
constexpr int64_t kTaskWords = 16 * kLaneWords;

// The raw words of one round of sampling, generated in parallel (lanes of 1024 words, each
// started by jump-ahead), with the polar method's acceptance of the candidate pair at every even
// position as bits.
struct WordStream {
  const KernelTable* table = nullptr;
  Pool* pool = nullptr;
  const Jumps* jumps = nullptr;
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
    const int64_t tasks = (n - have) / kTaskWords;
    pool->ParallelFor(static_cast<int>(tasks), [&](int task) {
      uint32_t* out = words.data() + have + task * kTaskWords;
      RngState at = jumps->Jump(start, static_cast<uint64_t>(have + task * kTaskWords));
      for (int l = 0; l < 16; l++) {
        lanes[16 * task + l] = at;
        uint32_t v[4] = {at.s0, at.s1, at.s2, at.s3};
        ApplyJump(jumps->lane, v);
        at = {v[0], v[1], v[2], v[3], NAN};
      }
      table->generateLanes(lanes.data() + 16 * task, out);
    });
    const int64_t b0 = flagged / 128, b1 = flaggedNow / 128;
    constexpr int64_t kBlocksPerTask = 256;
    pool->ParallelFor(static_cast<int>((b1 - b0 + kBlocksPerTask - 1) / kBlocksPerTask), [&](int task) {
      const int64_t end = std::min(b1, b0 + (task + 1) * kBlocksPerTask);
      for (int64_t blk = b0 + task * kBlocksPerTask; blk < end; blk++) {
        table->flagBlock(words.data() + 128 * blk, &accept[0][blk], &accept[1][blk]);
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
// Buffers kept between calls (in the context): no fresh pages on later calls.
struct SamplingScratch {
  WordStream stream;
  std::vector<int64_t> pairAt;  // word position of each accepted pair
  std::vector<int64_t> biasAt;  // word position of each bias uniform
};

void SampleHyperplanes(const KernelTable& table, Pool& pool, const Jumps& jumps,
                       SamplingScratch& scratch, RngState& r, int64_t dim, int64_t count,
                       double lambda, float* w, float* b) {
  // Hyperplanes per round: at most 256 and about 2^18 normals, which bounds the buffers kept
  // between calls (about 3 MB).
  const int64_t round =
      std::max<int64_t>(1, std::min<int64_t>(256, (int64_t{1} << 18) / std::max<int64_t>(1, dim)));
  constexpr int64_t kPairsPerTask = 4096;
  WordStream& stream = scratch.stream;
  stream.table = &table;
  stream.pool = &pool;
  stream.jumps = &jumps;
  std::vector<int64_t>& pairAt = scratch.pairAt;
  std::vector<int64_t>& biasAt = scratch.biasAt;
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
    r = jumps.Jump(stream.start, static_cast<uint64_t>(pos));
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
    pool.ParallelFor(static_cast<int>((pairs + kPairsPerTask - 1) / kPairsPerTask), [&](int task) {
      const int64_t p0 = task * kPairsPerTask;
      table.polar(words, pairAt.data(), p0, std::min(pairs, p0 + kPairsPerTask), whole,
                  out + offset, &lastV);
    });
    if (pending) r.spare = lastV;
  }
}

}  // namespace memonet
