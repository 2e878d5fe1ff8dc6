//! Per-shape buffers for batched forward and backward passes, and their public entry points
//! (the [`Pass`] methods; the GD driver they share lives in [`mod@crate::train`]).
//!
//! User-facing buffers keep the file layout (sample-major):
//!
//! * `x`: `n_max * T * d`, element `(j*T + t)*d + k`;
//! * `y`, `pred`: `n_max` (readout final) or `n_max * T` with element `j*T + t` (readout all).
//!
//! Internally a pass works on a *batch* of `nb` sequences gathered time-major:
//!
//! * `xt`: `T x nb x d` (rows `t*nb + j`), so `X_t` is a contiguous `nb x d` matrix and all
//!   `(t, j)` form one reduction index for the `dU` product;
//! * `h`: `T x nb x m`, the states `h_t`;
//! * `dz`: `T x nb x m`, first the pre-activations, then `sigma'(z_t)` (written by the fused
//!   activation), then overwritten in place by the backward pass with `dZ_t`;
//! * `dh`: `nb x m`, the running `dL/dh_t`;
//! * `yt`, `f` (f64 predictions), `r` (f32 residuals): `nb` or `T x nb` (rows `t*nb + j`).
//!
//! Every buffer is allocated in [`Workspace::new`] or [`Pass::reserve`] and never
//! resized afterwards, so raw pointers into them stay valid between those calls.

use crate::model::{Model, Readout, Recurrence, Spec};
use crate::train::{Descent, Outputs, Pass};
use crate::{dense, diagonal, readout};

/// Largest number of f32/f64 elements one buffer may hold (keeps wasm32 sizes sane).
const MAX_ELEMS: usize = 1 << 29;

/// Buffers of one (model shape, n_max, T).
pub struct Workspace {
    pub(crate) spec: Spec,
    pub(crate) t_len: usize,
    pub(crate) n_max: usize,
    pub(crate) n: usize,
    /// Inputs, `n_max * T * d`, sample-major.
    pub x: Vec<f32>,
    /// Targets, `n_max` or `n_max * T`.
    pub y: Vec<f32>,
    /// Predictions written by [`Pass::forward`], same layout as `y`.
    pub pred: Vec<f32>,
    /// Sequences in the current batch.
    pub(crate) nb: usize,
    pub(crate) xt: Vec<f32>,
    pub(crate) yt: Vec<f32>,
    pub(crate) f: Vec<f64>,
    pub(crate) r: Vec<f32>,
    pub(crate) h: Vec<f32>,
    pub(crate) dz: Vec<f32>,
    pub(crate) dh: Vec<f32>,
    pub(crate) backup_w: Vec<f32>,
    pub(crate) backup_u: Vec<f32>,
    /// Per-step loss R(Theta(s)) before the step (f64), capacity set by `reserve`.
    pub losses: Vec<f64>,
    /// Per-step gradient norm before the step (f64), capacity set by `reserve`.
    pub grad_norms: Vec<f64>,
    /// Mini-batch sample indices, `steps * batch`, filled by the caller.
    pub batch: Vec<u32>,
}

pub(crate) fn checked_len(factors: &[usize], what: &str) -> Result<usize, String> {
    let mut n: usize = 1;
    for &f in factors {
        n = n.checked_mul(f).ok_or_else(|| format!("{what}: size overflow"))?;
    }
    if n > MAX_ELEMS {
        return Err(format!("{what}: {n} elements is too large (max {MAX_ELEMS})"));
    }
    Ok(n)
}

