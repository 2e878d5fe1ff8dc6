//! The linearized network around the initialization (docs/spec/model.md section 10):
//!
//! ```text
//! f_lin(X; Theta) = f(X; Theta0) + < grad_Theta f(X; Theta0), V >,   V = Theta - Theta0
//! ```
//!
//! The inner product is one forward-mode pass along V at Theta0 (a JVP; no n x P Jacobian):
//!
//! ```text
//! dz_t = s (V_W h_{t-1} + W0 dh_{t-1}) + V_U x_t,   dh_t = sigma'(z_t) dz_t,   dh_{-1} = 0
//! df   = (1/sqrt m) sum_i c_i dh_{i,T-1}            (readout all: at every t)
//! ```
//!
//! with `h_t`, `sigma'(z_t)` the states of the forward pass at Theta0 and `s` the recurrent
//! scale (`alpha/sqrt m` dense; elementwise `alpha` with `W0 = diag(w0)` diagonal). Since f_lin
//! is linear in Theta its gradient is the VJP at Theta0: BPTT at Theta0 seeded with the
//! residuals of f_lin. The pass at Theta0 does not depend on Theta, so it runs once per data set
//! and initialization ([`Linearization::prepare`]); a step then costs one JVP and one BPTT.
//!
//! It implements [`Pass`] like [`Workspace`] (`x`, `y`, `pred`, `set_n`, `forward`, `loss_grad`,
//! `reserve`, `train`), so a linearized model is used exactly like a network. Mini-batch SGD is
//! not offered: the cached pass covers the full data.

use crate::gemm::{gemm, MatA, MatB};
use crate::model::{Model, Recurrence, Spec};
use crate::simd::F32x4;
use crate::train::{Descent, Outputs, Pass, NO_MINI_BATCHES};
use crate::vecops::mul_assign;
use crate::workspace::Workspace;
use crate::{readout, recurrence};

/// Buffers of the linearization of one model shape around its initialization.
pub struct Linearization {
    /// Data, per-step outputs and the states `h` at Theta0 (after [`Linearization::prepare`]).
    ws: Workspace,
    /// The model at Theta0 (`w = w0`, `u = u0`): the point the linearization is taken at.
    base: Model,
    /// `sigma'(z_t)` at Theta0, `T x n x m` (the backward pass consumes a copy).
    sp0: Vec<f32>,
    /// Tangent states `dh_t` along V, `T x n x m`.
    tan: Vec<f32>,
    /// `f(X; Theta0)`, layout of the workspace's `f`.
    f0: Vec<f64>,
    /// `V = Theta - Theta0` of the last pass.
    vw: Vec<f32>,
    vu: Vec<f32>,
    prepared: bool,
}

impl Linearization {
    /// Allocates every buffer for up to `n_max` sequences of length `t_len` (shape of `model`).
    pub fn new(model: &Model, n_max: usize, t_len: usize) -> Result<Linearization, String> {
        let ws = Workspace::new(&model.spec, n_max, t_len)?;
        let len = ws.h.len();
        let base = model.clone();
        Ok(Linearization {
            sp0: vec![0.0; len],
            tan: vec![0.0; len],
            f0: vec![0.0; ws.f.len()],
            vw: vec![0.0; model.w.len()],
            vu: vec![0.0; model.u.len()],
            ws,
            base,
            prepared: false,
        })
    }

    /// Bytes of every buffer (tests of [`crate::sizes`]).
    #[cfg(test)]
    pub(crate) fn allocated_bytes(&self) -> u64 {
        use crate::sizes::bytes_of;
        let own = [&self.sp0, &self.tan, &self.vw, &self.vu]
            .iter()
            .map(|v| bytes_of(v))
            .sum::<u64>();
        self.ws.allocated_bytes() + self.base.allocated_bytes() + own + bytes_of(&self.f0)
    }

    /// Runs the forward pass at Theta0 = (`model.w0`, `model.u0`) on the first n sequences, unless
    /// it already ran on this data and this initialization.
    pub fn prepare(&mut self, model: &Model) -> Result<(), String> {
        self.ws.check_model(model)?;
        if self.prepared && self.base.w == model.w0 && self.base.u == model.u0 && self.base.c == model.c {
            return Ok(());
        }
        self.base.w.copy_from_slice(&model.w0);
        self.base.u.copy_from_slice(&model.u0);
        self.base.c.copy_from_slice(&model.c);
        self.ws.gather(None);
        self.ws.forward_batch(&self.base);
        let len = self.ws.nb * self.ws.t_len * model.spec.m;
        self.sp0[..len].copy_from_slice(&self.ws.dz[..len]);
        let flen = self.ws.outputs_len();
        self.f0[..flen].copy_from_slice(&self.ws.f[..flen]);
        self.prepared = true;
        Ok(())
    }

