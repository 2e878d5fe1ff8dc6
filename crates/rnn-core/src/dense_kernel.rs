//! Exact infinite-width NTK and NNGP of the dense (Elman) model, in f64 (the float64 reference is
//! `ts/theory/dense-kernel.ts`; the derivation and its sources are there and in docs/theory.md):
//!
//! ```text
//! Sigma_{t,s} = alpha^2 E[sigma(u) sigma(v)] + <x_t, x'_s>          (first term 0 at t = 0 or s = 0)
//! Theta_{t,s} = Sigma_{t,s} + alpha^2 E[sigma'(u) sigma'(v)] Theta_{t-1,s-1}
//! NTK = E[sigma'(z_t) sigma'(z'_s)] Theta_{t,s},   NNGP = E[sigma(z_t) sigma(z'_s)]
//! ```
//!
//! Readout final: the diagonal t = s only, O(n^2 T) expectations; all: every (t, s), O(n^2 T^2).
//! The Gaussian expectations ([`gauss_pair`]): closed forms for relu and sin, the pole-aware
//! trapezoid rule of `ts/theory/gauss-pair.ts` for tanh (sigmoid through tanh).

use crate::model::Activation;

const XI_MAX: f64 = 7.5;
const H_MAX: f64 = 0.8;
/// a/h: the trapezoid error is about exp(-2 pi a/h) = exp(-10 pi).
const STRIP_STEPS: f64 = 5.0;
const INV_2PI: f64 = 1.0 / (2.0 * std::f64::consts::PI);

fn step_for(scale: f64) -> f64 {
    if scale > 0.0 {
        H_MAX.min(std::f64::consts::PI / (2.0 * scale) / STRIP_STEPS)
    } else {
        H_MAX
    }
}

/// `(E[tanh u tanh v], E[sech^2 u sech^2 v])` for `(u, v) ~ N(0, [[q1, c], [c, q2]])`.
fn tanh_pair(q1: f64, q2: f64, c: f64) -> (f64, f64) {
    let (s1, s2) = (q1.max(0.0).sqrt(), q2.max(0.0).sqrt());
    let rho = if s1 > 0.0 && s2 > 0.0 {
        (c / (s1 * s2)).clamp(-1.0, 1.0)
    } else {
        0.0
    };
    let r = (1.0 - rho * rho).max(0.0).sqrt();
    let h1 = step_for(s1.max(s2 * rho.abs()));
    let h2 = step_for(s2 * r);
    let n1 = (XI_MAX / h1).ceil() as i64;
    let n2 = (XI_MAX / h2).ceil() as i64;
    let w2: Vec<f64> = (-n2..=n2).map(|l| (-0.5 * (l as f64 * h2).powi(2)).exp()).collect();
    let (mut hh, mut dd) = (0.0, 0.0);
    // Even under (xi1, xi2) -> -(xi1, xi2): xi1 >= 0 only, doubled for xi1 > 0.
    for k in 0..=n1 {
        let x1 = k as f64 * h1;
        let tu = (s1 * x1).tanh();
        let du = 1.0 - tu * tu;
        let wk = if k == 0 { 1.0 } else { 2.0 } * (-0.5 * x1 * x1).exp();
        let (a, b) = (s2 * rho * x1, s2 * r * h2);
        let (mut sh, mut sd) = (0.0, 0.0);
        for (i, l) in (-n2..=n2).enumerate() {
            let tv = (a + b * l as f64).tanh();
            sh += w2[i] * tv;
            sd += w2[i] * (1.0 - tv * tv);
        }
        hh += wk * tu * sh;
        dd += wk * du * sd;
    }
    let norm = h1 * h2 * INV_2PI;
    (hh * norm, dd * norm)
}

/// `(E[sigma(u) sigma(v)], E[sigma'(u) sigma'(v)])` for `(u, v) ~ N(0, [[q1, c], [c, q2]])`.
pub fn gauss_pair(act: Activation, q1: f64, q2: f64, c: f64) -> (f64, f64) {
    match act {
        Activation::Tanh => tanh_pair(q1, q2, c),
        Activation::Sigmoid => {
            let (hh, dd) = tanh_pair(q1 / 4.0, q2 / 4.0, c / 4.0);
            (0.25 * (1.0 + hh), dd / 16.0)
        }
        Activation::Sin => {
            let e = (-0.5 * (q1 + q2)).exp();
            (e * c.sinh(), e * c.cosh())
        }
        Activation::Relu => {
            let s = (q1.max(0.0) * q2.max(0.0)).sqrt();
            if s.partial_cmp(&0.0) != Some(std::cmp::Ordering::Greater) {
                return (0.0, 0.0);
            }
            let rho = (c / s).clamp(-1.0, 1.0);
            let th = rho.acos();
            let pi = std::f64::consts::PI;
            (s * INV_2PI * (th.sin() + (pi - th) * rho), (pi - th) * INV_2PI)
        }
    }
}