impl Workspace {
    /// Allocates every buffer for up to `n_max` sequences of length `t_len`.
    ///
    /// # Example
    ///
    /// ```
    /// use rnn_core::{Activation, Model, Pass, Readout, Recurrence, Spec, Workspace};
    ///
    /// let (recurrence, activation, readout) = (Recurrence::Dense, Activation::Tanh, Readout::Final);
    /// let spec = Spec { recurrence, activation, readout, m: 4, d: 2, alpha: 0.5 };
    /// let model = Model::new(spec).unwrap(); // all parameters 0, so f = 0
    /// let mut ws = Workspace::new(&spec, 3, 5).unwrap();
    /// assert_eq!((ws.x.len(), ws.y.len()), (3 * 5 * 2, 3));
    /// ws.x.fill(0.1);
    /// ws.y.fill(1.0);
    /// assert_eq!(ws.forward(&model).unwrap(), 0.5); // 1/(2n) sum (0 - 1)^2
    /// assert!(Workspace::new(&spec, 0, 5).is_err());
    /// ```
    pub fn new(spec: &Spec, n_max: usize, t_len: usize) -> Result<Workspace, String> {
        spec.validate()?;
        if n_max < 1 {
            return Err(format!("n_max must be >= 1 (got {n_max})"));
        }
        if t_len < 1 {
            return Err(format!("t must be >= 1 (got {t_len})"));
        }
        let (m, d) = (spec.m, spec.d);
        let per_y = spec.readout.targets_per_sequence(t_len);
        let x_len = checked_len(&[n_max, t_len, d], "x")?;
        let y_len = checked_len(&[n_max, per_y], "y")?;
        let h_len = checked_len(&[n_max, t_len, m], "hidden states")?;
        Ok(Workspace {
            spec: *spec,
            t_len,
            n_max,
            n: n_max,
            x: vec![0.0; x_len],
            y: vec![0.0; y_len],
            pred: vec![0.0; y_len],
            nb: 0,
            xt: vec![0.0; x_len],
            yt: vec![0.0; y_len],
            f: vec![0.0; y_len],
            r: vec![0.0; y_len],
            h: vec![0.0; h_len],
            dz: vec![0.0; h_len],
            dh: vec![0.0; n_max * m],
            backup_w: vec![0.0; spec.w_len()],
            backup_u: vec![0.0; spec.u_len()],
            losses: Vec::new(),
            grad_norms: Vec::new(),
            batch: Vec::new(),
        })
    }

    pub fn spec(&self) -> &Spec {
        &self.spec
    }

    /// Bytes of every buffer (tests of [`crate::sizes`]).
    #[cfg(test)]
    pub(crate) fn allocated_bytes(&self) -> u64 {
        use crate::sizes::bytes_of;
        let f32s = [
            &self.x, &self.y, &self.pred, &self.xt, &self.yt, &self.r, &self.h, &self.dz, &self.dh,
        ];
        let f32s: u64 = f32s
            .iter()
            .chain(&[&self.backup_w, &self.backup_u])
            .map(|v| bytes_of(v))
            .sum();
        f32s + bytes_of(&self.f) + bytes_of(&self.losses) + bytes_of(&self.grad_norms) + bytes_of(&self.batch)
    }

    /// Checks that `model` has the shape this workspace was built for.
    pub(crate) fn check_model(&self, model: &Model) -> Result<(), String> {
        let (a, b) = (&self.spec, &model.spec);
        if a.m != b.m || a.d != b.d || a.recurrence != b.recurrence || a.readout != b.readout {
            return Err("model shape (m, d, recurrence, readout) differs from the workspace's".into());
        }
        Ok(())
    }

    /// Copies the batch (`indices`, or the first `n` sequences) into the time-major buffers.
    pub(crate) fn gather(&mut self, indices: Option<&[u32]>) {
        let (t_len, d) = (self.t_len, self.spec.d);
        let nb = indices.map_or(self.n, |ix| ix.len());
        self.nb = nb;
        let all = self.spec.readout == Readout::All;
        for jj in 0..nb {
            let j = indices.map_or(jj, |ix| ix[jj] as usize);
            for t in 0..t_len {
                let src = (j * t_len + t) * d;
                let dst = (t * nb + jj) * d;
                self.xt[dst..dst + d].copy_from_slice(&self.x[src..src + d]);
                if all {
                    self.yt[t * nb + jj] = self.y[j * t_len + t];
                }
            }
            if !all {
                self.yt[jj] = self.y[j];
            }
        }
    }

    /// Forward pass over the gathered batch: states, sigma'(z), predictions `f`.
    pub(crate) fn forward_batch(&mut self, model: &Model) {
        let (nb, t_len) = (self.nb, self.t_len);
        match model.spec.recurrence {
            Recurrence::Dense => dense::forward(model, nb, t_len, &self.xt, &mut self.h, &mut self.dz),
            Recurrence::Diagonal => diagonal::forward(model, nb, t_len, &self.xt, &mut self.h, &mut self.dz),
        }
        readout::predict(model, nb, t_len, &self.h, &mut self.f);
    }

    /// Loss and gradient over the gathered batch into `model.grad_w`, `model.grad_u`.
    pub(crate) fn loss_grad_batch(&mut self, model: &mut Model) -> f64 {
        self.forward_batch(model);
        let loss = self.batch_loss();
        let grads = (&mut model.grad_w[..], &mut model.grad_u[..]);
        self.backward(&model.spec, &model.w, &model.c, grads);
        loss
    }