    /// `ws.f = f_lin(X; Theta)` on the prepared batch (one JVP along Theta - Theta0).
    fn linear_outputs(&mut self, model: &Model) {
        let spec = self.ws.spec;
        let (nb, t_len, m) = (self.ws.nb, self.ws.t_len, spec.m);
        let blk = nb * m;
        for (v, (&w, &w0)) in self.vw.iter_mut().zip(model.w.iter().zip(&self.base.w)) {
            *v = w - w0;
        }
        for (v, (&u, &u0)) in self.vu.iter_mut().zip(model.u.iter().zip(&self.base.u)) {
            *v = u - u0;
        }
        let tan = &mut self.tan[..t_len * blk];
        let (h, sp0) = (&self.ws.h[..t_len * blk], &self.sp0[..t_len * blk]);
        // V_U x_t for every (t, j): the input projection with U replaced by V_U.
        recurrence::input_projection(&spec, &self.vu, t_len * nb, &self.ws.xt, tan);
        match spec.recurrence {
            Recurrence::Dense => dense_tangent(&spec, &self.base.w, &self.vw, nb, t_len, h, sp0, tan),
            Recurrence::Diagonal => diagonal_tangent(&spec, &self.base.w, &self.vw, nb, t_len, h, sp0, tan),
        }
        readout::predict(&self.base, nb, t_len, tan, &mut self.ws.f);
        let flen = self.ws.outputs_len();
        for (f, &f0) in self.ws.f[..flen].iter_mut().zip(&self.f0[..flen]) {
            *f += f0;
        }
    }

    /// Loss of f_lin and its gradient (BPTT at Theta0 with the residuals of f_lin) into
    /// `model.grad_w`, `model.grad_u`. Needs [`Linearization::prepare`].
    fn loss_grad_prepared(&mut self, model: &mut Model) -> f64 {
        self.linear_outputs(model);
        let ws = &mut self.ws;
        let loss = ws.batch_loss();
        let hl = ws.t_len * ws.nb * ws.spec.m;
        ws.dz[..hl].copy_from_slice(&self.sp0[..hl]);
        let spec = ws.spec;
        ws.backward(
            &spec,
            &self.base.w,
            &self.base.c,
            (&mut model.grad_w, &mut model.grad_u),
        );
        loss
    }
}

/// The workspace's methods on f_lin: writing the data or `n` marks the pass at Theta0 stale.
impl Pass for Linearization {
    fn data_mut(&mut self) -> (&mut [f32], &mut [f32]) {
        self.prepared = false;
        self.ws.data_mut()
    }
    fn outputs_mut(&mut self) -> Outputs<'_> {
        self.ws.outputs()
    }
    fn set_n(&mut self, n: usize) -> Result<(), String> {
        self.prepared = false;
        self.ws.set_n(n)
    }
    fn forward(&mut self, model: &Model) -> Result<f64, String> {
        self.prepare(model)?;
        self.linear_outputs(model);
        let loss = self.ws.batch_loss();
        self.ws.write_predictions();
        Ok(loss)
    }
    fn loss_grad(&mut self, model: &mut Model) -> Result<f64, String> {
        self.prepare(model)?;
        Ok(self.loss_grad_prepared(model))
    }
    /// Per-step outputs only: `batch` must be 0.
    fn reserve(&mut self, steps: usize, batch: usize) -> Result<(), String> {
        if batch != 0 {
            return Err(NO_MINI_BATCHES.into());
        }
        self.ws.reserve(steps, 0)
    }
}

/// Full-batch steps on the pass at Theta0, prepared once before the first.
impl Descent for Linearization {
    const MINI_BATCHES: bool = false;
    fn ws(&self) -> &Workspace {
        &self.ws
    }
    fn ws_mut(&mut self) -> &mut Workspace {
        &mut self.ws
    }
    fn begin(&mut self, model: &Model, _batch: usize) -> Result<(), String> {
        self.prepare(model)
    }
    fn step_loss_grad(&mut self, model: &mut Model, _s: usize, _batch: usize) -> f64 {
        self.loss_grad_prepared(model)
    }
}

