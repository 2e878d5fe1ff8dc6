//! Activations and their derivatives, fused: one pass writes `sigma(z)` and `sigma'(z)`.
//!
//! All formulas are written once against [`F32x4`]; scalar call sites go through a splatted
//! vector, so the SIMD and the scalar builds evaluate exactly the same operations.
//!
//! Accuracy (measured by `tests::approximation_errors` against f64 over a dense grid):
//!
//! * `tanh`: Eigen's rational approximation (`generic_fast_tanh_float`), evaluated with
//!   separate mul and add: max abs error 3.3e-7 (at most 5e-7 asserted), |result| <= 1, odd,
//!   exact 0 at 0; derivative `1 - t*t` from the approximated t: max abs error 6.5e-7 vs
//!   `1 - tanh^2` (at most 1e-6 asserted).
//! * `sigmoid`: `0.5 + 0.5 * tanh(z / 2)` with the same tanh, derivative `0.25 * (1 - t*t)`:
//!   max abs errors 2.3e-7 and 2.0e-7 (at most 5e-7 asserted).
//! * `sin`: Cephes-style `sincosf` (Cody-Waite reduction by pi/2 in three parts, degree-7 odd
//!   and degree-8 even minimax polynomials on [-pi/4, pi/4]): max abs error of sin and cos
//!   7.6e-8 for |z| <= 8192 (at most 1e-7 asserted); beyond 2^15 * pi/2 the reduction is no
//!   longer exact and the error grows. Unlike libm, identical on every platform.
//! * `relu`: `max(0, z)` exactly; derivative 1 for z > 0, else 0.

use crate::model::Activation;
use crate::simd::F32x4;

/// Inputs beyond +-this give exactly +-1 from the rational approximation (Eigen's clamp).
const TANH_CLAMP: f32 = 7.905_311_107_635_498;
/// Below this magnitude tanh(x) = x to f32 precision (Eigen).
const TANH_TINY: f32 = 0.0004;
// Numerator (odd, degree 13) and denominator (even, degree 6) of Eigen's minimax rational form.
const A1: f32 = 4.893_524_558_917_86e-3;
const A3: f32 = 6.372_619_288_754_36e-4;
const A5: f32 = 1.485_722_357_179_79e-5;
const A7: f32 = 5.122_297_090_371_14e-8;
const A9: f32 = -8.604_671_522_137_35e-11;
const A11: f32 = 2.000_187_904_824_77e-13;
const A13: f32 = -2.760_768_477_423_55e-16;
const B0: f32 = 4.893_525_185_543_85e-3;
const B2: f32 = 2.268_434_632_439e-3;
const B4: f32 = 1.185_347_056_866_54e-4;
const B6: f32 = 1.198_258_394_667_02e-6;

/// tanh(x) by Eigen's rational approximation: clamp |x| to 7.9053111, then
/// `x * P(x^2) / Q(x^2)` with P of degree 6 and Q of degree 3 in x^2 (Horner, mul then add);
/// `x` itself when |x| < 4e-4. NaN propagates. Max abs error 3.3e-7 (see module docs).
#[inline(always)]
pub fn tanh4(x: F32x4) -> F32x4 {
    let c = F32x4::splat(TANH_CLAMP);
    let xc = x.pmin(c).pmax(F32x4::splat(-TANH_CLAMP));
    let x2 = xc.mul(xc);
    let mut p = x2.mul(F32x4::splat(A13)).add(F32x4::splat(A11));
    p = x2.mul(p).add(F32x4::splat(A9));
    p = x2.mul(p).add(F32x4::splat(A7));
    p = x2.mul(p).add(F32x4::splat(A5));
    p = x2.mul(p).add(F32x4::splat(A3));
    p = x2.mul(p).add(F32x4::splat(A1));
    p = xc.mul(p);
    let mut q = x2.mul(F32x4::splat(B6)).add(F32x4::splat(B4));
    q = x2.mul(q).add(F32x4::splat(B2));
    q = x2.mul(q).add(F32x4::splat(B0));
    let r = p.div(q);
    F32x4::select_lt(x.abs(), F32x4::splat(TANH_TINY), x, r)
}

