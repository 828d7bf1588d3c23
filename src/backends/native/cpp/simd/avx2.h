// SIMD traits of the avx2 table: AND+popcount of 256-bit blocks by the nibble lookup (vpshufb)
// into byte counters, folded into 64-bit sums (vpsadbw) every 31 blocks; float32 vectors of 8
// lanes, products and sums as separate instructions (no FMA). No include guard.

struct Pop {
  static constexpr int kWords = 8;
  static constexpr int kGroup = 8;
  static constexpr int kFold = 31;  // byte counters hold at most 31 blocks of 8 bits
  using V = __m256i;
  struct Acc {
    __m256i bytes;
    __m256i sums;
  };
  static inline V Load(const uint32_t* p) {
    return _mm256_loadu_si256(reinterpret_cast<const __m256i*>(p));
  }
  static inline Acc Zero() { return Acc{_mm256_setzero_si256(), _mm256_setzero_si256()}; }
  static inline void AndAdd(Acc& a, V m, V r) {
    const __m256i lut = _mm256_setr_epi8(0, 1, 1, 2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4, 0, 1, 1,
                                         2, 1, 2, 2, 3, 1, 2, 2, 3, 2, 3, 3, 4);
    const __m256i low = _mm256_set1_epi8(0x0f);
    const __m256i x = _mm256_and_si256(m, r);
    const __m256i lo = _mm256_shuffle_epi8(lut, _mm256_and_si256(x, low));
    const __m256i hi = _mm256_shuffle_epi8(lut, _mm256_and_si256(_mm256_srli_epi16(x, 4), low));
    a.bytes = _mm256_add_epi8(a.bytes, _mm256_add_epi8(lo, hi));
  }
  static inline void Fold(Acc& a) {
    a.sums = _mm256_add_epi64(a.sums, _mm256_sad_epu8(a.bytes, _mm256_setzero_si256()));
    a.bytes = _mm256_setzero_si256();
  }
  static inline int64_t Sum(Acc& a) {
    Fold(a);
    const __m128i s = _mm_add_epi64(_mm256_castsi256_si128(a.sums), _mm256_extracti128_si256(a.sums, 1));
    return _mm_cvtsi128_si64(s) + _mm_extract_epi64(s, 1);
  }
};

struct F {
  static constexpr int L = 8;
  static constexpr int kSub = 2;
  using V = __m256;
  static inline V Zero() { return _mm256_setzero_ps(); }
  static inline V Set1(float x) { return _mm256_set1_ps(x); }
  static inline V Load(const float* p) { return _mm256_loadu_ps(p); }
  static inline void Store(float* p, V v) { _mm256_storeu_ps(p, v); }
  static inline V Add(V a, V b) { return _mm256_add_ps(a, b); }
  static inline V Mul(V a, V b) { return _mm256_mul_ps(a, b); }
  static inline uint32_t PositiveBits(V v) {
    return static_cast<uint32_t>(_mm256_movemask_ps(_mm256_cmp_ps(v, _mm256_setzero_ps(), _CMP_GT_OQ)));
  }
};
