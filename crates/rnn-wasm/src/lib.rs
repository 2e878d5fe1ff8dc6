//! wasm-bindgen bindings over `rnn-core`: handle classes and raw byte offsets for zero-copy
//! typed-array views. Nothing numeric lives here; see `API.md` for the contract.
//!
//! Memory only grows in constructors and in `Workspace::reserve`; pointers returned by the
//! `*_ptr` methods stay valid until the object is freed (or, for the per-step outputs and batch
//! indices, until the next `reserve`). Views must still be re-created if any *other* object's
//! construction grew the memory (the `ArrayBuffer` of `memory.buffer` is then replaced).

mod bench;

use rnn_core::model::{Activation, Readout, Recurrence, Spec};
use rnn_core::{Projection, Teacher as CoreTeacher};
use wasm_bindgen::prelude::*;

fn err(msg: String) -> JsError {
    JsError::new(&msg)
}

fn recurrence(code: u32) -> Result<Recurrence, JsError> {
    match code {
        0 => Ok(Recurrence::Dense),
        1 => Ok(Recurrence::Diagonal),
        _ => Err(err(format!(
            "recurrence code must be 0 (dense) or 1 (diagonal) (got {code})"
        ))),
    }
}

fn activation(code: u32) -> Result<Activation, JsError> {
    match code {
        0 => Ok(Activation::Tanh),
        1 => Ok(Activation::Sigmoid),
        2 => Ok(Activation::Sin),
        3 => Ok(Activation::Relu),
        _ => Err(err(format!(
            "activation code must be 0 (tanh), 1 (sigmoid), 2 (sin) or 3 (relu) (got {code})"
        ))),
    }
}

fn readout(code: u32) -> Result<Readout, JsError> {
    match code {
        0 => Ok(Readout::Final),
        1 => Ok(Readout::All),
        _ => Err(err(format!("readout code must be 0 (final) or 1 (all) (got {code})"))),
    }
}

fn finite_f32(name: &str, v: f64) -> Result<f32, JsError> {
    let f = v as f32;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(err(format!("{name} must be a finite float32 (got {v})")))
    }
}

/// True when this build was compiled with SIMD128.
#[wasm_bindgen]
pub fn simd_enabled() -> bool {
    rnn_core::simd::simd_enabled()
}

/// Parameters `W, U`, initialization `W0, U0`, output signs `c` and the gradient.
#[wasm_bindgen]
pub struct Model {
    inner: rnn_core::Model,
}

#[wasm_bindgen]
impl Model {
    /// `recurrence`: 0 dense, 1 diagonal; `activation`: 0 tanh, 1 sigmoid, 2 sin, 3 relu;
    /// `readout`: 0 final, 1 all; `m` even >= 2; `d` >= 1; `alpha` finite.
    #[wasm_bindgen(constructor)]
    pub fn new(
        recurrence_code: u32,
        activation_code: u32,
        readout_code: u32,
        m: u32,
        d: u32,
        alpha: f64,
    ) -> Result<Model, JsError> {
        let spec = Spec {
            recurrence: recurrence(recurrence_code)?,
            activation: activation(activation_code)?,
            readout: readout(readout_code)?,
            m: m as usize,
            d: d as usize,
            alpha: finite_f32("alpha", alpha)?,
        };
        Ok(Model {
            inner: rnn_core::Model::new(spec).map_err(err)?,
        })
    }
    pub fn w_len(&self) -> usize {
        self.inner.w.len()
    }
    pub fn u_len(&self) -> usize {
        self.inner.u.len()
    }
    /// P = w_len + u_len, the length of one per-sample gradient row.
    pub fn param_len(&self) -> usize {
        self.inner.spec.param_len()
    }
    pub fn m(&self) -> usize {
        self.inner.spec.m
    }
    pub fn d(&self) -> usize {
        self.inner.spec.d
    }
    pub fn w_ptr(&self) -> usize {
        self.inner.w.as_ptr() as usize
    }
    pub fn u_ptr(&self) -> usize {
        self.inner.u.as_ptr() as usize
    }
    pub fn w0_ptr(&self) -> usize {
        self.inner.w0.as_ptr() as usize
    }
    pub fn u0_ptr(&self) -> usize {
        self.inner.u0.as_ptr() as usize
    }
    pub fn c_ptr(&self) -> usize {
        self.inner.c.as_ptr() as usize
    }
    pub fn grad_w_ptr(&self) -> usize {
        self.inner.grad_w.as_ptr() as usize
    }
    pub fn grad_u_ptr(&self) -> usize {
        self.inner.grad_u.as_ptr() as usize
    }
    /// Projects the parameters: `kind` 0 none, 1 max-norm (per neuron, radius rho/sqrt m),
    /// 2 l2 (whole vector, radius rho); `rho` finite and >= 0.
    pub fn project(&mut self, kind: u32, rho: f64) -> Result<(), JsError> {
        let p = Projection::from_code(kind, rho).map_err(err)?;
        rnn_core::project(&mut self.inner, p);
        Ok(())
    }
}

