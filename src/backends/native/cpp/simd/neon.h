// SIMD traits of the neon table (aarch64): AND+popcount of 128-bit blocks by vcnt into byte
// counters, widened every 31 blocks; float32 vectors of 4 lanes, vmul then vadd (never fused,
// with -ffp-contract=off). No include guard.

struct Pop {
  static constexpr int kWords = 4;
  static constexpr int kGroup = 8;
  static constexpr int kFold = 31;
  using V = uint8x16_t;
  struct Acc {
    uint8x16_t bytes;
    uint64x2_t sums;
  };
  static inline V Load(const uint32_t* p) { return vld1q_u8(reinterpret_cast<const uint8_t*>(p)); }
  static inline Acc Zero() { return Acc{vdupq_n_u8(0), vdupq_n_u64(0)}; }
  static inline void AndAdd(Acc& a, V m, V r) { a.bytes = vaddq_u8(a.bytes, vcntq_u8(vandq_u8(m, r))); }
  static inline void Fold(Acc& a) {
    a.sums = vaddq_u64(a.sums, vpaddlq_u32(vpaddlq_u16(vpaddlq_u8(a.bytes))));
    a.bytes = vdupq_n_u8(0);
  }
  static inline int64_t Sum(Acc& a) {
    Fold(a);
    return static_cast<int64_t>(vgetq_lane_u64(a.sums, 0) + vgetq_lane_u64(a.sums, 1));
  }
};

struct F {
  static constexpr int L = 4;
  static constexpr int kSub = 4;
  using V = float32x4_t;
  static inline V Zero() { return vdupq_n_f32(0.0f); }
  static inline V Set1(float x) { return vdupq_n_f32(x); }
  static inline V Load(const float* p) { return vld1q_f32(p); }
  static inline void Store(float* p, V v) { vst1q_f32(p, v); }
  static inline V Add(V a, V b) { return vaddq_f32(a, b); }
  static inline V Mul(V a, V b) { return vmulq_f32(a, b); }
  static inline uint32_t PositiveBits(V v) {
    const uint32x4_t gt = vcgtq_f32(v, vdupq_n_f32(0.0f));
    const uint32x4_t weights = {1u, 2u, 4u, 8u};
    return vaddvq_u32(vandq_u32(gt, weights));
  }
};