/// `(sin x, cos x)` (Cephes `sinf`/`cosf` polynomials, Cody-Waite reduction modulo pi/2).
#[inline(always)]
pub fn sincos4(x: F32x4) -> (F32x4, F32x4) {
    let splat = F32x4::splat;
    // q = nearest integer to x / (pi/2); r = x - q pi/2 in [-pi/4, pi/4] (three-part pi/2: the
    // first two parts have few bits, so q*DP1 and q*DP2 are exact for |q| < 2^15).
    let q = x.mul(splat(core::f32::consts::FRAC_2_PI)).nearest();
    let r = x
        .sub(q.mul(splat(1.570_312_5)))
        .sub(q.mul(splat(4.837_512_969_970_703e-4)))
        .sub(q.mul(splat(7.549_789_954_891_882e-8)));
    let z = r.mul(r);
    let s = z.mul(splat(-1.951_529_589_1e-4)).add(splat(8.332_160_873_6e-3));
    let s = z.mul(s).add(splat(-1.666_665_461_1e-1));
    let s = r.mul(z).mul(s).add(r);
    let c = z
        .mul(splat(2.443_315_711_809_948e-5))
        .add(splat(-1.388_731_625_493_765e-3));
    let c = z.mul(c).add(splat(4.166_664_568_298_827e-2));
    let c = z.mul(z).mul(c).sub(splat(0.5).mul(z)).add(splat(1.0));
    // Quadrant k = q mod 4 in {0,1,2,3}: sin x = (s, c, -s, -c)[k], cos x = (c, -s, -c, s)[k].
    let k = q.sub(splat(4.0).mul(q.mul(splat(0.25)).floor()));
    let odd = k.sub(splat(2.0).mul(k.mul(splat(0.5)).floor()));
    let swap = |a: F32x4, b: F32x4| F32x4::select_lt(odd, splat(0.5), a, b);
    let (sv, cv) = (swap(s, c), swap(c, s));
    let one = splat(1.0);
    let sin_sign = F32x4::select_lt(k, splat(1.5), one, splat(-1.0));
    let cos_neg = F32x4::select_lt(k, splat(0.5), one, F32x4::select_lt(k, splat(2.5), splat(-1.0), one));
    (sv.mul(sin_sign), cv.mul(cos_neg))
}

/// Scalar tanh with exactly the formula of [`tanh4`].
#[inline]
pub fn tanh_approx(x: f32) -> f32 {
    tanh4(F32x4::splat(x)).to_array()[0]
}

/// `(sigma(z), sigma'(z))` for four lanes.
#[inline(always)]
pub fn eval4(act: Activation, z: F32x4) -> (F32x4, F32x4) {
    match act {
        Activation::Tanh => {
            let t = tanh4(z);
            (t, F32x4::splat(1.0).sub(t.mul(t)))
        }
        Activation::Sigmoid => {
            let half = F32x4::splat(0.5);
            let t = tanh4(z.mul(half));
            let s = half.add(half.mul(t));
            (s, F32x4::splat(0.25).mul(F32x4::splat(1.0).sub(t.mul(t))))
        }
        Activation::Sin => sincos4(z),
        Activation::Relu => {
            let zero = F32x4::zero();
            let h = z.pmax(zero);
            let d = F32x4::select_lt(zero, z, F32x4::splat(1.0), zero);
            (h, d)
        }
    }
}

/// Scalar `(sigma(z), sigma'(z))`, same formulas as [`eval4`].
#[inline]
pub fn eval(act: Activation, z: f32) -> (f32, f32) {
    let (h, d) = eval4(act, F32x4::splat(z));
    (h.to_array()[0], d.to_array()[0])
}

