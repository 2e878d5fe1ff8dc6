//! What the crate's test modules share: a deterministic RNG, a spec builder and random models
//! and workspaces.

use crate::model::{Activation, Model, Readout, Recurrence, Spec};
use crate::Workspace;

/// Deterministic uniform numbers in [-1, 1) (a 64-bit LCG, top 24 bits).
pub(crate) struct Rng(pub(crate) u64);

impl Rng {
    pub(crate) fn next(&mut self) -> f32 {
        self.0 = self
            .0
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        ((self.0 >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
    }
    /// Fills `v` with numbers uniform in [-scale, scale).
    pub(crate) fn fill(&mut self, v: &mut [f32], scale: f32) {
        for x in v.iter_mut() {
            *x = self.next() * scale;
        }
    }
    /// `len` numbers uniform in [-scale, scale).
    pub(crate) fn vec(&mut self, len: usize, scale: f32) -> Vec<f32> {
        (0..len).map(|_| self.next() * scale).collect()
    }
}

pub(crate) fn spec(rec: Recurrence, act: Activation, readout: Readout, m: usize, d: usize, alpha: f32) -> Spec {
    Spec {
        recurrence: rec,
        activation: act,
        readout,
        m,
        d,
        alpha,
    }
}

/// A model with random parameters (not symmetric), init = a perturbed copy.
pub(crate) fn random_model(s: Spec, rng: &mut Rng) -> Model {
    let mut model = Model::new(s).unwrap();
    let wscale = if s.recurrence == Recurrence::Dense { 1.0 } else { 0.9 };
    rng.fill(&mut model.w, wscale);
    rng.fill(&mut model.u, 0.8);
    model.w0.copy_from_slice(&model.w);
    model.u0.copy_from_slice(&model.u);
    for v in model.w0.iter_mut().chain(model.u0.iter_mut()) {
        *v += 0.1 * rng.next();
    }
    model
}

/// A workspace for `model` with random data: x uniform in [-x_scale, x_scale), y in
/// [-y_scale, y_scale).
pub(crate) fn random_workspace(
    model: &Model,
    n: usize,
    t_len: usize,
    (x_scale, y_scale): (f32, f32),
    rng: &mut Rng,
) -> Workspace {
    let mut ws = Workspace::new(&model.spec, n, t_len).unwrap();
    rng.fill(&mut ws.x, x_scale);
    rng.fill(&mut ws.y, y_scale);
    ws
}
