//! (Projected, optionally mini-batch) gradient descent: many steps inside one call.

use crate::model::Model;
use crate::projection::{project, Projection};
use crate::workspace::Workspace;

/// Runs up to `steps` steps of `Theta <- P(Theta - eta * grad R(Theta))`.
///
/// With `batch == 0` each step uses the first `n` sequences; otherwise step `s` uses the sample
/// indices `ws.batch[s*batch..(s+1)*batch]` (loss normalized by `batch`). Step `s` writes the
/// pre-step loss `R(Theta(s))` into `ws.losses[s]` and `||grad||` into `ws.grad_norms[s]`.
///
/// Stops early, leaving the parameters at their last finite values, if a loss, a gradient or
/// an updated parameter is non-finite; returns the number of completed (applied) steps.
/// Nothing is allocated.
///
/// # Example
///
/// ```
/// use rnn_core::{train, Activation, Model, Projection, Readout, Recurrence, Spec, Workspace};
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
/// let done = train(&mut ws, &mut model, 50, 0.5, Projection::MaxNorm(1.0), 0).unwrap();
/// assert_eq!(done, 50);
/// assert!(ws.losses[49] < ws.losses[0]);
/// ```
pub fn train(
    ws: &mut Workspace,
    model: &mut Model,
    steps: usize,
    eta: f32,
    proj: Projection,
    batch: usize,
) -> Result<usize, String> {
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
    } else {
        ws.gather(None);
    }
    // The loop borrows the per-step buffers while the closure borrows the rest of the workspace.
    let (mut losses, mut grad_norms) = (core::mem::take(&mut ws.losses), core::mem::take(&mut ws.grad_norms));
    let (mut backup_w, mut backup_u) = (core::mem::take(&mut ws.backup_w), core::mem::take(&mut ws.backup_u));
    let mut buffers = StepBuffers {
        losses: &mut losses,
        grad_norms: &mut grad_norms,
        backup_w: &mut backup_w,
        backup_u: &mut backup_u,
    };
    let done = descend(model, steps, eta, proj, &mut buffers, |s, model| {
        if batch > 0 {
            // Gather reads `ws.batch` while writing other buffers: take the indices out briefly.
            let idx = core::mem::take(&mut ws.batch);
            ws.gather(Some(&idx[s * batch..(s + 1) * batch]));
            ws.batch = idx;
        }
        ws.loss_grad_batch(model)
    });
    (ws.losses, ws.grad_norms, ws.backup_w, ws.backup_u) = (losses, grad_norms, backup_w, backup_u);
    Ok(done)
}

/// What a GD loop writes besides the parameters: per-step loss and gradient norm, and room to
/// undo a step that overflows.
pub(crate) struct StepBuffers<'a> {
    pub losses: &'a mut [f64],
    pub grad_norms: &'a mut [f64],
    pub backup_w: &'a mut [f32],
    pub backup_u: &'a mut [f32],
}

/// The GD loop shared by the network and its linearization: `loss_grad(s, model)` returns the
/// loss at the current parameters and leaves its gradient in `model.grad_w`/`grad_u`. Stops at
/// the first non-finite loss, gradient or parameter (undoing that step); returns the steps done.
pub(crate) fn descend(
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
            model.w.copy_from_slice(out.backup_w);
            model.u.copy_from_slice(out.backup_u);
            return s;
        }
    }
    steps
}