/// Fused activation over a row: reads `z[i]`, writes `h[i] = sigma(z[i])` and
/// overwrites `z[i]` with `sigma'(z[i])`. Lengths must match.
pub fn apply(act: Activation, z: &mut [f32], h: &mut [f32]) {
    #[cfg(target_arch = "x86_64")]
    if crate::simd_x86::avx2_available() {
        // SAFETY: the CPU has AVX2 (checked at run time).
        return unsafe { apply_avx2(act, z, h) };
    }
    apply_any(act, z, h)
}

/// [`apply`] compiled with AVX2 (native x86-64 only): the same IEEE operations, wider registers
/// and SSE4.1 rounding instead of libm calls; never fused (no `fma` feature), so bit-identical.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn apply_avx2(act: Activation, z: &mut [f32], h: &mut [f32]) {
    apply_any(act, z, h)
}

#[inline(always)]
fn apply_any(act: Activation, z: &mut [f32], h: &mut [f32]) {
    with_activation!(act, |f| apply_with(z, h, f))
}

/// The one activation dispatch of the kernels: `with_activation!(act, |f| kernel(.., f))` runs
/// the kernel with `f` the 4-lane `(sigma, sigma')` of `act` ([`eval4`] specialized), so that
/// each kernel loop is compiled once per activation with its formula inlined (natively into the
/// AVX2 entry; else it stays a call per vector, compiled without AVX2). A new activation is one
/// arm here and one in [`eval4`].
macro_rules! with_activation {
    ($act:expr, |$f:ident| $body:expr) => {{
        use $crate::activation::{eval4, specialized};
        use $crate::model::Activation;
        match $act {
            Activation::Tanh => specialized(
                #[cfg_attr(target_arch = "x86_64", inline(always))]
                |z| eval4(Activation::Tanh, z),
                #[inline(always)]
                |$f| $body,
            ),
            Activation::Sigmoid => specialized(
                #[cfg_attr(target_arch = "x86_64", inline(always))]
                |z| eval4(Activation::Sigmoid, z),
                #[inline(always)]
                |$f| $body,
            ),
            Activation::Sin => specialized(
                #[cfg_attr(target_arch = "x86_64", inline(always))]
                |z| eval4(Activation::Sin, z),
                #[inline(always)]
                |$f| $body,
            ),
            Activation::Relu => specialized(
                #[cfg_attr(target_arch = "x86_64", inline(always))]
                |z| eval4(Activation::Relu, z),
                #[inline(always)]
                |$f| $body,
            ),
        }
    }};
}
pub(crate) use with_activation;

/// Runs `kernel(f)` ([`with_activation!`]): the closures stay call arguments, where they may
/// carry `#[inline(always)]`.
#[inline(always)]
pub(crate) fn specialized<F, R>(f: F, kernel: impl FnOnce(F) -> R) -> R
where
    F: Fn(F32x4) -> (F32x4, F32x4) + Copy,
{
    kernel(f)
}