/// Data and every BPTT buffer for one model shape and up to `n_max` sequences of length `t`.
#[wasm_bindgen]
pub struct Workspace {
    inner: rnn_core::Workspace,
}

#[wasm_bindgen]
impl Workspace {
    #[wasm_bindgen(constructor)]
    pub fn new(model: &Model, n_max: u32, t: u32) -> Result<Workspace, JsError> {
        Ok(Workspace {
            inner: rnn_core::Workspace::new(&model.inner.spec, n_max as usize, t as usize).map_err(err)?,
        })
    }
    /// f32 `n_max * t * d`, element `(j*t + s)*d + k`.
    pub fn x_ptr(&self) -> usize {
        self.inner.x.as_ptr() as usize
    }
    /// f32 `n_max` (readout final) or `n_max * t` (readout all, element `j*t + s`).
    pub fn y_ptr(&self) -> usize {
        self.inner.y.as_ptr() as usize
    }
    /// f32, layout of y.
    pub fn pred_ptr(&self) -> usize {
        self.inner.pred.as_ptr() as usize
    }
    pub fn n_max(&self) -> usize {
        self.inner.n_max()
    }
    pub fn t(&self) -> usize {
        self.inner.t()
    }
    pub fn n(&self) -> usize {
        self.inner.n()
    }
    pub fn set_n(&mut self, n: u32) -> Result<(), JsError> {
        self.inner.set_n(n as usize).map_err(err)
    }
    /// Predictions of the first n sequences into pred; returns the loss (f64).
    pub fn forward(&mut self, model: &Model) -> Result<f64, JsError> {
        self.inner.forward(&model.inner).map_err(err)
    }
    /// Loss (f64) and the full-data gradient into the model's grad buffers.
    pub fn loss_grad(&mut self, model: &mut Model) -> Result<f64, JsError> {
        self.inner.loss_grad(&mut model.inner).map_err(err)
    }
    /// Capacity for `steps` per-step outputs and `steps * batch` batch indices (may grow memory;
    /// re-read losses_ptr, grad_norms_ptr, batch_ptr afterwards).
    pub fn reserve(&mut self, steps: u32, batch: u32) -> Result<(), JsError> {
        self.inner.reserve(steps as usize, batch as usize).map_err(err)
    }
    /// f64 per-step losses R(Theta(s)) before each step.
    pub fn losses_ptr(&self) -> usize {
        self.inner.losses.as_ptr() as usize
    }
    /// f64 per-step gradient norms before each step.
    pub fn grad_norms_ptr(&self) -> usize {
        self.inner.grad_norms.as_ptr() as usize
    }
    /// u32 batch indices, step s uses `[s*batch, (s+1)*batch)`.
    pub fn batch_ptr(&self) -> usize {
        self.inner.batch.as_ptr() as usize
    }
    /// Runs up to `steps` (projected) GD steps; `batch` 0 = full data. Returns the number of
    /// completed steps (fewer only if a loss, gradient or parameter became non-finite; the
    /// parameters are then those after the last completed step).
    pub fn train(
        &mut self,
        model: &mut Model,
        steps: u32,
        eta: f64,
        proj_kind: u32,
        rho: f64,
        batch: u32,
    ) -> Result<u32, JsError> {
        let proj = Projection::from_code(proj_kind, rho).map_err(err)?;
        let eta = finite_f32("eta", eta)?;
        let done = rnn_core::train(
            &mut self.inner,
            &mut model.inner,
            steps as usize,
            eta,
            proj,
            batch as usize,
        )
        .map_err(err)?;
        Ok(done as u32)
    }
}

/// The model linearized at its initialization (W0, U0): the same methods as `Workspace`
/// (predictions, loss, gradient and full-batch GD are those of f_lin; `batch` must be 0).
#[wasm_bindgen]
pub struct Linearization {
    inner: rnn_core::Linearization,
}

