//! The only module with `unsafe`: a 4-lane f32 vector type, a 2-lane f64 vector type (for the
//! float64 linear algebra of [`crate::tridiagonal`]) and the GEMM microkernel.
//!
//! Two implementations are selected at compile time:
//!
//! * `wasm32` with the `simd128` target feature: `F32x4` wraps a `v128` and every method is one
//!   SIMD128 instruction (mul and add are separate instructions; relaxed FMA is never used),
//!   except in the opt-in `relaxed` build (`+relaxed-simd`): there the GEMM microkernel's
//!   multiply-add is `f32x4.relaxed_madd`, which the engine may run fused or unfused depending on
//!   the CPU, so that build is not bit-reproducible across machines (and differs from the others
//!   in the last bits). Everything else is the same code in every build.
//! * everything else (native tests, the scalar wasm build): `F32x4` is a `[f32; 4]` and every
//!   method applies the same IEEE operation lane by lane.
//!
//! Because each lane of every method performs exactly the same IEEE-754 single-precision
//! operation in both implementations (`a * b` then `+ c`, never fused), the SIMD and the scalar
//! builds produce bit-identical results for all code written against `F32x4`
//! (`sin`/`cos` included: they are polynomials in `activation.rs`, not the platform's libm).
//!
//! Comparisons follow the wasm `pmin`/`pmax` convention (`pmin(a, b) = if b < a { b } else { a }`),
//! so a NaN in the first operand propagates: the non-finite guard of the trainer relies on it.

pub use imp::{F32x4, F64x2};

/// Number of rows of the GEMM microkernel.
pub const MR: usize = 4;
/// Number of columns of the GEMM microkernel (two 4-lane vectors).
pub const NR: usize = 8;

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
mod imp {
    use core::arch::wasm32::*;

    /// Four f32 lanes in one SIMD128 register.
    #[derive(Clone, Copy, Debug)]
    pub struct F32x4(v128);

