// The geometry module's distance tile kernel in WebAssembly (see src/geometry/distanceKernel.ts
// for the specification it reproduces bit for bit): float32 rows widened to float64, squared
// differences added to four partial sums s[k mod 4] in increasing k, result (s0 + s1) + (s2 + s3).
// A separate module from kernels.ts, with its own (non-shared) memory; pointers are byte offsets.

/** out[i * bRows + j] = ‖a_i − b_j‖² (a, b: row-major float32, dim columns; out: float64). */
export function squaredDistances(
  a: usize,
  aRows: i32,
  b: usize,
  bRows: i32,
  dim: i32,
  out: usize,
): void {
  const d4 = dim & ~3;
  const rowBytes = (<usize>dim) << 2;
  for (let i = 0; i < aRows; i++) {
    const ar = a + <usize>i * rowBytes;
    const orow = out + ((<usize>i * <usize>bRows) << 3);
    for (let j = 0; j < bRows; j++) {
      const br = b + <usize>j * rowBytes;
      let v01 = f64x2.splat(0);
      let v23 = f64x2.splat(0);
      for (let k = 0; k < d4; k += 4) {
        const off = (<usize>k) << 2;
        const x01 = f64x2.promote_low_f32x4(v128.load64_zero(ar + off));
        const x23 = f64x2.promote_low_f32x4(v128.load64_zero(ar + off + 8));
        const y01 = f64x2.promote_low_f32x4(v128.load64_zero(br + off));
        const y23 = f64x2.promote_low_f32x4(v128.load64_zero(br + off + 8));
        const e01 = f64x2.sub(x01, y01);
        const e23 = f64x2.sub(x23, y23);
        v01 = f64x2.add(v01, f64x2.mul(e01, e01));
        v23 = f64x2.add(v23, f64x2.mul(e23, e23));
      }
      let s0 = f64x2.extract_lane(v01, 0);
      let s1 = f64x2.extract_lane(v01, 1);
      let s2 = f64x2.extract_lane(v23, 0);
      const s3 = f64x2.extract_lane(v23, 1);
      if (d4 < dim) {
        const e = <f64>load<f32>(ar + ((<usize>d4) << 2)) - <f64>load<f32>(br + ((<usize>d4) << 2));
        s0 += e * e;
      }
      if (d4 + 1 < dim) {
        const off = (<usize>(d4 + 1)) << 2;
        const e = <f64>load<f32>(ar + off) - <f64>load<f32>(br + off);
        s1 += e * e;
      }
      if (d4 + 2 < dim) {
        const off = (<usize>(d4 + 2)) << 2;
        const e = <f64>load<f32>(ar + off) - <f64>load<f32>(br + off);
        s2 += e * e;
      }
      store<f64>(orow + ((<usize>j) << 3), s0 + s1 + (s2 + s3));
    }
  }
}