/// Sequences of length `t_len` in R^d, row-major `n x t_len x d`.
#[derive(Clone, Copy)]
pub struct Sequences<'a> {
    pub x: &'a [f64],
    pub n: usize,
}

fn dot(p: &Sequences, a: usize, t: usize, q: &Sequences, b: usize, s: usize, t_len: usize, d: usize) -> f64 {
    let (pa, qb) = ((a * t_len + t) * d, (b * t_len + s) * d);
    (0..d).map(|k| p.x[pa + k] * q.x[qb + k]).sum()
}

fn diagonal_variances(act: Activation, alpha: f64, p: &Sequences, t_len: usize, d: usize) -> Vec<f64> {
    let a2 = alpha * alpha;
    let mut q = vec![0.0; p.n * t_len];
    for a in 0..p.n {
        let mut prev_hh = 0.0;
        for t in 0..t_len {
            let v = if t > 0 { a2 * prev_hh } else { 0.0 } + dot(p, a, t, p, a, t, t_len, d);
            q[a * t_len + t] = v;
            prev_hh = gauss_pair(act, v, v, v).0;
        }
    }
    q
}

/// What the kernel is of: activation, alpha, readout all (or final), NTK (or NNGP).
#[derive(Clone, Copy)]
pub struct KernelSpec {
    pub activation: Activation,
    pub alpha: f64,
    pub all: bool,
    pub ntk: bool,
}

/// The boundary check both bindings (rnn-wasm, rnn-node) make before `dense_kernel`, with the
/// message they return: flat arguments as they come from JavaScript (`xb` empty for B = A).
#[allow(clippy::too_many_arguments)]
pub fn check_dense_kernel_args(
    alpha: f64,
    all: bool,
    xa: &[f64],
    na: usize,
    xb: &[f64],
    nb: usize,
    t: usize,
    d: usize,
    out_len: usize,
) -> Result<(), String> {
    if !alpha.is_finite() {
        return Err(format!("dense_kernel: alpha must be finite (got {alpha})"));
    }
    let same = xb.is_empty();
    let per = if all { t } else { 1 };
    let rows = na.checked_mul(per);
    let cols = (if same { na } else { nb }).checked_mul(per);
    let sizes_ok = t >= 1
        && d >= 1
        && na.checked_mul(t).and_then(|v| v.checked_mul(d)) == Some(xa.len())
        && (same || nb.checked_mul(t).and_then(|v| v.checked_mul(d)) == Some(xb.len()))
        && rows.zip(cols).and_then(|(r, c)| r.checked_mul(c)) == Some(out_len);
    if sizes_ok {
        Ok(())
    } else {
        Err(format!(
            "dense_kernel: expected xa of na*t*d, xb of nb*t*d (or empty) and out of the kernel's size \
             (na = {na}, nb = {nb}, t = {t}, d = {d}; got {}, {}, {out_len})",
            xa.len(),
            xb.len()
        ))
    }
}