/// Dense tangent pass: on entry `tan` holds `V_U x_t`; on exit `dh_t` for every t.
fn dense_tangent(
    spec: &Spec,
    w0: &[f32],
    vw: &[f32],
    nb: usize,
    t_len: usize,
    h: &[f32],
    sp0: &[f32],
    tan: &mut [f32],
) {
    let m = spec.m;
    let blk = nb * m;
    let s = spec.recurrent_scale();
    if t_len > 1 {
        // s V_W h_{t-1} for every t >= 1 in one GEMM over the rows (t, j): B(p = l, c = i) = s V_W[i*m + l].
        gemm(
            (t_len - 1) * nb,
            m,
            m,
            MatA {
                data: &h[..(t_len - 1) * blk],
                rs: m,
                ps: 1,
            },
            MatB {
                data: vw,
                ps: 1,
                cs: m,
                scale: s,
            },
            &mut tan[blk..t_len * blk],
            m,
        );
    }
    for t in 0..t_len {
        let off = t * blk;
        let (prev, cur) = tan.split_at_mut(off);
        if t > 0 {
            gemm(
                nb,
                m,
                m,
                MatA {
                    data: &prev[off - blk..],
                    rs: m,
                    ps: 1,
                },
                MatB {
                    data: w0,
                    ps: 1,
                    cs: m,
                    scale: s,
                },
                &mut cur[..blk],
                m,
            );
        }
        mul_assign(&mut cur[..blk], &sp0[off..off + blk]);
    }
}

/// Diagonal tangent pass: on entry `tan` holds `V_U x_t`; on exit `dh_t` for every t.
fn diagonal_tangent(
    spec: &Spec,
    w0: &[f32],
    vw: &[f32],
    nb: usize,
    t_len: usize,
    h: &[f32],
    sp0: &[f32],
    tan: &mut [f32],
) {
    let m = spec.m;
    let blk = nb * m;
    for t in 0..t_len {
        let off = t * blk;
        let (prev, cur) = tan.split_at_mut(off);
        if t > 0 {
            for j in 0..nb {
                let row = j * m..(j + 1) * m;
                let hp = &h[off - blk..off][row.clone()];
                let tp = &prev[off - blk..][row.clone()];
                diagonal_tangent_row(spec.alpha, w0, vw, hp, tp, &mut cur[row]);
            }
        }
        mul_assign(&mut cur[..blk], &sp0[off..off + blk]);
    }
}