#[wasm_bindgen]
impl Linearization {
    #[wasm_bindgen(constructor)]
    pub fn new(model: &Model, n_max: u32, t: u32) -> Result<Linearization, JsError> {
        Ok(Linearization {
            inner: rnn_core::Linearization::new(&model.inner, n_max as usize, t as usize).map_err(err)?,
        })
    }
    /// f32 `n_max * t * d`, element `(j*t + s)*d + k`; call `set_n` after writing.
    pub fn x_ptr(&self) -> usize {
        self.inner.workspace().x.as_ptr() as usize
    }
    /// f32 `n_max` (readout final) or `n_max * t` (readout all).
    pub fn y_ptr(&self) -> usize {
        self.inner.workspace().y.as_ptr() as usize
    }
    pub fn pred_ptr(&self) -> usize {
        self.inner.workspace().pred.as_ptr() as usize
    }
    pub fn n_max(&self) -> usize {
        self.inner.workspace().n_max()
    }
    pub fn t(&self) -> usize {
        self.inner.workspace().t()
    }
    pub fn n(&self) -> usize {
        self.inner.workspace().n()
    }
    /// Sets the number of sequences; the pass at the initialization re-runs on the next call.
    pub fn set_n(&mut self, n: u32) -> Result<(), JsError> {
        self.inner.set_n(n as usize).map_err(err)
    }
    pub fn forward(&mut self, model: &Model) -> Result<f64, JsError> {
        self.inner.forward(&model.inner).map_err(err)
    }
    pub fn loss_grad(&mut self, model: &mut Model) -> Result<f64, JsError> {
        self.inner.loss_grad(&mut model.inner).map_err(err)
    }
    /// Capacity for `steps` per-step outputs (`batch` must be 0).
    pub fn reserve(&mut self, steps: u32, batch: u32) -> Result<(), JsError> {
        if batch != 0 {
            return Err(err("the linearized model has no mini-batches (batch must be 0)".into()));
        }
        self.inner.reserve(steps as usize).map_err(err)
    }
    pub fn losses_ptr(&self) -> usize {
        self.inner.workspace().losses.as_ptr() as usize
    }
    pub fn grad_norms_ptr(&self) -> usize {
        self.inner.workspace().grad_norms.as_ptr() as usize
    }
    pub fn batch_ptr(&self) -> usize {
        self.inner.workspace().batch.as_ptr() as usize
    }
    pub fn train(
        &mut self,
        model: &mut Model,
        steps: u32,
        eta: f64,
        proj_kind: u32,
        rho: f64,
        batch: u32,
    ) -> Result<u32, JsError> {
        let proj = Projection::from_code(proj_kind, rho).map_err(err)?;
        let eta = finite_f32("eta", eta)?;
        let done = self
            .inner
            .train(&mut model.inner, steps as usize, eta, proj, batch as usize)
            .map_err(err)?;
        Ok(done as u32)
    }
}

/// Buffers for tangent features, per-sample gradients and NTK Gram matrices.
#[wasm_bindgen]
pub struct Features {
    inner: rnn_core::Features,
}

#[wasm_bindgen]
impl Features {
    /// Allocates x (`n_max*t*d`), the per-sample gradients (`n_max*P`), the Gram matrix
    /// (`n_max^2`) and, for the diagonal model, the tangent features (`n_max*m*(1+d)`).
    #[wasm_bindgen(constructor)]
    pub fn new(model: &Model, n_max: u32, t: u32) -> Result<Features, JsError> {
        Ok(Features {
            inner: rnn_core::Features::new(&model.inner.spec, n_max as usize, t as usize).map_err(err)?,
        })
    }
    pub fn x_ptr(&mut self) -> usize {
        self.inner.x_mut().as_ptr() as usize
    }
    pub fn n_max(&self) -> usize {
        self.inner.n_max()
    }
    pub fn t(&self) -> usize {
        self.inner.t()
    }
    pub fn n(&self) -> usize {
        self.inner.n()
    }
    pub fn set_n(&mut self, n: u32) -> Result<(), JsError> {
        self.inner.set_n(n as usize).map_err(err)
    }
    /// f32 `n * m * (1+d)`, element `(j*m + i)*(1+d) + q` (q = 0: w-component). Diagonal only.
    pub fn tangent_ptr(&self) -> usize {
        self.inner.tangent.as_ptr() as usize
    }
    /// f32 `n * P`, row j = `[dW (w_len), dU (u_len)]` of f(X_j).
    pub fn jacobian_ptr(&self) -> usize {
        self.inner.jac.as_ptr() as usize
    }
    /// f32 `n * n`, row-major with stride n (the current n, not n_max).
    pub fn gram_ptr(&self) -> usize {
        self.inner.gram.as_ptr() as usize
    }
    pub fn tangent_features(&mut self, model: &Model) -> Result<(), JsError> {
        self.inner.tangent_features(&model.inner).map_err(err)
    }
    pub fn per_sample_gradients(&mut self, model: &Model) -> Result<(), JsError> {
        self.inner.per_sample_gradients(&model.inner).map_err(err)
    }
    pub fn ntk_gram(&mut self, model: &Model) -> Result<(), JsError> {
        self.inner.ntk_gram(&model.inner).map_err(err)
    }
}

