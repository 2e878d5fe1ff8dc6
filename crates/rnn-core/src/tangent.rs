//! Per-neuron tangent features of the diagonal model and the teacher sum (MODEL.md section 9).
//!
//! `phi_T(X; theta_i) = d h_{i,T-1} / d theta_i` in R^{1+d} (`q = 0`: the w-component), by
//! forward-mode differentiation:
//!
//! ```text
//! dh_t/dw = sigma'(z_t) (alpha h_{t-1} + alpha w dh_{t-1}/dw)
//! dh_t/du = sigma'(z_t) (x_t + alpha w dh_{t-1}/du)
//! ```
//!
//! The teacher sum `out_j = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` never stores features:
//! `<v, phi_T>` is the directional derivative of `h_{T-1}` along `v`, one forward-mode pass
//! `delta_t = sigma'(z_t) (alpha v_w h_{t-1} + alpha w delta_{t-1} + <v_u, x_t>)` per particle,
//! SIMD over 4 particles and interleaving several samples for instruction-level parallelism.
//!
//! Both use the operation order of the batched forward pass (`z = sum_k x_k u_k` in increasing
//! k, then `+ (alpha w) h`), so their `h` equal the training forward's bit for bit.

use crate::activation::eval4;
use crate::model::{Activation, Model, Recurrence};
use crate::simd::F32x4;
use crate::workspace::checked_len;

fn round4(m: usize) -> usize {
    m.div_ceil(4) * 4
}

/// Scratch length (f32) needed by [`tangent_features`].
pub fn tangent_scratch_len(m: usize, d: usize) -> usize {
    (4 + 2 * d) * round4(m)
}

