// SIMD traits of the portable table: 64-bit words with the compiler's popcount (the hardware
// instruction where the table is compiled for it, see tables.h) and float32 "vectors" of four
// plain floats (which the compiler maps to the baseline vector unit). No include guard: included
// inside a table's namespace.

struct Pop {
  static constexpr int kWords = 2;  // 32-bit words per block
  static constexpr int kGroup = 4;  // masks per pass in MinMany
  static constexpr int kFold = 0;   // no byte counters to fold
  using V = uint64_t;
  using Acc = uint64_t;
  static inline V Load(const uint32_t* p) {
    V v;
    std::memcpy(&v, p, 8);
    return v;
  }
  static inline Acc Zero() { return 0; }
  static inline void AndAdd(Acc& a, V m, V r) { a += static_cast<uint64_t>(__builtin_popcountll(m & r)); }
  static inline void Fold(Acc&) {}
  static inline int64_t Sum(Acc& a) { return static_cast<int64_t>(a); }
};

struct F {
  static constexpr int L = 4;
  static constexpr int kSub = 2;  // vectors per row in the register tile
  struct V {
    float f[4];
  };
  static inline V Zero() { return V{{0.0f, 0.0f, 0.0f, 0.0f}}; }
  static inline V Set1(float x) { return V{{x, x, x, x}}; }
  static inline V Load(const float* p) {
    V v;
    std::memcpy(v.f, p, sizeof v.f);
    return v;
  }
  static inline void Store(float* p, V v) { std::memcpy(p, v.f, sizeof v.f); }
  static inline V Add(V a, V b) {
    V r;
    for (int i = 0; i < 4; i++) r.f[i] = a.f[i] + b.f[i];
    return r;
  }
  static inline V Mul(V a, V b) {
    V r;
    for (int i = 0; i < 4; i++) r.f[i] = a.f[i] * b.f[i];
    return r;
  }
  // Bit i set iff lane i > 0 (false for NaN).
  static inline uint32_t PositiveBits(V v) {
    uint32_t m = 0;
    for (int i = 0; i < 4; i++) m |= (v.f[i] > 0.0f ? 1u : 0u) << i;
    return m;
  }
};
