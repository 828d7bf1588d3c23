// The geometry module's distance tile kernel in WebAssembly, bit-identical to the specification
// in src/backends/reference/distances.ts: in f64 without fused multiply-add,
//   na_i = Σ_k a_ik², dot_ij = Σ_k a_ik b_jk (increasing k; zero a_ik may be skipped),
//   out_ij = max(0, (na_i + nb_j) − 2 dot_ij).
// Blocked: 4 rows of a against 4 columns (two f64x2) of a k-major f64 copy of b, skipping the
// coordinates where all 4 rows are zero. A separate module from kernels.ts with its own memory;
// pointers are byte offsets. `scratch` holds scratchBytes(bRows, dim) bytes.

const ROWS = 4;
const COLS = 4;

/** Bytes of scratch memory squaredDistances needs. */
export function scratchBytes(bRows: i32, dim: i32): i32 {
  const bPadded = ((bRows + COLS - 1) / COLS) * COLS;
  return dim * bPadded * 8 + bRows * 8 + dim * ROWS * 8 + dim * 4 + 64;
}

function norm(x: usize, dim: i32): f64 {
  let s: f64 = 0;
  for (let k = 0; k < dim; k++) {
    const v = <f64>load<f32>(x + ((<usize>k) << 2));
    s += v * v;
  }
  return s;
}

/** out[i * bRows + j] = ‖a_i − b_j‖² (a, b: row-major float32, dim columns; out: float64). */
export function squaredDistances(
  a: usize,
  aRows: i32,
  b: usize,
  bRows: i32,
  dim: i32,
  out: usize,
  scratch: usize,
): void {
  if (aRows <= 0 || bRows <= 0) return;
  const bPadded = ((bRows + COLS - 1) / COLS) * COLS;
  const bt = scratch;
  const nb = bt + <usize>dim * <usize>bPadded * 8;
  const a4 = nb + <usize>bRows * 8;
  const ks = a4 + <usize>dim * ROWS * 8;
  const rowBytes = (<usize>dim) << 2;
  for (let k = 0; k < dim; k++) {
    const base = bt + <usize>k * <usize>bPadded * 8;
    for (let j = 0; j < bPadded; j++) {
      const v: f64 = j < bRows ? <f64>load<f32>(b + <usize>j * rowBytes + ((<usize>k) << 2)) : 0;
      store<f64>(base + ((<usize>j) << 3), v);
    }
  }
  for (let j = 0; j < bRows; j++)
    store<f64>(nb + ((<usize>j) << 3), norm(b + <usize>j * rowBytes, dim));
  for (let i0 = 0; i0 < aRows; i0 += ROWS) {
    const rows = min(ROWS, aRows - i0);
    let nk = 0;
    for (let k = 0; k < dim; k++) {
      let any = false;
      for (let r = 0; r < ROWS; r++) {
        const v: f64 =
          r < rows ? <f64>load<f32>(a + <usize>(i0 + r) * rowBytes + ((<usize>k) << 2)) : 0;
        store<f64>(a4 + ((<usize>(k * ROWS + r)) << 3), v);
        if (v != 0) any = true;
      }
      if (any) {
        store<i32>(ks + ((<usize>nk) << 2), k);
        nk++;
      }
    }
    const na0 = norm(a + <usize>i0 * rowBytes, dim);
    const na1 = rows > 1 ? norm(a + <usize>(i0 + 1) * rowBytes, dim) : 0;
    const na2 = rows > 2 ? norm(a + <usize>(i0 + 2) * rowBytes, dim) : 0;
    const na3 = rows > 3 ? norm(a + <usize>(i0 + 3) * rowBytes, dim) : 0;
    for (let j0 = 0; j0 < bRows; j0 += COLS) {
      let c00 = f64x2.splat(0);
      let c01 = f64x2.splat(0);
      let c10 = f64x2.splat(0);
      let c11 = f64x2.splat(0);
      let c20 = f64x2.splat(0);
      let c21 = f64x2.splat(0);
      let c30 = f64x2.splat(0);
      let c31 = f64x2.splat(0);
      for (let t = 0; t < nk; t++) {
        const k = load<i32>(ks + ((<usize>t) << 2));
        const bk = bt + (<usize>k * <usize>bPadded + <usize>j0) * 8;
        const b0 = v128.load(bk);
        const b1 = v128.load(bk + 16);
        const ak = a4 + ((<usize>(k * ROWS)) << 3);
        const x0 = f64x2.splat(load<f64>(ak));
        const x1 = f64x2.splat(load<f64>(ak + 8));
        const x2 = f64x2.splat(load<f64>(ak + 16));
        const x3 = f64x2.splat(load<f64>(ak + 24));
        c00 = f64x2.add(c00, f64x2.mul(x0, b0));
        c01 = f64x2.add(c01, f64x2.mul(x0, b1));
        c10 = f64x2.add(c10, f64x2.mul(x1, b0));
        c11 = f64x2.add(c11, f64x2.mul(x1, b1));
        c20 = f64x2.add(c20, f64x2.mul(x2, b0));
        c21 = f64x2.add(c21, f64x2.mul(x2, b1));
        c30 = f64x2.add(c30, f64x2.mul(x3, b0));
        c31 = f64x2.add(c31, f64x2.mul(x3, b1));
      }
      const cols = min(COLS, bRows - j0);
      for (let c = 0; c < cols; c++) {
        const nbj = load<f64>(nb + ((<usize>(j0 + c)) << 3));
        for (let r = 0; r < rows; r++) {
          let d: f64 = 0;
          const lo = c < 2;
          const lane = c & 1;
          if (r == 0)
            d = lo
              ? lane == 0
                ? f64x2.extract_lane(c00, 0)
                : f64x2.extract_lane(c00, 1)
              : lane == 0
                ? f64x2.extract_lane(c01, 0)
                : f64x2.extract_lane(c01, 1);
          else if (r == 1)
            d = lo
              ? lane == 0
                ? f64x2.extract_lane(c10, 0)
                : f64x2.extract_lane(c10, 1)
              : lane == 0
                ? f64x2.extract_lane(c11, 0)
                : f64x2.extract_lane(c11, 1);
          else if (r == 2)
            d = lo
              ? lane == 0
                ? f64x2.extract_lane(c20, 0)
                : f64x2.extract_lane(c20, 1)
              : lane == 0
                ? f64x2.extract_lane(c21, 0)
                : f64x2.extract_lane(c21, 1);
          else
            d = lo
              ? lane == 0
                ? f64x2.extract_lane(c30, 0)
                : f64x2.extract_lane(c30, 1)
              : lane == 0
                ? f64x2.extract_lane(c31, 0)
                : f64x2.extract_lane(c31, 1);
          const na = r == 0 ? na0 : r == 1 ? na1 : r == 2 ? na2 : na3;
          const v = na + nbj - 2 * d;
          store<f64>(
            out + ((<usize>(i0 + r) * <usize>bRows + <usize>(j0 + c)) << 3),
            v > 0 ? v : 0,
          );
        }
      }
    }
  }
}