    impl F32x4 {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4(f32x4_splat(x))
        }
        #[inline(always)]
        pub fn zero() -> Self {
            F32x4(f32x4_splat(0.0))
        }
        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            F32x4(f32x4(a[0], a[1], a[2], a[3]))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            [
                f32x4_extract_lane::<0>(self.0),
                f32x4_extract_lane::<1>(self.0),
                f32x4_extract_lane::<2>(self.0),
                f32x4_extract_lane::<3>(self.0),
            ]
        }
        /// Loads `s[i..i + 4]` (bounds-checked).
        #[inline(always)]
        pub fn load(s: &[f32], i: usize) -> Self {
            let s = &s[i..i + 4];
            // SAFETY: the slice above has exactly 4 elements; v128_load allows unaligned reads.
            F32x4(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        /// Stores into `s[i..i + 4]` (bounds-checked).
        #[inline(always)]
        pub fn store(self, s: &mut [f32], i: usize) {
            let s = &mut s[i..i + 4];
            // SAFETY: the slice above has exactly 4 elements; v128_store allows unaligned writes.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(f32x4_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(f32x4_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(f32x4_mul(self.0, o.0))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(f32x4_div(self.0, o.0))
        }
        /// `if o < self { o } else { self }` per lane.
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4(f32x4_pmin(self.0, o.0))
        }
        /// `if self < o { o } else { self }` per lane.
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4(f32x4_pmax(self.0, o.0))
        }
        #[inline(always)]
        pub fn abs(self) -> Self {
            F32x4(f32x4_abs(self.0))
        }
        #[inline(always)]
        pub fn floor(self) -> Self {
            F32x4(f32x4_floor(self.0))
        }
        /// Round to nearest, ties to even.
        #[inline(always)]
        pub fn nearest(self) -> Self {
            F32x4(f32x4_nearest(self.0))
        }
        /// Per lane: `if a < b { x } else { y }`.
        #[inline(always)]
        pub fn select_lt(a: Self, b: Self, x: Self, y: Self) -> Self {
            F32x4(v128_bitselect(x.0, y.0, f32x4_lt(a.0, b.0)))
        }
    }

    /// Two f64 lanes in one SIMD128 register.
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2(v128);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F64x2(f64x2_splat(x))
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            [f64x2_extract_lane::<0>(self.0), f64x2_extract_lane::<1>(self.0)]
        }
        /// Loads `s[i..i + 2]` (bounds-checked).
        #[inline(always)]
        pub fn load(s: &[f64], i: usize) -> Self {
            let s = &s[i..i + 2];
            // SAFETY: the slice above has exactly 2 elements; v128_load allows unaligned reads.
            F64x2(unsafe { v128_load(s.as_ptr() as *const v128) })
        }
        /// Stores into `s[i..i + 2]` (bounds-checked).
        #[inline(always)]
        pub fn store(self, s: &mut [f64], i: usize) {
            let s = &mut s[i..i + 2];
            // SAFETY: the slice above has exactly 2 elements; v128_store allows unaligned writes.
            unsafe { v128_store(s.as_mut_ptr() as *mut v128, self.0) }
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F64x2(f64x2_add(self.0, o.0))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F64x2(f64x2_sub(self.0, o.0))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F64x2(f64x2_mul(self.0, o.0))
        }
    }

    /// See the portable version for the contract.
    #[inline(always)]
    pub fn kernel<const R: usize, const ACC: bool>(
        kc: usize,
        a: &[f32],
        a_rs: usize,
        a_ps: usize,
        bp: &[f32],
        c: &mut [f32],
        ldc: usize,
        nc: usize,
    ) {
        super::check_kernel_bounds(R, super::NR, kc, a.len(), a_rs, a_ps, bp.len(), c.len(), ldc, nc);
        let mut acc = [[f32x4_splat(0.0); 2]; R];
        // SAFETY (whole block): check_kernel_bounds asserted that every index used below is in
        // bounds: A up to (R-1)*a_rs + (kc-1)*a_ps, the packed B up to kc*8, C up to
        // (R-1)*ldc + nc (full-width loads only when nc == 8).
        unsafe {
            let cp = c.as_mut_ptr();
            for (r, acc_r) in acc.iter_mut().enumerate().filter(|_| ACC) {
                if nc == 8 {
                    acc_r[0] = v128_load(cp.add(r * ldc) as *const v128);
                    acc_r[1] = v128_load(cp.add(r * ldc + 4) as *const v128);
                } else {
                    let mut tmp = [0.0f32; 8];
                    for (q, v) in tmp.iter_mut().enumerate().take(nc) {
                        *v = *cp.add(r * ldc + q);
                    }
                    acc_r[0] = v128_load(tmp.as_ptr() as *const v128);
                    acc_r[1] = v128_load(tmp.as_ptr().add(4) as *const v128);
                }
            }
            let mut ap = a.as_ptr();
            let mut bptr = bp.as_ptr();
            for _ in 0..kc {
                let b0 = v128_load(bptr as *const v128);
                let b1 = v128_load(bptr.add(4) as *const v128);
                for (r, acc_r) in acc.iter_mut().enumerate() {
                    let av = f32x4_splat(*ap.add(r * a_rs));
                    // Opt-in relaxed build: relaxed multiply-add (fused or not, per CPU).
                    #[cfg(target_feature = "relaxed-simd")]
                    {
                        acc_r[0] = f32x4_relaxed_madd(av, b0, acc_r[0]);
                        acc_r[1] = f32x4_relaxed_madd(av, b1, acc_r[1]);
                    }
                    #[cfg(not(target_feature = "relaxed-simd"))]
                    {
                        acc_r[0] = f32x4_add(acc_r[0], f32x4_mul(av, b0));
                        acc_r[1] = f32x4_add(acc_r[1], f32x4_mul(av, b1));
                    }
                }
                ap = ap.add(a_ps);
                bptr = bptr.add(8);
            }
            for (r, acc_r) in acc.iter().enumerate() {
                if nc == 8 {
                    v128_store(cp.add(r * ldc) as *mut v128, acc_r[0]);
                    v128_store(cp.add(r * ldc + 4) as *mut v128, acc_r[1]);
                } else {
                    let mut tmp = [0.0f32; 8];
                    v128_store(tmp.as_mut_ptr() as *mut v128, acc_r[0]);
                    v128_store(tmp.as_mut_ptr().add(4) as *mut v128, acc_r[1]);
                    for (q, v) in tmp.iter().enumerate().take(nc) {
                        *cp.add(r * ldc + q) = *v;
                    }
                }
            }
        }
    }
}

#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
mod imp {
    /// Four f32 lanes, computed one lane at a time (same IEEE operations as the SIMD build).
    #[derive(Clone, Copy, Debug)]
    pub struct F32x4([f32; 4]);

    #[inline(always)]
    fn map2(a: [f32; 4], b: [f32; 4], f: impl Fn(f32, f32) -> f32) -> [f32; 4] {
        [f(a[0], b[0]), f(a[1], b[1]), f(a[2], b[2]), f(a[3], b[3])]
    }