/// Writes `out[(j*m + i)*(1+d) + q] = phi_T(X_j; theta_i)_q` for `j < n` (diagonal model only).
/// `x` is `n x T x d` sample-major; `scratch` has at least [`tangent_scratch_len`] elements.
pub fn tangent_features(
    model: &Model,
    x: &[f32],
    n: usize,
    t_len: usize,
    out: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), String> {
    let spec = &model.spec;
    if spec.recurrence != Recurrence::Diagonal {
        return Err("tangent features are defined for the diagonal recurrence only".into());
    }
    let (m, d) = (spec.m, spec.d);
    let q = 1 + d;
    if x.len() < n * t_len * d || out.len() < n * m * q || scratch.len() < tangent_scratch_len(m, d) {
        return Err("tangent_features: buffer too short".into());
    }
    let m4 = round4(m);
    let (aw, rest) = scratch.split_at_mut(m4);
    let (ut, rest) = rest.split_at_mut(d * m4);
    let (h, rest) = rest.split_at_mut(m4);
    let (dw, rest) = rest.split_at_mut(m4);
    let (du, _) = rest.split_at_mut(d * m4);
    // Padded lanes (i >= m) carry zero weights: harmless, never written out.
    aw.fill(0.0);
    ut.fill(0.0);
    for i in 0..m {
        aw[i] = spec.alpha * model.w[i];
        for k in 0..d {
            ut[k * m4 + i] = model.u[i * d + k];
        }
    }
    match spec.activation {
        Activation::Tanh => tangent_loop(x, n, t_len, d, m4, spec.alpha, aw, ut, h, dw, du, out, m, |z| eval4(Activation::Tanh, z)),
        Activation::Sigmoid => tangent_loop(x, n, t_len, d, m4, spec.alpha, aw, ut, h, dw, du, out, m, |z| eval4(Activation::Sigmoid, z)),
        Activation::Sin => tangent_loop(x, n, t_len, d, m4, spec.alpha, aw, ut, h, dw, du, out, m, |z| eval4(Activation::Sin, z)),
        Activation::Relu => tangent_loop(x, n, t_len, d, m4, spec.alpha, aw, ut, h, dw, du, out, m, |z| eval4(Activation::Relu, z)),
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
#[inline(always)]
fn tangent_loop(
    x: &[f32],
    n: usize,
    t_len: usize,
    d: usize,
    m4: usize,
    alpha: f32,
    aw: &[f32],
    ut: &[f32],
    h: &mut [f32],
    dw: &mut [f32],
    du: &mut [f32],
    out: &mut [f32],
    m: usize,
    act: impl Fn(F32x4) -> (F32x4, F32x4),
) {
    let alpha4 = F32x4::splat(alpha);
    for j in 0..n {
        h.fill(0.0);
        dw.fill(0.0);
        du.fill(0.0);
        for t in 0..t_len {
            let xrow = &x[(j * t_len + t) * d..(j * t_len + t + 1) * d];
            let mut i = 0;
            while i < m4 {
                let mut z = F32x4::zero();
                for k in 0..d {
                    z = z.add(F32x4::splat(xrow[k]).mul(F32x4::load(ut, k * m4 + i)));
                }
                let awv = F32x4::load(aw, i);
                let hv = F32x4::load(h, i);
                let z = z.add(awv.mul(hv));
                let (hn, sp) = act(z);
                let dwv = sp.mul(alpha4.mul(hv).add(awv.mul(F32x4::load(dw, i))));
                dwv.store(dw, i);
                for k in 0..d {
                    let o = k * m4 + i;
                    sp.mul(F32x4::splat(xrow[k]).add(awv.mul(F32x4::load(du, o)))).store(du, o);
                }
                hn.store(h, i);
                i += 4;
            }
        }
        for i in 0..m {
            let o = (j * m + i) * (1 + d);
            out[o] = dw[i];
            for k in 0..d {
                out[o + 1 + k] = du[k * m4 + i];
            }
        }
    }
}

/// Teacher particles `theta^k = (w_k, u_k)` with transport vectors `v_k` (diagonal model,
/// any width): `w` (M), `u` (M x d, `u[k*d + q]`), `v` (M x (1+d), `v[k*(1+d) + 0]` = v_w).
pub struct Teacher {
    pub activation: Activation,
    pub d: usize,
    pub alpha: f32,
    count: usize,
    pub w: Vec<f32>,
    pub u: Vec<f32>,
    pub v: Vec<f32>,
    /// Blocks of 4 particles: `[w(4), v_w(4), u_0(4)..u_{d-1}(4), vu_0(4)..vu_{d-1}(4)]`.
    packed: Vec<f32>,
}

/// Samples interleaved per particle block in [`Teacher::sum`] (independent dependency chains).
const JB: usize = 4;

impl Teacher {
    /// Allocates `count` particles (all zero).
    pub fn new(activation: Activation, d: usize, alpha: f32, count: usize) -> Result<Teacher, String> {
        if d < 1 {
            return Err(format!("d must be >= 1 (got {d})"));
        }
        if count < 1 {
            return Err(format!("the particle count must be >= 1 (got {count})"));
        }
        if !alpha.is_finite() {
            return Err(format!("alpha must be finite (got {alpha})"));
        }
        let blocks = count.div_ceil(4);
        Ok(Teacher {
            activation,
            d,
            alpha,
            count,
            w: vec![0.0; count],
            u: vec![0.0; checked_len(&[count, d], "teacher u")?],
            v: vec![0.0; checked_len(&[count, 1 + d], "teacher v")?],
            packed: vec![0.0; checked_len(&[blocks, 4 * (2 + 2 * d)], "teacher packed")?],
        })
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn pack(&mut self) {
        let d = self.d;
        let stride = 4 * (2 + 2 * d);
        self.packed.fill(0.0); // padded particles: all zero, so they contribute exactly 0
        for k in 0..self.count {
            let (b, l) = (k / 4, k % 4);
            let base = b * stride;
            self.packed[base + l] = self.w[k];
            self.packed[base + 4 + l] = self.v[k * (1 + d)];
            for q in 0..d {
                self.packed[base + 8 + 4 * q + l] = self.u[k * d + q];
                self.packed[base + 8 + 4 * d + 4 * q + l] = self.v[k * (1 + d) + 1 + q];
            }
        }
    }

    /// `out[j] = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` for `j < n`; `x` is `n x T x d`.
    pub fn sum(&mut self, x: &[f32], n: usize, t_len: usize, out: &mut [f32]) -> Result<(), String> {
        if x.len() < n * t_len * self.d || out.len() < n {
            return Err("teacher sum: buffer too short".into());
        }
        if t_len < 1 {
            return Err("t must be >= 1".into());
        }
        self.pack();
        match self.activation {
            Activation::Tanh => self.sum_with(x, n, t_len, out, |z| eval4(Activation::Tanh, z)),
            Activation::Sigmoid => self.sum_with(x, n, t_len, out, |z| eval4(Activation::Sigmoid, z)),
            Activation::Sin => self.sum_with(x, n, t_len, out, |z| eval4(Activation::Sin, z)),
            Activation::Relu => self.sum_with(x, n, t_len, out, |z| eval4(Activation::Relu, z)),
        }
        Ok(())
    }

    #[inline(always)]
    fn sum_with(&self, x: &[f32], n: usize, t_len: usize, out: &mut [f32], act: impl Fn(F32x4) -> (F32x4, F32x4) + Copy) {
        let mut j0 = 0;
        while j0 + JB <= n {
            let acc = self.block::<JB>(x, j0, t_len, act);
            for jj in 0..JB {
                out[j0 + jj] = (acc[jj] / self.count as f64) as f32;
            }
            j0 += JB;
        }
        while j0 < n {
            let acc = self.block::<1>(x, j0, t_len, act);
            out[j0] = (acc[0] / self.count as f64) as f32;
            j0 += 1;
        }
    }

    /// Sums `<v_k, phi_T(X_j)>` over all particles for the `J` samples `j0..j0+J` (f64).
    #[inline(always)]
    fn block<const J: usize>(&self, x: &[f32], j0: usize, t_len: usize, act: impl Fn(F32x4) -> (F32x4, F32x4)) -> [f64; J] {
        let d = self.d;
        let stride = 4 * (2 + 2 * d);
        let alpha = F32x4::splat(self.alpha);
        let mut acc = [0.0f64; J];
        let xs: [&[f32]; J] = core::array::from_fn(|jj| &x[(j0 + jj) * t_len * d..(j0 + jj + 1) * t_len * d]);
        for p in self.packed.chunks_exact(stride) {
            let aw = alpha.mul(F32x4::load(p, 0));
            let avw = alpha.mul(F32x4::load(p, 4));
            let (pu, pv) = p[8..].split_at(4 * d);
            let mut h = [F32x4::zero(); J];
            let mut del = [F32x4::zero(); J];
            for t in 0..t_len {
                for jj in 0..J {
                    let xr = &xs[jj][t * d..(t + 1) * d];
                    let mut zin = F32x4::zero();
                    let mut vin = F32x4::zero();
                    for k in 0..d {
                        let xk = F32x4::splat(xr[k]);
                        zin = zin.add(xk.mul(F32x4::load(pu, 4 * k)));
                        vin = vin.add(xk.mul(F32x4::load(pv, 4 * k)));
                    }
                    let z = zin.add(aw.mul(h[jj]));
                    let (hn, sp) = act(z);
                    del[jj] = sp.mul(avw.mul(h[jj]).add(aw.mul(del[jj])).add(vin));
                    h[jj] = hn;
                }
            }
            for jj in 0..J {
                let a = del[jj].to_array();
                acc[jj] += (a[0] as f64 + a[1] as f64) + (a[2] as f64 + a[3] as f64);
            }
        }
        acc
    }
}