/// The kernel on A x B (`b = None`: A x A, computed on one triangle and mirrored) into `out`:
/// final `na x nb`, all `(na T) x (nb T)` with row `a*T + t`, column `b*T + s`.
/// Panics if a buffer has the wrong length.
pub fn dense_kernel(spec: KernelSpec, a: Sequences, b: Option<Sequences>, t_len: usize, d: usize, out: &mut [f64]) {
    let q = b.unwrap_or(a);
    assert!(
        a.x.len() == a.n * t_len * d && q.x.len() == q.n * t_len * d,
        "dense_kernel: x lengths"
    );
    let per = if spec.all { t_len } else { 1 };
    let cols = q.n * per;
    assert_eq!(out.len(), a.n * per * cols, "dense_kernel: out length");
    let a2 = spec.alpha * spec.alpha;
    let act = spec.activation;
    let qa = diagonal_variances(act, spec.alpha, &a, t_len, d);
    let qb = if b.is_some() {
        diagonal_variances(act, spec.alpha, &q, t_len, d)
    } else {
        qa.clone()
    };
    let (mut hh, mut dd, mut th) = (
        vec![0.0; t_len * t_len],
        vec![0.0; t_len * t_len],
        vec![0.0; t_len * t_len],
    );
    for i in 0..a.n {
        let first = if b.is_some() { 0 } else { i };
        for j in first..q.n {
            if !spec.all {
                let (mut prev_hh, mut prev_dd, mut theta) = (0.0, 0.0, 0.0);
                for t in 0..t_len {
                    let sigma = if t > 0 { a2 * prev_hh } else { 0.0 } + dot(&a, i, t, &q, j, t, t_len, d);
                    theta = sigma + if t > 0 { a2 * prev_dd * theta } else { 0.0 };
                    (prev_hh, prev_dd) = gauss_pair(act, qa[i * t_len + t], qb[j * t_len + t], sigma);
                }
                let v = if spec.ntk { prev_dd * theta } else { prev_hh };
                out[i * cols + j] = v;
                if b.is_none() {
                    out[j * cols + i] = v;
                }
                continue;
            }
            for t in 0..t_len {
                for s in 0..t_len {
                    let back = if t > 0 && s > 0 {
                        Some((t - 1) * t_len + s - 1)
                    } else {
                        None
                    };
                    let sigma = back.map_or(0.0, |k| a2 * hh[k]) + dot(&a, i, t, &q, j, s, t_len, d);
                    let theta = sigma + back.map_or(0.0, |k| a2 * dd[k] * th[k]);
                    let (h, g) = gauss_pair(act, qa[i * t_len + t], qb[j * t_len + s], sigma);
                    let k = t * t_len + s;
                    (hh[k], dd[k], th[k]) = (h, g, theta);
                    let v = if spec.ntk { g * theta } else { h };
                    out[(i * t_len + t) * cols + j * t_len + s] = v;
                    if b.is_none() {
                        out[(j * t_len + s) * cols + i * t_len + t] = v;
                    }
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// E[f(u) g(v)] by a brute-force fine trapezoid grid in the Cholesky coordinates.
    fn brute(f: fn(f64) -> f64, q1: f64, q2: f64, c: f64) -> f64 {
        let (s1, s2) = (q1.sqrt(), q2.sqrt());
        let rho = (c / (s1 * s2)).clamp(-1.0, 1.0);
        let r = (1.0 - rho * rho).sqrt();
        let h = 0.01;
        let n = 900i64;
        let mut acc = 0.0;
        for k in -n..=n {
            let x = k as f64 * h;
            let wx = (-0.5 * x * x).exp();
            for l in -n..=n {
                let y = l as f64 * h;
                acc += wx * (-0.5 * y * y).exp() * f(s1 * x) * f(s2 * (rho * x + r * y));
            }
        }
        acc * h * h * INV_2PI
    }

    #[test]
    fn tanh_and_sigmoid_match_a_brute_force_grid_at_large_variance() {
        let sech2 = |z: f64| 1.0 - z.tanh().powi(2);
        let sig = |z: f64| 1.0 / (1.0 + (-z).exp());
        for &(q1, q2, rho) in &[(3.0, 3.0, 0.7), (10.0, 6.0, -0.4), (10.0, 10.0, 1.0), (0.2, 8.0, 0.95)] {
            let c = rho * f64::sqrt(q1 * q2);
            let (hh, dd) = gauss_pair(Activation::Tanh, q1, q2, c);
            assert!(
                (hh - brute(f64::tanh, q1, q2, c)).abs() < 1e-8,
                "tanh hh at {q1} {q2} {rho}"
            );
            assert!(
                (dd - brute(sech2, q1, q2, c)).abs() < 1e-8,
                "tanh dd at {q1} {q2} {rho}"
            );
            let (sh, _) = gauss_pair(Activation::Sigmoid, q1, q2, c);
            assert!(
                (sh - brute(sig, q1, q2, c)).abs() < 1e-8,
                "sigmoid hh at {q1} {q2} {rho}"
            );
        }
    }

    #[test]
    fn ntk_final_is_the_diagonal_of_ntk_all_and_symmetric() {
        let x: Vec<f64> = (0..3 * 4 * 2).map(|k| ((k as f64) * 0.7).sin() * 0.6).collect();
        let a = Sequences { x: &x, n: 3 };
        let mut fin = vec![0.0; 9];
        let mut all = vec![0.0; 144];
        for act in [Activation::Tanh, Activation::Sigmoid, Activation::Sin, Activation::Relu] {
            let spec = KernelSpec {
                activation: act,
                alpha: 1.2,
                all: false,
                ntk: true,
            };
            dense_kernel(spec, a, None, 4, 2, &mut fin);
            dense_kernel(KernelSpec { all: true, ..spec }, a, None, 4, 2, &mut all);
            for i in 0..3 {
                for j in 0..3 {
                    assert_eq!(fin[i * 3 + j], fin[j * 3 + i]);
                    let v = all[(i * 4 + 3) * 12 + j * 4 + 3];
                    assert!((fin[i * 3 + j] - v).abs() <= 1e-14 * v.abs().max(1.0));
                }
            }
        }
    }
}
