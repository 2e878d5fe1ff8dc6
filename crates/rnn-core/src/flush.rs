//! Flush-to-zero of decaying recursions (docs/spec/model.md section 11).
//!
//! A BPTT adjoint of a neuron with small `|alpha w sigma'|` decays geometrically and, after a few
//! dozen steps, falls into the f32 subnormal range (below 2^-126), where every multiply or add
//! that reads or writes one takes a microcode assist on many Intel cores (tens to hundreds of
//! cycles). WebAssembly gives no control over the FTZ/DAZ bits, so the kernels flush themselves:
//! one compare and select per element and step sets every value with `|v| < FLUSH_BELOW` to 0.
//!
//! Why 2^-80 [our derivation]: once an adjoint `dz` is below the threshold its whole remaining
//! chain contributes at most `FLUSH_BELOW / (1 - a)` to a gradient entry (`a < 1` the decay
//! factor; `|h|, |x| <= 1`), so at most `n FLUSH_BELOW / (1 - a)` over `n` sequences. With
//! n = 16384 and a = 0.99 that is 2^-80 * 2^14 * 2^7 = 2^-59 ~ 1.7e-18: below half an f32 ulp of
//! any gradient entry larger than 2^-35 ~ 3e-11, i.e. of every entry that matters at f32
//! precision. And it is far enough above 2^-126 that a flushed-or-not operand times any factor of
//! magnitude >= 2^-46 (sigma' of tanh is 0 or >= 2^-24 in f32; `alpha w` and inputs of that
//! size do not occur) stays normal: the kernels never produce a subnormal in the first place.

use crate::simd::F32x4;

/// Values of a decaying recursion with `|v|` below this are set to 0 (2^-80 ~ 8.27e-25).
pub const FLUSH_BELOW: f32 = f32::from_bits((127 - 80) << 23);

#[cfg(any(test, feature = "flush-switch"))]
thread_local! {
    /// Tests (and the `flush-switch` feature, for the subnormal_cost example) switch the flush off
    /// (threshold 0) to compare against the unflushed recursions. Release builds have a constant.
    static TEST_THRESHOLD: std::cell::Cell<f32> = const { std::cell::Cell::new(FLUSH_BELOW) };
}

/// The threshold in force: [`FLUSH_BELOW`] (tests can set another per thread).
#[inline(always)]
pub fn threshold() -> f32 {
    #[cfg(any(test, feature = "flush-switch"))]
    {
        TEST_THRESHOLD.with(|t| t.get())
    }
    #[cfg(not(any(test, feature = "flush-switch")))]
    {
        FLUSH_BELOW
    }
}

/// Runs `f` with the flush threshold set to `tau` on this thread (0: no flush), then restores it.
#[cfg(any(test, feature = "flush-switch"))]
pub fn with_threshold<R>(tau: f32, f: impl FnOnce() -> R) -> R {
    let old = TEST_THRESHOLD.with(|t| t.replace(tau));
    let r = f();
    TEST_THRESHOLD.with(|t| t.set(old));
    r
}

/// Per lane: 0 where `|v| < tau`, else `v`.
#[inline(always)]
pub fn flush4(v: F32x4, tau: F32x4) -> F32x4 {
    F32x4::select_lt(v.abs(), tau, F32x4::zero(), v)
}

/// Scalar [`flush4`] (the same IEEE comparison, for tails).
#[inline(always)]
pub fn flush1(v: f32, tau: f32) -> f32 {
    if v.abs() < tau {
        0.0
    } else {
        v
    }
}

/// `a[i] = flush(a[i] * b[i])`.
pub fn mul_assign_flush(a: &mut [f32], b: &[f32]) {
    assert_eq!(a.len(), b.len());
    let t = threshold();
    let tau = F32x4::splat(t);
    let n4 = a.len() - a.len() % 4;
    let mut i = 0;
    while i < n4 {
        flush4(F32x4::load(a, i).mul(F32x4::load(b, i)), tau).store(a, i);
        i += 4;
    }
    for k in n4..a.len() {
        a[k] = flush1(a[k] * b[k], t);
    }
}

/// Subnormal (nonzero, below 2^-126 in magnitude) values in `a`.
pub fn count_subnormal(a: &[f32]) -> usize {
    a.iter().filter(|v| v.is_subnormal()).count()
}