/// One batch row of the diagonal tangent recursion: `dz += alpha (v_w h_{t-1} + w0 dh_{t-1})`.
fn diagonal_tangent_row(alpha: f32, w0: &[f32], vw: &[f32], hp: &[f32], tp: &[f32], tc: &mut [f32]) {
    let m = w0.len();
    let m4 = m - m % 4;
    let alpha4 = F32x4::splat(alpha);
    let mut i = 0;
    while i < m4 {
        let rec = F32x4::load(vw, i)
            .mul(F32x4::load(hp, i))
            .add(F32x4::load(w0, i).mul(F32x4::load(tp, i)));
        F32x4::load(tc, i).add(alpha4.mul(rec)).store(tc, i);
        i += 4;
    }
    for i in m4..m {
        tc[i] += alpha * (vw[i] * hp[i] + w0[i] * tp[i]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Readout};
    use crate::test_util::{spec, Rng};
    use crate::Projection;
    use crate::Teacher;

    const ACTS: [Activation; 4] = [Activation::Tanh, Activation::Sigmoid, Activation::Sin, Activation::Relu];

    /// A model at Theta0 + V with random (not symmetric) Theta0 and direction V of size `step`,
    /// and a linearization loaded with random data.
    fn setup(
        rec: Recurrence,
        act: Activation,
        readout: Readout,
        step: f32,
        seed: u64,
    ) -> (Model, Linearization, Workspace) {
        let (m, d, n, t_len) = (6, 3, 5, 7);
        let spec = spec(rec, act, readout, m, d, 0.9);
        let mut rng = Rng(seed);
        let mut model = Model::new(spec).unwrap();
        rng.fill(&mut model.w0, if rec == Recurrence::Dense { 1.0 } else { 0.9 });
        rng.fill(&mut model.u0, 0.8);
        rng.fill(&mut model.c, 1.0);
        rng.fill(&mut model.w, step);
        rng.fill(&mut model.u, step);
        for (w, w0) in model.w.iter_mut().zip(&model.w0) {
            *w += w0;
        }
        for (u, u0) in model.u.iter_mut().zip(&model.u0) {
            *u += u0;
        }
        let mut lin = Linearization::new(&model, n, t_len).unwrap();
        let mut ws = Workspace::new(&spec, n, t_len).unwrap();
        let (x, y) = lin.data_mut();
        rng.fill(x, 0.6);
        rng.fill(y, 0.5);
        ws.x.copy_from_slice(x);
        ws.y.copy_from_slice(y);
        (model, lin, ws)
    }

    /// Network predictions (f64 of the f32 outputs) at w0 + a V, u0 + a V.
    fn network_at(ws: &mut Workspace, model: &Model, a: f32) -> Vec<f64> {
        let mut at = model.clone();
        for k in 0..at.w.len() {
            at.w[k] = model.w0[k] + a * (model.w[k] - model.w0[k]);
        }
        for k in 0..at.u.len() {
            at.u[k] = model.u0[k] + a * (model.u[k] - model.u0[k]);
        }
        ws.forward(&at).unwrap();
        ws.pred.iter().map(|&p| p as f64).collect()
    }

    #[test]
    fn jvp_matches_central_differences_of_the_network() {
        for rec in [Recurrence::Dense, Recurrence::Diagonal] {
            for act in ACTS {
                for readout in [Readout::Final, Readout::All] {
                    let (model, mut lin, mut ws) = setup(rec, act, readout, 0.3, 7);
                    lin.forward(&model).unwrap();
                    let f_lin: Vec<f64> = lin.workspace().pred.iter().map(|&p| p as f64).collect();
                    let f0 = network_at(&mut ws, &model, 0.0);
                    // f_lin(Theta0 + V) - f(Theta0) = J V, against (f(+hV) - f(-hV)) / 2h.
                    // relu: a small step, so that no pre-activation crosses its kink.
                    let h = if act == Activation::Relu { 2e-3f32 } else { 0.05 };
                    let (fp, fm) = (network_at(&mut ws, &model, h), network_at(&mut ws, &model, -h));
                    let (mut err, mut size) = (0.0f64, 0.0f64);
                    for k in 0..f_lin.len() {
                        let fd = (fp[k] - fm[k]) / (2.0 * h as f64);
                        err = err.max((f_lin[k] - f0[k] - fd).abs());
                        size = size.max(fd.abs());
                    }
                    assert!(
                        err <= 5e-3 * size + 1e-5,
                        "{rec:?} {act:?} {readout:?}: |JV - FD| = {err} (|FD| {size})"
                    );
                }
            }
        }
    }

    #[test]
    fn at_the_initialization_f_lin_is_f_bit_for_bit() {
        for rec in [Recurrence::Dense, Recurrence::Diagonal] {
            let (mut model, mut lin, mut ws) = setup(rec, Activation::Tanh, Readout::All, 0.3, 3);
            model.w.copy_from_slice(&model.w0);
            model.u.copy_from_slice(&model.u0);
            let a = lin.forward(&model).unwrap();
            let b = ws.forward(&model).unwrap();
            assert_eq!(a, b);
            assert_eq!(lin.workspace().pred, ws.pred);
        }
    }

    #[test]
    fn gradient_is_the_derivative_of_the_linearized_loss() {
        // R_lin is quadratic in Theta: a central difference is exact up to rounding.
        for rec in [Recurrence::Dense, Recurrence::Diagonal] {
            for readout in [Readout::Final, Readout::All] {
                let (mut model, mut lin, _) = setup(rec, Activation::Sin, readout, 0.4, 11);
                lin.loss_grad(&mut model).unwrap();
                let mut rng = Rng(5);
                let mut dw = vec![0.0; model.w.len()];
                let mut du = vec![0.0; model.u.len()];
                rng.fill(&mut dw, 1.0);
                rng.fill(&mut du, 1.0);
                let along: f64 = model
                    .grad_w
                    .iter()
                    .zip(&dw)
                    .chain(model.grad_u.iter().zip(&du))
                    .map(|(&g, &v)| g as f64 * v as f64)
                    .sum();
                let h = 1e-2f32;
                let mut loss = |a: f32| {
                    let mut at = model.clone();
                    at.w.iter_mut().zip(&dw).for_each(|(w, v)| *w += a * v);
                    at.u.iter_mut().zip(&du).for_each(|(u, v)| *u += a * v);
                    lin.forward(&at).unwrap()
                };
                let fd = (loss(h) - loss(-h)) / (2.0 * h as f64);
                assert!(
                    (fd - along).abs() <= 2e-3 * along.abs().max(1e-2),
                    "{rec:?} {readout:?}: {fd} vs {along}"
                );
            }
        }
    }

    #[test]
    fn train_is_repeated_loss_grad_steps_and_refuses_batches() {
        let (mut model, mut lin, _) = setup(Recurrence::Dense, Activation::Tanh, Readout::Final, 0.2, 9);
        let mut manual = model.clone();
        lin.reserve(3, 0).unwrap();
        assert!(lin.reserve(3, 2).unwrap_err().contains("full-batch"));
        assert!(lin
            .train(&mut model, 3, 0.5, Projection::None, 2)
            .unwrap_err()
            .contains("full-batch"));
        assert_eq!(lin.train(&mut model, 3, 0.5, Projection::None, 0).unwrap(), 3);
        let losses = lin.workspace().losses[..3].to_vec();
        for s in 0..3 {
            let loss = lin.loss_grad(&mut manual).unwrap();
            assert_eq!(loss, losses[s]);
            for (p, g) in manual.w.iter_mut().zip(&manual.grad_w) {
                *p -= 0.5 * g;
            }
            for (p, g) in manual.u.iter_mut().zip(&manual.grad_u) {
                *p -= 0.5 * g;
            }
        }
        assert_eq!(manual.w, model.w);
        assert_eq!(manual.u, model.u);
        assert!(losses[2] < losses[0]);
    }

    /// The two diagonal forward-mode recursions agree: the teacher sum (tangent.rs, SIMD over
    /// particles, its own forward) along v equals the linearization's JVP (linearize.rs, over batch
    /// rows, on the training forward) of the same neurons moved by V = v, with c = 1:
    /// `(1/M) sum_k <v_k, phi_T(X; theta^k)> = (f_lin(Theta0 + V) - f(Theta0)) / sqrt(M)`.
    #[test]
    fn teacher_sum_equals_the_linearizations_diagonal_jvp() {
        let mut rng = Rng(41);
        // M = 10: one full particle group of 8 and a padded one.
        let (m, d, n, t_len, alpha) = (10, 3, 5, 7, 0.9);
        for act in ACTS {
            let mut teacher = Teacher::new(act, d, alpha, m).unwrap();
            rng.fill(&mut teacher.w, 0.9);
            rng.fill(&mut teacher.u, 0.8);
            rng.fill(&mut teacher.v, 1.0);
            let x = rng.vec(n * t_len * d, 0.6);
            let mut sum = vec![0.0f32; n];
            teacher.sum(&x, n, t_len, &mut sum).unwrap();

            let mut at0 = Model::new(spec(Recurrence::Diagonal, act, Readout::Final, m, d, alpha)).unwrap();
            at0.w.copy_from_slice(&teacher.w);
            at0.u.copy_from_slice(&teacher.u);
            at0.w0.copy_from_slice(&teacher.w);
            at0.u0.copy_from_slice(&teacher.u);
            at0.c.fill(1.0);
            let mut moved = at0.clone();
            for i in 0..m {
                moved.w[i] += teacher.v[i * (1 + d)];
                for q in 0..d {
                    moved.u[i * d + q] += teacher.v[i * (1 + d) + 1 + q];
                }
            }
            let mut lin = Linearization::new(&at0, n, t_len).unwrap();
            lin.data_mut().0.copy_from_slice(&x);
            let f = |lin: &mut Linearization, model: &Model| {
                lin.forward(model).unwrap();
                lin.pred()[..n].iter().map(|&p| p as f64).collect::<Vec<f64>>()
            };
            let (f0, f1) = (f(&mut lin, &at0), f(&mut lin, &moved));
            let size = sum.iter().fold(0.0f64, |a, &s| a.max(s.abs() as f64));
            assert!(size > 1e-2, "{act:?}: a direction with a visible JVP (got {size})");
            for j in 0..n {
                let jvp = (f1[j] - f0[j]) / (m as f64).sqrt();
                assert!(
                    (jvp - sum[j] as f64).abs() <= 2e-5 * size,
                    "{act:?} sample {j}: linearization {jvp} against teacher sum {}",
                    sum[j]
                );
            }
        }
    }
}