/// Teacher particles of the diagonal function class and the fused teacher sum.
#[wasm_bindgen]
pub struct Teacher {
    inner: CoreTeacher,
    x: Vec<f32>,
    out: Vec<f32>,
    n_max: usize,
    t_len: usize,
    n: usize,
}

#[wasm_bindgen]
impl Teacher {
    /// `count` particles of input dimension `d`; inputs for up to `n_max` sequences of length t.
    #[wasm_bindgen(constructor)]
    pub fn new(activation_code: u32, d: u32, alpha: f64, count: u32, n_max: u32, t: u32) -> Result<Teacher, JsError> {
        let (n_max, t_len) = (n_max as usize, t as usize);
        if n_max < 1 || t_len < 1 {
            return Err(err(format!("n_max and t must be >= 1 (got {n_max}, {t_len})")));
        }
        let inner = CoreTeacher::new(
            activation(activation_code)?,
            d as usize,
            finite_f32("alpha", alpha)?,
            count as usize,
        )
        .map_err(err)?;
        let x_len = n_max
            .checked_mul(t_len)
            .and_then(|v| v.checked_mul(d as usize))
            .filter(|&v| v <= 1 << 29);
        let x_len = x_len.ok_or_else(|| err("teacher x: too large".into()))?;
        Ok(Teacher {
            inner,
            x: vec![0.0; x_len],
            out: vec![0.0; n_max],
            n_max,
            t_len,
            n: n_max,
        })
    }
    pub fn count(&self) -> usize {
        self.inner.count()
    }
    /// f32 `count`.
    pub fn w_ptr(&self) -> usize {
        self.inner.w.as_ptr() as usize
    }
    /// f32 `count * d`, element `k*d + q`.
    pub fn u_ptr(&self) -> usize {
        self.inner.u.as_ptr() as usize
    }
    /// f32 `count * (1+d)`, element `k*(1+d) + q` (q = 0: v_w).
    pub fn v_ptr(&self) -> usize {
        self.inner.v.as_ptr() as usize
    }
    /// f32 `n_max * t * d`, sample-major.
    pub fn x_ptr(&self) -> usize {
        self.x.as_ptr() as usize
    }
    /// f32 `n_max`: `out[j] = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` after `sum`.
    pub fn out_ptr(&self) -> usize {
        self.out.as_ptr() as usize
    }
    pub fn n_max(&self) -> usize {
        self.n_max
    }
    pub fn t(&self) -> usize {
        self.t_len
    }
    pub fn set_n(&mut self, n: u32) -> Result<(), JsError> {
        if n < 1 || n as usize > self.n_max {
            return Err(err(format!("n must be in 1..={} (got {n})", self.n_max)));
        }
        self.n = n as usize;
        Ok(())
    }
    /// Computes `out[j]` for the first n sequences of x.
    pub fn sum(&mut self) -> Result<(), JsError> {
        self.inner.sum(&self.x, self.n, self.t_len, &mut self.out).map_err(err)
    }
}

/// Householder tridiagonalization of the row-major `n x n` symmetric float64 matrix `a` (lower
/// triangle read, overwritten): `d`, `e`, `tau` (n values) and the reflectors `v` (n*n) are
/// written; see `rnn_core::tridiagonal`.
#[wasm_bindgen]
pub fn tridiagonalize(
    a: &mut [f64],
    n: usize,
    d: &mut [f64],
    e: &mut [f64],
    v: &mut [f64],
    tau: &mut [f64],
) -> Result<(), JsError> {
    let nn = n
        .checked_mul(n)
        .ok_or_else(|| err(format!("tridiagonalize: n = {n} is too large")))?;
    if n == 0 || a.len() != nn || v.len() != nn || d.len() != n || e.len() != n || tau.len() != n {
        return Err(err(format!(
            "tridiagonalize: expected a and v of n*n values and d, e, tau of n values for n = {n} >= 1 \
             (got {}, {}, {}, {}, {})",
            a.len(),
            v.len(),
            d.len(),
            e.len(),
            tau.len()
        )));
    }
    rnn_core::tridiagonal::tridiagonalize(a, n, d, e, v, tau);
    Ok(())
}