    /// Outputs of the gathered batch: `nb` (readout final) or `nb * T` (readout all).
    pub(crate) fn outputs_len(&self) -> usize {
        self.nb * self.spec.readout.targets_per_sequence(self.t_len)
    }

    /// Loss `1/(2 len) sum (f - y)^2` of the batch's outputs `f` (f64), residuals into `r`.
    pub(crate) fn batch_loss(&mut self) -> f64 {
        let len = self.outputs_len();
        readout::loss_and_residuals(&self.f[..len], &self.yt[..len], &mut self.r[..len])
    }

    /// BPTT of the batch at the weights `w`, seeded with the residuals `r` and the output signs
    /// `c`, from the states `h` and `dz` = sigma'(z); the gradient into `grads` (w, u).
    pub(crate) fn backward(&mut self, spec: &Spec, w: &[f32], c: &[f32], grads: (&mut [f32], &mut [f32])) {
        let (nb, t_len, len) = (self.nb, self.t_len, self.outputs_len());
        let all = spec.readout == Readout::All;
        let seed = readout::Seed {
            r: &self.r[..len],
            all,
            c,
        };
        let (xt, h, dz, dh, grads) = (&self.xt, &self.h, &mut self.dz, &mut self.dh, Some(grads));
        match spec.recurrence {
            Recurrence::Dense => dense::backward(spec, w, nb, t_len, &seed, xt, h, dz, dh, grads),
            Recurrence::Diagonal => diagonal::backward(spec, w, nb, t_len, &seed, xt, h, dz, dh, grads),
        }
    }

    /// The batch's outputs `f` (time-major, f64) into `pred` (layout of `y`, f32).
    pub(crate) fn write_predictions(&mut self) {
        let (nb, t_len) = (self.nb, self.t_len);
        if self.spec.readout == Readout::All {
            for j in 0..nb {
                for t in 0..t_len {
                    self.pred[j * t_len + t] = self.f[t * nb + j] as f32;
                }
            }
        } else {
            for j in 0..nb {
                self.pred[j] = self.f[j] as f32;
            }
        }
    }
}

impl Pass for Workspace {
    fn data_mut(&mut self) -> (&mut [f32], &mut [f32]) {
        (&mut self.x, &mut self.y)
    }
    fn outputs_mut(&mut self) -> Outputs<'_> {
        self.outputs()
    }
    fn set_n(&mut self, n: usize) -> Result<(), String> {
        if n < 1 || n > self.n_max {
            return Err(format!("n must be in 1..={} (got {n})", self.n_max));
        }
        self.n = n;
        Ok(())
    }
    fn reserve(&mut self, steps: usize, batch: usize) -> Result<(), String> {
        if batch > self.n_max {
            return Err(format!("batch must be <= n_max = {} (got {batch})", self.n_max));
        }
        let idx = checked_len(&[steps, batch], "batch indices")?;
        checked_len(&[steps], "steps")?;
        if self.losses.len() < steps {
            self.losses.resize(steps, 0.0);
            self.grad_norms.resize(steps, 0.0);
        }
        if self.batch.len() < idx {
            self.batch.resize(idx, 0);
        }
        Ok(())
    }
    fn forward(&mut self, model: &Model) -> Result<f64, String> {
        self.check_model(model)?;
        self.gather(None);
        self.forward_batch(model);
        let loss = self.batch_loss();
        self.write_predictions();
        Ok(loss)
    }
    fn loss_grad(&mut self, model: &mut Model) -> Result<f64, String> {
        self.check_model(model)?;
        self.gather(None);
        Ok(self.loss_grad_batch(model))
    }
}

/// The network's steps: the first `n` sequences, or step `s`'s mini-batch gathered per step.
impl Descent for Workspace {
    const MINI_BATCHES: bool = true;
    fn ws(&self) -> &Workspace {
        self
    }
    fn ws_mut(&mut self) -> &mut Workspace {
        self
    }
    fn begin(&mut self, _model: &Model, batch: usize) -> Result<(), String> {
        if batch == 0 {
            self.gather(None);
        }
        Ok(())
    }
    fn step_loss_grad(&mut self, model: &mut Model, s: usize, batch: usize) -> f64 {
        if batch > 0 {
            // Gather reads `batch` while writing other buffers: take the indices out briefly.
            let idx = core::mem::take(&mut self.batch);
            self.gather(Some(&idx[s * batch..(s + 1) * batch]));
            self.batch = idx;
        }
        self.loss_grad_batch(model)
    }
}
