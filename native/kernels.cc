// memonet's native kernels (Node-API, C++17): the Node-API glue over the kernels of
// src/kernels/types.ts in first_layer.h, popcounts.h and sampling.h, bit-identical to the
// TypeScript reference. AVX-512 versions are chosen at run time by CPU feature detection;
// portable versions serve elsewhere. Work is split over a small pool of threads (platform.h);
// every result is independent of the thread count (rows are computed independently; minima and
// ordered row lists are combined deterministically).
//
// Rounding: pre-activations are float32 sums over j = 0..d-1 in increasing order of the float32
// products x_j * W_ij (zero inputs skipped), then + b_i; never fused multiply-add. This code must
// be compiled with -ffp-contract=off.

#include <node_api.h>

#include "first_layer.h"
#include "popcounts.h"
#include "sampling.h"
#include "distances.h"  // geometry: the distance tile kernel (self-contained)

namespace {

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

// One kernel call at a time: worker threads may share the addon (one pool, and scratch buffers
// kept between calls), so each call holds this lock while it runs (it uses all cores anyway).
std::mutex g_calls;

#define ARGS(n)                                                       \
  std::lock_guard<std::mutex> callLock(g_calls);                      \
  size_t argc = n;                                                    \
  napi_value argv[n];                                                 \
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);         \
  if (argc < n) {                                                     \
    napi_throw_type_error(env, nullptr, "native kernel: too few arguments"); \
    return nullptr;                                                   \
  }

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
  const bool rowGroups = UsesRowGroups(a);
  if (!haveT && !rowGroups) return Num(env, 1);
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
  FirstLayer(a, rowGroups, [&](int r, int i0, int count, const float* z) {
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

// Geometry (src/geometry/distanceKernel.ts): squaredDistances(a, aRows, b, bRows, dim, out) fills
// out[i * bRows + j] = ||a_i - b_j||^2 (native/distances.h), on the pool.
napi_value SquaredDistancesNapi(napi_env env, napi_callback_info info) {
  ARGS(6)
  Typed a, b, out;
  int64_t aRows, bRows, dim;
  if (!GetTyped(env, argv[0], napi_float32_array, "native.squaredDistances: a must be a Float32Array", &a) ||
      !GetInt(env, argv[1], &aRows) ||
      !GetTyped(env, argv[2], napi_float32_array, "native.squaredDistances: b must be a Float32Array", &b) ||
      !GetInt(env, argv[3], &bRows) || !GetInt(env, argv[4], &dim) ||
      !GetTyped(env, argv[5], napi_float64_array, "native.squaredDistances: out must be a Float64Array", &out)) {
    return nullptr;
  }
  if (dim < 1 || aRows < 0 || bRows < 0 || a.length < static_cast<size_t>(aRows * dim) ||
      b.length < static_cast<size_t>(bRows * dim) || out.length < static_cast<size_t>(aRows * bRows)) {
    napi_throw_range_error(env, nullptr, "native.squaredDistances: arrays too short");
    return nullptr;
  }
  memonet_distances::SquaredDistances(
      static_cast<const float*>(a.data), static_cast<int>(aRows), static_cast<const float*>(b.data),
      static_cast<int>(bRows), static_cast<int>(dim), static_cast<double*>(out.data),
      [](int tasks, const std::function<void(int)>& fn) { g_pool->ParallelFor(tasks, fn); });
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
  static std::once_flag poolCreated;  // Init runs once per thread that loads the addon
  std::call_once(poolCreated, [] { g_pool = new Pool(ThreadCount()); });
  napi_property_descriptor props[] = {
      {"firstLayer", nullptr, FirstLayerNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedMinMany", nullptr, MaskedMinManyNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedBelow", nullptr, MaskedBelowNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"separation", nullptr, SeparationNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"maskedAnyBelow", nullptr, MaskedAnyBelowNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"sampleHyperplanes", nullptr, SampleHyperplanesNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"squaredDistances", nullptr, SquaredDistancesNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, InfoNapi, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props);
  return exports;
}

}  // namespace

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