    impl F32x4 {
        #[inline(always)]
        pub fn splat(x: f32) -> Self {
            F32x4([x; 4])
        }
        #[inline(always)]
        pub fn zero() -> Self {
            F32x4([0.0; 4])
        }
        #[inline(always)]
        pub fn from_array(a: [f32; 4]) -> Self {
            F32x4(a)
        }
        #[inline(always)]
        pub fn to_array(self) -> [f32; 4] {
            self.0
        }
        #[inline(always)]
        pub fn load(s: &[f32], i: usize) -> Self {
            let s = &s[i..i + 4];
            F32x4([s[0], s[1], s[2], s[3]])
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f32], i: usize) {
            s[i..i + 4].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| a + b))
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| a - b))
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| a * b))
        }
        #[inline(always)]
        pub fn div(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| a / b))
        }
        #[inline(always)]
        pub fn pmin(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| if b < a { b } else { a }))
        }
        #[inline(always)]
        pub fn pmax(self, o: Self) -> Self {
            F32x4(map2(self.0, o.0, |a, b| if a < b { b } else { a }))
        }
        #[inline(always)]
        pub fn abs(self) -> Self {
            F32x4(self.0.map(f32::abs))
        }
        #[inline(always)]
        pub fn floor(self) -> Self {
            F32x4(self.0.map(f32::floor))
        }
        #[inline(always)]
        pub fn nearest(self) -> Self {
            F32x4(self.0.map(f32::round_ties_even))
        }
        #[inline(always)]
        pub fn select_lt(a: Self, b: Self, x: Self, y: Self) -> Self {
            let mut r = y.0;
            for q in 0..4 {
                if a.0[q] < b.0[q] {
                    r[q] = x.0[q];
                }
            }
            F32x4(r)
        }
    }

    /// Two f64 lanes, computed one lane at a time (same IEEE operations as the SIMD build).
    #[derive(Clone, Copy, Debug)]
    pub struct F64x2([f64; 2]);

    impl F64x2 {
        #[inline(always)]
        pub fn splat(x: f64) -> Self {
            F64x2([x; 2])
        }
        #[inline(always)]
        pub fn to_array(self) -> [f64; 2] {
            self.0
        }
        #[inline(always)]
        pub fn load(s: &[f64], i: usize) -> Self {
            F64x2([s[i], s[i + 1]])
        }
        #[inline(always)]
        pub fn store(self, s: &mut [f64], i: usize) {
            s[i..i + 2].copy_from_slice(&self.0);
        }
        #[inline(always)]
        pub fn add(self, o: Self) -> Self {
            F64x2([self.0[0] + o.0[0], self.0[1] + o.0[1]])
        }
        #[inline(always)]
        pub fn sub(self, o: Self) -> Self {
            F64x2([self.0[0] - o.0[0], self.0[1] - o.0[1]])
        }
        #[inline(always)]
        pub fn mul(self, o: Self) -> Self {
            F64x2([self.0[0] * o.0[0], self.0[1] * o.0[1]])
        }
    }

    /// Microkernel: for r < R and q < nc,
    /// `C[r*ldc + q] (+)= sum_{p < kc} A[r*a_rs + p*a_ps] * bp[p*8 + q]`,
    /// summed in increasing p, one rounding per multiply and per add, starting from C (ACC) or 0.
    #[inline(always)]
    pub fn kernel<const R: usize, const ACC: bool>(
        kc: usize,
        a: &[f32],
        a_rs: usize,
        a_ps: usize,
        bp: &[f32],
        c: &mut [f32],
        ldc: usize,
        nc: usize,
    ) {
        super::check_kernel_bounds(R, super::NR, kc, a.len(), a_rs, a_ps, bp.len(), c.len(), ldc, nc);
        let mut acc = [[0.0f32; 8]; R];
        for (r, acc_r) in acc.iter_mut().enumerate().filter(|_| ACC) {
            acc_r[..nc].copy_from_slice(&c[r * ldc..r * ldc + nc]);
        }
        for p in 0..kc {
            let b = &bp[p * 8..p * 8 + 8];
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let av = a[r * a_rs + p * a_ps];
                for q in 0..8 {
                    acc_r[q] += av * b[q];
                }
            }
        }
        for (r, acc_r) in acc.iter().enumerate() {
            c[r * ldc..r * ldc + nc].copy_from_slice(&acc_r[..nc]);
        }
    }
}

/// Asserts that every access of a kernel with `nr`-float panel rows is in bounds (cheap: once per
/// kernel call).
#[inline(always)]
pub(crate) fn check_kernel_bounds(
    rows: usize,
    nr: usize,
    kc: usize,
    a_len: usize,
    a_rs: usize,
    a_ps: usize,
    bp_len: usize,
    c_len: usize,
    ldc: usize,
    nc: usize,
) {
    assert!(rows >= 1 && (1..=nr).contains(&nc));
    if kc > 0 {
        assert!(
            (rows - 1) * a_rs + (kc - 1) * a_ps < a_len,
            "gemm kernel: A out of bounds"
        );
    }
    assert!(bp_len >= kc * nr, "gemm kernel: packed B too short");
    assert!((rows - 1) * ldc + nc <= c_len, "gemm kernel: C out of bounds");
}

/// `C[r*ldc + q] += sum_p A[r*a_rs + p*a_ps] * bp[p*8 + q]` for `r < R`, `q < nc` (with
/// `ACC = false`: `C = ...`, C is not read); `bp` is a packed B panel of `kc` rows of 8 floats.
/// Summation is in increasing `p`, starting from the value in C (or +0), with a separate
/// rounding for each multiply and each add (no FMA), in both builds (the opt-in relaxed-SIMD
/// build uses `f32x4.relaxed_madd` here: fused on CPUs with FMA, so not bit-identical).
#[inline(always)]
pub fn kernel<const R: usize, const ACC: bool>(
    kc: usize,
    a: &[f32],
    a_rs: usize,
    a_ps: usize,
    bp: &[f32],
    c: &mut [f32],
    ldc: usize,
    nc: usize,
) {
    imp::kernel::<R, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc)
}

/// True when this build uses SIMD128 instructions.
pub const fn simd_enabled() -> bool {
    cfg!(all(target_arch = "wasm32", target_feature = "simd128"))
}
