//! Native x86-64 only: the GEMM microkernel with 8-lane AVX2 vectors, chosen at run time
//! ([`avx2_available`]) from a baseline x86-64 build (never `target-cpu=native`: a binary with
//! instructions the CPU lacks dies with SIGILL). The wasm builds never compile this module.
//!
//! Bit-identical to [`crate::simd::kernel`]: blocks of up to `8 x 8` (eight accumulators), one 8-lane `mul` then one
//! `add` per step (never fused: `vfmadd` would round once instead of twice), summed over `p` in
//! increasing order from the value in C (or +0). So the native results equal the wasm ones.
//! The MXCSR flush/denormal bits are never touched (decaying adjoints are flushed in software,
//! [`crate::flush`]).

use core::arch::x86_64::*;

/// Whether this CPU has AVX2 (std caches the answer in a static, not a thread-local).
#[inline]
pub fn avx2_available() -> bool {
    std::is_x86_feature_detected!("avx2")
}

/// The contract of [`crate::simd::kernel`], with `__m256` accumulators (NR = 8 = one register).
///
/// # Safety
/// The CPU must have AVX2 ([`avx2_available`]); every access is bounds-checked first.
#[target_feature(enable = "avx2")]
#[inline]
pub unsafe fn kernel_avx2<const R: usize, const ACC: bool>(
    kc: usize,
    a: &[f32],
    a_rs: usize,
    a_ps: usize,
    bp: &[f32],
    c: &mut [f32],
    ldc: usize,
    nc: usize,
) {
    crate::simd::check_kernel_bounds(R, kc, a.len(), a_rs, a_ps, bp.len(), c.len(), ldc, nc);
    let mut acc = [_mm256_setzero_ps(); R];
    // SAFETY (whole block): check_kernel_bounds asserted that every index used below is in
    // bounds: A up to (R-1)*a_rs + (kc-1)*a_ps, the packed B up to kc*8, C up to (R-1)*ldc + nc
    // (full-width loads and stores only when nc == 8).
    unsafe {
        let cp = c.as_mut_ptr();
        if ACC {
            for (r, acc_r) in acc.iter_mut().enumerate() {
                if nc == 8 {
                    *acc_r = _mm256_loadu_ps(cp.add(r * ldc));
                } else {
                    let mut tmp = [0.0f32; 8];
                    for (q, v) in tmp.iter_mut().enumerate().take(nc) {
                        *v = *cp.add(r * ldc + q);
                    }
                    *acc_r = _mm256_loadu_ps(tmp.as_ptr());
                }
            }
        }
        let mut ap = a.as_ptr();
        let mut bptr = bp.as_ptr();
        for _ in 0..kc {
            let b = _mm256_loadu_ps(bptr);
            for (r, acc_r) in acc.iter_mut().enumerate() {
                let av = _mm256_set1_ps(*ap.add(r * a_rs));
                *acc_r = _mm256_add_ps(*acc_r, _mm256_mul_ps(av, b));
            }
            ap = ap.add(a_ps);
            bptr = bptr.add(8);
        }
        for (r, acc_r) in acc.iter().enumerate() {
            if nc == 8 {
                _mm256_storeu_ps(cp.add(r * ldc), *acc_r);
            } else {
                let mut tmp = [0.0f32; 8];
                _mm256_storeu_ps(tmp.as_mut_ptr(), *acc_r);
                for (q, v) in tmp.iter().enumerate().take(nc) {
                    *cp.add(r * ldc + q) = *v;
                }
            }
        }
    }
}