#[inline(always)]
fn apply_with(z: &mut [f32], h: &mut [f32], f: impl Fn(F32x4) -> (F32x4, F32x4)) {
    assert_eq!(z.len(), h.len());
    let n = z.len();
    let n4 = n - n % 4;
    let mut i = 0;
    while i < n4 {
        let (hv, dv) = f(F32x4::load(z, i));
        hv.store(h, i);
        dv.store(z, i);
        i += 4;
    }
    if n4 < n {
        // Tail through a padded vector: same formula as the body.
        let mut tmp = [0.0f32; 4];
        tmp[..n - n4].copy_from_slice(&z[n4..]);
        let (hv, dv) = f(F32x4::from_array(tmp));
        let (ha, da) = (hv.to_array(), dv.to_array());
        h[n4..].copy_from_slice(&ha[..n - n4]);
        z[n4..].copy_from_slice(&da[..n - n4]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Measures the max abs errors stated in the module docs, over [-12, 12] in steps of 1e-4
    /// plus a fine grid near 0.
    #[test]
    fn approximation_errors() {
        let mut max_tanh = 0.0f64;
        let mut max_dtanh = 0.0f64;
        let mut max_sig = 0.0f64;
        let mut max_dsig = 0.0f64;
        let mut grid: Vec<f32> = (-120_000..=120_000).map(|k| k as f32 * 1e-4).collect();
        grid.extend((-2000..=2000).map(|k| k as f32 * 1e-6));
        for &x in &grid {
            let xd = x as f64;
            let t = tanh_approx(x);
            assert!(t.abs() <= 1.0);
            assert_eq!(tanh_approx(-x).to_bits(), (-t).to_bits(), "odd at {x}");
            max_tanh = max_tanh.max((t as f64 - xd.tanh()).abs());
            let (_, dt) = eval(Activation::Tanh, x);
            max_dtanh = max_dtanh.max((dt as f64 - (1.0 - xd.tanh().powi(2))).abs());
            let (s, ds) = eval(Activation::Sigmoid, x);
            let sd = 1.0 / (1.0 + (-xd).exp());
            max_sig = max_sig.max((s as f64 - sd).abs());
            max_dsig = max_dsig.max((ds as f64 - sd * (1.0 - sd)).abs());
        }
        eprintln!("tanh {max_tanh:.3e} dtanh {max_dtanh:.3e} sigmoid {max_sig:.3e} dsigmoid {max_dsig:.3e}");
        assert!(max_tanh <= 5e-7, "tanh error {max_tanh}");
        assert!(max_dtanh <= 1e-6, "tanh' error {max_dtanh}");
        assert!(max_sig <= 5e-7, "sigmoid error {max_sig}");
        assert!(max_dsig <= 5e-7, "sigmoid' error {max_dsig}");
        assert_eq!(tanh_approx(0.0), 0.0);
        assert!(tanh_approx(f32::NAN).is_nan());
    }

    #[test]
    fn relu_exact() {
        assert_eq!(eval(Activation::Relu, -1.5), (0.0, 0.0));
        assert_eq!(eval(Activation::Relu, 0.0), (0.0, 0.0));
        assert_eq!(eval(Activation::Relu, 2.5), (2.5, 1.0));
    }

    /// Measures the sin/cos errors stated in the module docs.
    #[test]
    fn sincos_errors() {
        let mut near = 0.0f64;
        let mut far = 0.0f64;
        let mut k: i64 = -8_192_000;
        while k <= 8_192_000 {
            let x = k as f32 * 1e-3;
            let (s, c) = eval(Activation::Sin, x);
            let xd = x as f64;
            let e = (s as f64 - xd.sin()).abs().max((c as f64 - xd.cos()).abs());
            if x.abs() <= 100.0 {
                near = near.max(e);
            } else {
                far = far.max(e);
            }
            k += if x.abs() <= 100.0 { 1 } else { 37 };
        }
        eprintln!("sincos max abs error: {near:.3e} (|x| <= 100), {far:.3e} (|x| <= 8192)");
        assert!(near <= 1e-7, "{near}");
        assert!(far <= 1e-7, "{far}");
        assert_eq!(eval(Activation::Sin, 0.0).0.to_bits(), 0);
        assert!(eval(Activation::Sin, f32::NAN).0.is_nan());
    }

    /// `apply` (natively on x86-64 its AVX2 build) equals the per-element formula bit for bit,
    /// body and tail, over ordinary, tiny, subnormal, large and clamped arguments.
    #[test]
    fn apply_matches_scalar_with_tail() {
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Sin, Activation::Relu] {
            let mut z0: Vec<f32> = (0..1001).map(|k| k as f32 * 0.0137 - 6.9).collect();
            z0.extend([1e-5, -1e-5, 1e-40, -1e-40, 8.0, -8.0, 100.0, 5000.0, -7000.5, 0.0, -0.0]);
            let len = z0.len();
            let mut z = z0.clone();
            let mut h = vec![0.0; len];
            apply(act, &mut z, &mut h);
            for k in 0..len {
                let (hh, dd) = eval(act, z0[k]);
                assert_eq!(hh.to_bits(), h[k].to_bits());
                assert_eq!(dd.to_bits(), z[k].to_bits());
            }
        }
    }
}
