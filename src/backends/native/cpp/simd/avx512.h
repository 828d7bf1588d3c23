// SIMD traits of the avx512 table: VPOPCNTDQ on 512-bit blocks; float32 vectors of 16 lanes
// (the 4 x 64 register tile of 16 accumulators), products and sums never fused. No include guard.

struct Pop {
  static constexpr int kWords = 16;
  static constexpr int kGroup = 4;
  static constexpr int kFold = 0;
  using V = __m512i;
  using Acc = __m512i;
  static inline V Load(const uint32_t* p) { return _mm512_loadu_si512(p); }
  static inline Acc Zero() { return _mm512_setzero_si512(); }
  static inline void AndAdd(Acc& a, V m, V r) {
    a = _mm512_add_epi64(a, _mm512_popcnt_epi64(_mm512_and_si512(m, r)));
  }
  static inline void Fold(Acc&) {}
  static inline int64_t Sum(Acc& a) { return _mm512_reduce_add_epi64(a); }
};

struct F {
  static constexpr int L = 16;
  static constexpr int kSub = 4;
  using V = __m512;
  static inline V Zero() { return _mm512_setzero_ps(); }
  static inline V Set1(float x) { return _mm512_set1_ps(x); }
  static inline V Load(const float* p) { return _mm512_loadu_ps(p); }
  static inline void Store(float* p, V v) { _mm512_storeu_ps(p, v); }
  static inline V Add(V a, V b) { return _mm512_add_ps(a, b); }
  static inline V Mul(V a, V b) { return _mm512_mul_ps(a, b); }
  static inline uint32_t PositiveBits(V v) {
    return static_cast<uint32_t>(_mm512_cmp_ps_mask(v, _mm512_setzero_ps(), _CMP_GT_OQ));
  }
};
