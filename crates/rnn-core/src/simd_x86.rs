//! Native x86-64 only: the GEMM microkernels with 8-lane AVX2 and 16-lane AVX-512 vectors, chosen
//! at run time ([`selected`]) from a baseline x86-64 build (never `target-cpu=native`: a binary
//! with instructions the CPU lacks dies with SIGILL). The wasm builds never compile this module.
//!
//! Two kinds of arithmetic:
//!
//! * **exact** (`FUSED = false`): one `mul` then one `add` per step, summed over `p` in increasing
//!   order from the value in C (or +0), as [`crate::simd::kernel`] does, so the results equal the
//!   wasm ones bit for bit, whatever the vector width or block shape;
//! * **fused** (`FUSED = true`, the default where the CPU has FMA): one `vfmadd` per step (a
//!   single rounding instead of two), the same order. Not bit-identical to wasm: each step differs
//!   by at most half an ulp of the product; docs/performance.md states the tolerance the parity
//!   tests hold it to. `RNN_GD_NATIVE_EXACT=1` (read once, at the first product) or [`set_exact`]
//!   choose the exact kernels.
//!
//! The MXCSR flush/denormal bits are never touched (decaying adjoints are flushed in software,
//! [`crate::flush`]). The choice lives in one process-wide atomic (no thread-locals).

use core::arch::x86_64::*;
use core::sync::atomic::{AtomicU8, Ordering};

/// Whether this CPU has AVX2 (std caches the answer in a static, not a thread-local).
#[inline]
pub fn avx2_available() -> bool {
    std::is_x86_feature_detected!("avx2")
}

/// The GEMM microkernel family in use, best first.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kernel {
    /// AVX-512F, 8 x 32 blocks, fused multiply-add.
    Avx512Fma,
    /// AVX-512F, 8 x 32 blocks, mul then add (bit-identical to wasm).
    Avx512,
    /// AVX2 + FMA, 6 x 16 blocks, fused multiply-add.
    Avx2Fma,
    /// AVX2, 8 x 8 blocks, mul then add (bit-identical to wasm).
    Avx2,
    /// No AVX2: the portable kernel.
    Portable,
}

impl Kernel {
    /// The name `kernel_name()` reports ("avx512-fma", "avx512", "avx2-fma", "avx2", "scalar").
    pub fn name(self) -> &'static str {
        match self {
            Kernel::Avx512Fma => "avx512-fma",
            Kernel::Avx512 => "avx512",
            Kernel::Avx2Fma => "avx2-fma",
            Kernel::Avx2 => "avx2",
            Kernel::Portable => "scalar",
        }
    }
}

/// Environment variable that selects the exact (unfused, bit-identical to wasm) kernels: `1`.
pub const EXACT_ENV: &str = "RNN_GD_NATIVE_EXACT";

/// 0: not chosen yet; else 1 + the index of the kernel in [`ORDER`].
static CHOSEN: AtomicU8 = AtomicU8::new(0);
const ORDER: [Kernel; 5] = [
    Kernel::Avx512Fma,
    Kernel::Avx512,
    Kernel::Avx2Fma,
    Kernel::Avx2,
    Kernel::Portable,
];

/// The best kernel of this CPU: fused unless `exact`.
pub fn best(exact: bool) -> Kernel {
    let avx512 = std::is_x86_feature_detected!("avx512f");
    let fma = std::is_x86_feature_detected!("fma");
    match (avx512, avx2_available(), fma && !exact) {
        (true, _, true) => Kernel::Avx512Fma,
        (true, _, false) => Kernel::Avx512,
        (false, true, true) => Kernel::Avx2Fma,
        (false, true, false) => Kernel::Avx2,
        (false, false, _) => Kernel::Portable,
    }
}

/// Chooses the exact (`true`) or the fused kernels for the whole process from now on.
pub fn set_exact(exact: bool) {
    let k = best(exact);
    let i = ORDER.iter().position(|&o| o == k).unwrap_or(ORDER.len() - 1);
    CHOSEN.store(i as u8 + 1, Ordering::Relaxed);
}

/// Whether the exact kernels run (the products are bit-identical to wasm).
pub fn exact() -> bool {
    matches!(selected(), Kernel::Avx512 | Kernel::Avx2 | Kernel::Portable)
}

/// The kernel in use: at the first call, the best of this CPU, exact when `RNN_GD_NATIVE_EXACT=1`.
#[inline]
pub fn selected() -> Kernel {
    match CHOSEN.load(Ordering::Relaxed) {
        0 => {
            set_exact(std::env::var_os(EXACT_ENV).is_some_and(|v| v == "1"));
            selected()
        }
        i => ORDER[(i - 1) as usize],
    }
}

/// `acc + a * b`: fused (one rounding) or mul then add (two), 8 lanes.
///
/// # Safety
/// AVX2, and FMA when `FUSED`.
#[inline(always)]
unsafe fn madd256<const FUSED: bool>(acc: __m256, a: __m256, b: __m256) -> __m256 {
    // SAFETY: the caller's target features (see above).
    unsafe {
        if FUSED {
            _mm256_fmadd_ps(a, b, acc)
        } else {
            _mm256_add_ps(acc, _mm256_mul_ps(a, b))
        }
    }
}

/// `acc + a * b`, 16 lanes, as [`madd256`].
///
/// # Safety
/// AVX-512F.
#[inline(always)]
unsafe fn madd512<const FUSED: bool>(acc: __m512, a: __m512, b: __m512) -> __m512 {
    // SAFETY: the caller's target feature.
    unsafe {
        if FUSED {
            _mm512_fmadd_ps(a, b, acc)
        } else {
            _mm512_add_ps(acc, _mm512_mul_ps(a, b))
        }
    }
}

