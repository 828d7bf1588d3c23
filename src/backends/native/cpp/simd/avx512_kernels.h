// The avx512 table's own kernels (today's AVX-512 code, compiled under the table's target
// options): 8 or 16 candidate minima kept as vectors, VPOPCNTDQ early exits, 8 rows per pass
// for prediction, and the 16-lane sampler. No include guard: included inside namespace avx512.

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

// out[t] = 1 iff some mask q has popcount(mask_q AND row) < thr[q] (early exits both ways).
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

// Uniforms from eight (first word, second word) pairs held as 64-bit lanes (as UniformFromWords).
__attribute__((target("avx512f,avx512dq"))) inline __m512d UniformsOf(__m512i g) {
  const __m512d hi = _mm512_cvtepi64_pd(
      _mm512_srli_epi64(_mm512_and_si512(g, _mm512_set1_epi64(0xffffffffLL)), 5));
  const __m512d lo = _mm512_cvtepi64_pd(_mm512_srli_epi64(g, 32 + 6));
  return _mm512_mul_pd(_mm512_add_pd(_mm512_mul_pd(hi, _mm512_set1_pd(67108864.0)), lo),
                       _mm512_set1_pd(1.0 / 9007199254740992.0));
}

// Uniforms from the two words at base[idx[lane]].
__attribute__((target("avx512f,avx512dq"))) inline __m512d Uniform8(const uint32_t* base,
                                                                    __m512i idx) {
  return UniformsOf(_mm512_i64gather_epi64(idx, reinterpret_cast<const long long*>(base), 4));
}

// Eight accepted pairs at once (word positions at[0..7]) into out[0..15] = u0, v0, u1, v1, ...:
// lane by lane the same IEEE double operations as PolarTransform and PortableLog (s is in (0, 1)
// and at least 2^-104, so PortableLog's special cases cannot occur; the scaling by 2^-53 is a
// multiplication here, exact like the division it replaces).
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


// Uniforms from words[2l], words[2l + 1] for lanes l = 0..7.
__attribute__((target("avx512f,avx512dq"))) inline __m512d UniformsAt(const uint32_t* words) {
  return UniformsOf(_mm512_loadu_si512(words));
}

// Acceptance of the 64 candidate pairs at words[p], p = 0, 2, ..., 126 (needs words[0 .. 130)):
// bit k of *first for the candidate at 4k, of *second for the one at 4k + 2.
__attribute__((target("avx512f,avx512dq,bmi2"))) void FlagBlockAvx512(const uint32_t* words,
                                                                       uint32_t* first,
                                                                       uint32_t* second) {
  uint64_t mask = 0;
  const __m512d one = _mm512_set1_pd(1.0), two = _mm512_set1_pd(2.0);
  for (int i = 0; i < 8; i++) {
    // Lane l: u from words[16i + 2l], [16i + 2l + 1], v from the next two words.
    const __m512d u = _mm512_sub_pd(_mm512_mul_pd(two, UniformsAt(words + 16 * i)), one);
    const __m512d v = _mm512_sub_pd(_mm512_mul_pd(two, UniformsAt(words + 16 * i + 2)), one);
    const __m512d s = _mm512_add_pd(_mm512_mul_pd(u, u), _mm512_mul_pd(v, v));
    const __mmask8 ok = _mm512_cmp_pd_mask(s, _mm512_setzero_pd(), _CMP_GT_OQ) &
                        _mm512_cmp_pd_mask(s, one, _CMP_LT_OQ);
    mask |= static_cast<uint64_t>(ok) << (8 * i);
  }
  *first = static_cast<uint32_t>(_pext_u64(mask, 0x5555555555555555ULL));
  *second = static_cast<uint32_t>(_pext_u64(mask, 0xaaaaaaaaaaaaaaaaULL));
}


// The table's minMany: minima kept as vectors for 8 or 16 masks.
void MinManyTable(const uint32_t* bits, int words, const uint32_t* masks, int k,
                  const int32_t* rows, int r0, int r1, int stopAt, int32_t* best) {
  if (k == 8) {
    MinManyGroupsAvx512<1>(bits, words, masks, rows, r0, r1, stopAt, best);
  } else if (k == 16) {
    MinManyGroupsAvx512<2>(bits, words, masks, rows, r0, r1, stopAt, best);
  } else {
    MinManyAvx512(bits, words, masks, k, rows, r0, r1, stopAt, best);
  }
}

// The table's polar transform: 8 pairs at a time while both deviates land in the round.
void PolarTable(const uint32_t* words, const int64_t* pairAt, int64_t p0, int64_t p1,
                int64_t whole, float* out, double* lastV) {
  int64_t p = p0;
  for (; p + 8 <= std::min(p1, whole); p += 8) PolarTransform8(words, pairAt + p, out + 2 * p);
  PolarScalar(words, pairAt, p, p1, whole, out, lastV);
}
