//! The trainable passes over one data set, [`Pass`] (the network's [`Workspace`] and its
//! [`crate::Linearization`]), and the one (projected, optionally mini-batch) gradient-descent
//! driver both run: its checks, its step buffers and its early stop live here only.

use crate::model::Model;
use crate::projection::{project, Projection};
use crate::workspace::Workspace;

/// Data, predictions, loss, gradient and GD of one model shape on up to `n_max` sequences:
/// implemented by the network ([`Workspace`]) and by its linearization at the initialization
/// ([`crate::Linearization`]), so that a binding or a caller uses both alike.
pub trait Pass: Descent {
    /// Data, predictions and per-step outputs (read-only).
    fn workspace(&self) -> &Workspace {
        self.ws()
    }
    /// Capacity in sequences.
    fn n_max(&self) -> usize {
        self.workspace().n_max
    }
    /// Sequence length T.
    fn t(&self) -> usize {
        self.workspace().t_len
    }
    /// Valid sequences in `x`/`y`, set by [`Pass::set_n`].
    fn n(&self) -> usize {
        self.workspace().n
    }
    /// Inputs, `n_max * T * d`, sample-major (element `(j*T + t)*d + k`).
    fn x(&self) -> &[f32] {
        &self.workspace().x
    }
    /// Targets, `n_max` (readout final) or `n_max * T` (element `j*T + t`).
    fn y(&self) -> &[f32] {
        &self.workspace().y
    }
    /// Predictions written by [`Pass::forward`], layout of `y`.
    fn pred(&self) -> &[f32] {
        &self.workspace().pred
    }
    /// Inputs and targets to write (call [`Pass::set_n`] afterwards).
    fn data_mut(&mut self) -> (&mut [f32], &mut [f32]);
    /// The outputs of the passes, writable for a binding that copies them in or out (the batch
    /// indices are the caller's input to [`Pass::train`]).
    fn outputs_mut(&mut self) -> Outputs<'_>;
    /// Sets the number of valid sequences in `x`/`y` (1..=n_max).
    fn set_n(&mut self, n: usize) -> Result<(), String>;
    /// Predictions for the first `n` sequences into `pred` (layout of `y`); returns the loss
    /// `1/(2n) sum (f-y)^2` (or `1/(2nT)`, readout all), accumulated in f64.
    fn forward(&mut self, model: &Model) -> Result<f64, String>;
    /// Loss and full-data gradient (first `n` sequences) into the model's gradient buffers.
    fn loss_grad(&mut self, model: &mut Model) -> Result<f64, String>;
    /// Sizes the per-step outputs for `steps` steps and the batch indices for `steps * batch`.
    /// The only call besides construction that allocates; it never shrinks.
    fn reserve(&mut self, steps: usize, batch: usize) -> Result<(), String>;
    /// Runs up to `steps` steps of `Theta <- P(Theta - eta * grad R(Theta))`.
    ///
    /// With `batch == 0` each step uses the first `n` sequences; otherwise step `s` uses the
    /// sample indices `batch[s*batch..(s+1)*batch]` (loss normalized by `batch`). Step `s` writes
    /// the pre-step loss `R(Theta(s))` into `losses[s]` and `||grad||` into `grad_norms[s]`.
    ///
    /// Stops early, leaving the parameters at their last finite values, if a loss, a gradient or
    /// an updated parameter is non-finite; returns the number of completed (applied) steps.
    /// Nothing is allocated.
    ///
    /// # Example
    ///
    /// ```
    /// use rnn_core::{Activation, Model, Pass, Projection, Readout, Recurrence, Spec, Workspace};
    ///
    /// let (recurrence, activation, readout) = (Recurrence::Diagonal, Activation::Tanh, Readout::Final);
    /// let spec = Spec { recurrence, activation, readout, m: 4, d: 1, alpha: 0.5 };
    /// let mut model = Model::new(spec).unwrap();
    /// model.u.copy_from_slice(&[0.5, -0.25, 0.75, -0.5]);
    /// model.u0.copy_from_slice(&model.u);
    /// let mut ws = Workspace::new(&spec, 2, 3).unwrap();
    /// ws.x.copy_from_slice(&[0.1, 0.2, 0.3, -0.3, -0.2, -0.1]);
    /// ws.y.copy_from_slice(&[0.5, -0.5]);
    /// ws.reserve(50, 0).unwrap(); // capacity for 50 per-step losses and gradient norms
    /// let done = ws.train(&mut model, 50, 0.5, Projection::MaxNorm(1.0), 0).unwrap();
    /// assert_eq!(done, 50);
    /// assert!(ws.losses[49] < ws.losses[0]);
    /// ```
    fn train(
        &mut self,
        model: &mut Model,
        steps: usize,
        eta: f32,
        proj: Projection,
        batch: usize,
    ) -> Result<usize, String> {
        train(self, model, steps, eta, proj, batch)
    }
}

/// The outputs of a pass: predictions, per-step losses and gradient norms, batch indices.
pub struct Outputs<'a> {
    pub pred: &'a mut [f32],
    pub losses: &'a mut [f64],
    pub grad_norms: &'a mut [f64],
    pub batch: &'a mut [u32],
}

impl Workspace {
    pub(crate) fn outputs(&mut self) -> Outputs<'_> {
        Outputs {
            pred: &mut self.pred,
            losses: &mut self.losses,
            grad_norms: &mut self.grad_norms,
            batch: &mut self.batch,
        }
    }
}