/// The contract of [`crate::simd::kernel`] with `W` 8-lane accumulators per row (`NR = 8 W`
/// columns: the packed panel has rows of `8 W` floats), `R` rows.
///
/// # Safety
/// The CPU must have AVX2, and FMA when `FUSED`; every access is bounds-checked first.
#[inline(always)]
pub unsafe fn kernel_256<const R: usize, const W: usize, const ACC: bool, const FUSED: bool>(
    kc: usize,
    a: &[f32],
    a_rs: usize,
    a_ps: usize,
    bp: &[f32],
    c: &mut [f32],
    ldc: usize,
    nc: usize,
) {
    let nr = 8 * W;
    crate::simd::check_kernel_bounds(R, nr, kc, a.len(), a_rs, a_ps, bp.len(), c.len(), ldc, nc);
    // SAFETY (whole block): check_kernel_bounds asserted that every index used below is in
    // bounds: A up to (R-1)*a_rs + (kc-1)*a_ps, the packed B up to kc*nr, C up to (R-1)*ldc + nc
    // (full-width loads and stores only when nc == nr); the features are the caller's promise.
    unsafe {
        let mut acc = [[_mm256_setzero_ps(); W]; R];
        let cp = c.as_mut_ptr();
        if ACC {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                if nc == nr {
                    for (w, v) in acc_r.iter_mut().enumerate() {
                        *v = _mm256_loadu_ps(cp.add(r * ldc + 8 * w));
                    }
                } else {
                    let mut tmp = [0.0f32; 32];
                    for (q, v) in tmp.iter_mut().enumerate().take(nc) {
                        *v = *cp.add(r * ldc + q);
                    }
                    for (w, v) in acc_r.iter_mut().enumerate() {
                        *v = _mm256_loadu_ps(tmp.as_ptr().add(8 * w));
                    }
                }
            }
        }
        let mut ap = a.as_ptr();
        let mut bptr = bp.as_ptr();
        for _ in 0..kc {
            let mut b = [_mm256_setzero_ps(); W];
            for (w, v) in b.iter_mut().enumerate() {
                *v = _mm256_loadu_ps(bptr.add(8 * w));
            }
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let av = _mm256_set1_ps(*ap.add(r * a_rs));
                for (v, bw) in acc_r.iter_mut().zip(&b) {
                    *v = madd256::<FUSED>(*v, av, *bw);
                }
            }
            ap = ap.add(a_ps);
            bptr = bptr.add(nr);
        }
        for (r, acc_r) in acc.iter().enumerate() {
            if nc == nr {
                for (w, v) in acc_r.iter().enumerate() {
                    _mm256_storeu_ps(cp.add(r * ldc + 8 * w), *v);
                }
            } else {
                let mut tmp = [0.0f32; 32];
                for (w, v) in acc_r.iter().enumerate() {
                    _mm256_storeu_ps(tmp.as_mut_ptr().add(8 * w), *v);
                }
                for (q, v) in tmp.iter().enumerate().take(nc) {
                    *cp.add(r * ldc + q) = *v;
                }
            }
        }
    }
}

/// The lanes `q < n` (n may exceed 16: all lanes) of a 16-lane mask.
#[inline(always)]
fn lanes(n: usize) -> __mmask16 {
    if n >= 16 {
        0xffff
    } else {
        ((1u32 << n) - 1) as __mmask16
    }
}

/// The contract of [`crate::simd::kernel`] with `W` 16-lane accumulators per row (`NR = 16 W`),
/// `R` rows; partial blocks (`nc < NR`) are read and written with masks.
///
/// # Safety
/// The CPU must have AVX-512F; every access is bounds-checked first.
#[inline(always)]
pub unsafe fn kernel_512<const R: usize, const W: usize, const ACC: bool, const FUSED: bool>(
    kc: usize,
    a: &[f32],
    a_rs: usize,
    a_ps: usize,
    bp: &[f32],
    c: &mut [f32],
    ldc: usize,
    nc: usize,
) {
    let nr = 16 * W;
    crate::simd::check_kernel_bounds(R, nr, kc, a.len(), a_rs, a_ps, bp.len(), c.len(), ldc, nc);
    // SAFETY (whole block): as in kernel_256; the masked loads and stores touch only the lanes
    // q < nc of C (masked-off lanes are neither read nor written, so their addresses, formed with
    // wrapping_add, may lie past the end).
    unsafe {
        let mut acc = [[_mm512_setzero_ps(); W]; R];
        let cp = c.as_mut_ptr();
        let mut mask = [0 as __mmask16; W];
        for (w, k) in mask.iter_mut().enumerate() {
            *k = lanes(nc.saturating_sub(16 * w));
        }
        if ACC {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                for (w, v) in acc_r.iter_mut().enumerate() {
                    *v = _mm512_maskz_loadu_ps(mask[w], cp.wrapping_add(r * ldc + 16 * w));
                }
            }
        }
        let mut ap = a.as_ptr();
        let mut bptr = bp.as_ptr();
        for _ in 0..kc {
            let mut b = [_mm512_setzero_ps(); W];
            for (w, v) in b.iter_mut().enumerate() {
                *v = _mm512_loadu_ps(bptr.add(16 * w));
            }
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let av = _mm512_set1_ps(*ap.add(r * a_rs));
                for (v, bw) in acc_r.iter_mut().zip(&b) {
                    *v = madd512::<FUSED>(*v, av, *bw);
                }
            }
            ap = ap.add(a_ps);
            bptr = bptr.add(nr);
        }
        for (r, acc_r) in acc.iter().enumerate() {
            for (w, v) in acc_r.iter().enumerate() {
                _mm512_mask_storeu_ps(cp.wrapping_add(r * ldc + 16 * w), mask[w], *v);
            }
        }
    }
}
