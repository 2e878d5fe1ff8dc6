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
//! * `sin`: the platform's `sinf`/`cosf` (libm; correctly rounded or within 1 ulp).
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
        Activation::Sin => {
            let a = z.to_array();
            (
                F32x4::from_array(a.map(f32::sin)),
                F32x4::from_array(a.map(f32::cos)),
            )
        }
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
    // Dispatch once so that each loop is specialized for its activation.
    match act {
        Activation::Tanh => apply_with(z, h, |v| eval4(Activation::Tanh, v)),
        Activation::Sigmoid => apply_with(z, h, |v| eval4(Activation::Sigmoid, v)),
        Activation::Sin => apply_with(z, h, |v| eval4(Activation::Sin, v)),
        Activation::Relu => apply_with(z, h, |v| eval4(Activation::Relu, v)),
    }
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
    fn relu_and_sin() {
        assert_eq!(eval(Activation::Relu, -1.5), (0.0, 0.0));
        assert_eq!(eval(Activation::Relu, 0.0), (0.0, 0.0));
        assert_eq!(eval(Activation::Relu, 2.5), (2.5, 1.0));
        let (s, c) = eval(Activation::Sin, 0.3);
        assert!((s - 0.3f32.sin()).abs() < 1e-7 && (c - 0.3f32.cos()).abs() < 1e-7);
    }

    #[test]
    fn apply_matches_scalar_with_tail() {
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Sin, Activation::Relu] {
            let z0: Vec<f32> = (0..11).map(|k| k as f32 * 0.7 - 3.0).collect();
            let mut z = z0.clone();
            let mut h = vec![0.0; 11];
            apply(act, &mut z, &mut h);
            for k in 0..11 {
                let (hh, dd) = eval(act, z0[k]);
                assert_eq!(hh.to_bits(), h[k].to_bits());
                assert_eq!(dd.to_bits(), z[k].to_bits());
            }
        }
    }
}