/// The driver's side of a pass, sealed: public only as the supertrait of [`Pass`], so that the
/// core's passes alone implement it and no caller sees these methods.
mod sealed {
    use crate::model::Model;
    use crate::workspace::Workspace;

    /// What the GD driver asks of a pass besides its workspace.
    pub trait Descent {
        /// False: the pass refuses `batch > 0` (in `reserve` and `train`, with `NO_MINI_BATCHES`).
        const MINI_BATCHES: bool;
        fn ws(&self) -> &Workspace;
        fn ws_mut(&mut self) -> &mut Workspace;
        /// Runs once after the checks, before the first step (`batch` as given to `train`).
        fn begin(&mut self, model: &Model, batch: usize) -> Result<(), String>;
        /// Loss of step `s` at the current parameters; its gradient into `model.grad_w`/`grad_u`.
        fn step_loss_grad(&mut self, model: &mut Model, s: usize, batch: usize) -> f64;
    }
}
pub(crate) use sealed::Descent;

/// The refusal of a pass without mini-batches.
pub(crate) const NO_MINI_BATCHES: &str =
    "the linearized model trains by full-batch gradient descent only (batch must be 0)";

/// The one GD driver ([`Pass::train`] of every pass): checks the arguments against the pass's
/// reserved capacity, then runs [`descend`] with the step buffers taken out of the workspace.
pub(crate) fn train<P: Descent + ?Sized>(
    pass: &mut P,
    model: &mut Model,
    steps: usize,
    eta: f32,
    proj: Projection,
    batch: usize,
) -> Result<usize, String> {
    if batch > 0 && !P::MINI_BATCHES {
        return Err(NO_MINI_BATCHES.into());
    }
    let ws = pass.ws();
    ws.check_model(model)?;
    if !eta.is_finite() {
        return Err(format!("eta must be finite (got {eta})"));
    }
    if steps > ws.losses.len() {
        return Err(format!(
            "steps = {steps} exceeds the reserved capacity {} (call reserve)",
            ws.losses.len()
        ));
    }
    if batch > 0 {
        if batch > ws.n_max {
            return Err(format!("batch must be <= n_max = {} (got {batch})", ws.n_max));
        }
        let need = steps * batch;
        if need > ws.batch.len() {
            return Err(format!(
                "steps * batch = {need} exceeds the reserved batch capacity {}",
                ws.batch.len()
            ));
        }
        if let Some(bad) = ws.batch[..need].iter().find(|&&k| k as usize >= ws.n) {
            return Err(format!("batch index {bad} is out of range (n = {})", ws.n));
        }
    }
    pass.begin(model, batch)?;
    // The loop borrows the step buffers while the pass borrows the rest of its workspace.
    let mut buffers = StepBuffers::take(pass.ws_mut());
    let done = descend(model, steps, eta, proj, &mut buffers, |s, model| {
        pass.step_loss_grad(model, s, batch)
    });
    buffers.restore(pass.ws_mut());
    Ok(done)
}

/// What a GD loop writes besides the parameters: per-step loss and gradient norm, and room to
/// undo a step that overflows (moved out of the workspace for the loop, then back).
struct StepBuffers {
    losses: Vec<f64>,
    grad_norms: Vec<f64>,
    backup_w: Vec<f32>,
    backup_u: Vec<f32>,
}

impl StepBuffers {
    fn take(ws: &mut Workspace) -> StepBuffers {
        StepBuffers {
            losses: core::mem::take(&mut ws.losses),
            grad_norms: core::mem::take(&mut ws.grad_norms),
            backup_w: core::mem::take(&mut ws.backup_w),
            backup_u: core::mem::take(&mut ws.backup_u),
        }
    }
    fn restore(self, ws: &mut Workspace) {
        (ws.losses, ws.grad_norms, ws.backup_w, ws.backup_u) =
            (self.losses, self.grad_norms, self.backup_w, self.backup_u);
    }
}

/// The GD loop: `loss_grad(s, model)` returns the loss at the current parameters and leaves its
/// gradient in `model.grad_w`/`grad_u`. Stops at the first non-finite loss, gradient or
/// parameter (undoing that step); returns the steps done.
fn descend(
    model: &mut Model,
    steps: usize,
    eta: f32,
    proj: Projection,
    out: &mut StepBuffers,
    mut loss_grad: impl FnMut(usize, &mut Model) -> f64,
) -> usize {
    for s in 0..steps {
        let loss = loss_grad(s, model);
        let gnorm = model.grad_norm();
        if !loss.is_finite() || !gnorm.is_finite() {
            return s;
        }
        out.losses[s] = loss;
        out.grad_norms[s] = gnorm;
        out.backup_w.copy_from_slice(&model.w);
        out.backup_u.copy_from_slice(&model.u);
        for (p, g) in model.w.iter_mut().zip(&model.grad_w) {
            *p -= eta * g;
        }
        for (p, g) in model.u.iter_mut().zip(&model.grad_u) {
            *p -= eta * g;
        }
        project(model, proj);
        if !model.w.iter().chain(&model.u).all(|v| v.is_finite()) {
            model.w.copy_from_slice(&out.backup_w);
            model.u.copy_from_slice(&out.backup_u);
            return s;
        }
    }
    steps
}
