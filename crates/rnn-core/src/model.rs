//! Model specification and parameter storage (docs/spec/model.md sections 2-4).
//!
//! Layouts (all f32, row-major):
//!
//! * dense: `w[i*m + j]` multiplies `h_j` into neuron `i` (m x m);
//! * diagonal: `w[i]` is neuron i's self-weight (m);
//! * `u[i*d + k]` multiplies `x_k` into neuron `i` (m x d);
//! * `c[i]` is the output sign of neuron `i` (+1 / -1, stored as f32, not trained);
//! * `w0`, `u0` hold the initialization (the projection is centred on it);
//! * `grad_w`, `grad_u` receive the gradient of the last `loss_grad`.
//!
//! The vectors are allocated once in [`Model::new`] and never resized, so raw pointers into
//! them stay valid for the life of the model.

/// Hidden-to-hidden structure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Recurrence {
    /// Full matrix W with the `alpha / sqrt(m)` scaling.
    Dense,
    /// Diagonal W (one self-weight per neuron) with the `alpha` scaling.
    Diagonal,
}

/// Elementwise nonlinearity.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Activation {
    Tanh,
    Sigmoid,
    Sin,
    Relu,
}

/// Which time steps are read out.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Readout {
    /// `f = (1/sqrt m) sum_i c_i h_{i,T-1}` (sequence to one).
    Final,
    /// `f_t = (1/sqrt m) sum_i c_i h_{i,t}` at every t (sequence to sequence).
    All,
}

impl Readout {
    /// Targets per sequence of length `t_len`: `t_len` (all) or 1 (final).
    pub fn targets_per_sequence(self, t_len: usize) -> usize {
        match self {
            Readout::All => t_len,
            Readout::Final => 1,
        }
    }
}

/// Shape and hyper-parameters of a model.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Spec {
    pub recurrence: Recurrence,
    pub activation: Activation,
    pub readout: Readout,
    /// Width (number of neurons), even and >= 2.
    pub m: usize,
    /// Input dimension, >= 1.
    pub d: usize,
    /// Recurrent scale, finite.
    pub alpha: f32,
}

impl Spec {
    /// Checks the sizes; the message names the offending field.
    pub fn validate(&self) -> Result<(), String> {
        if self.m < 2 || !self.m.is_multiple_of(2) {
            return Err(format!("m must be even and >= 2 (got {})", self.m));
        }
        if self.d < 1 {
            return Err(format!("d must be >= 1 (got {})", self.d));
        }
        if !self.alpha.is_finite() {
            return Err(format!("alpha must be finite (got {})", self.alpha));
        }
        let p = self.w_len().checked_add(self.u_len());
        if self.m > 1 << 15 || self.d > 1 << 20 || p.is_none_or(|p| p > 1 << 28) {
            return Err(format!("model too large (m = {}, d = {})", self.m, self.d));
        }
        Ok(())
    }
    /// Length of `w`: m*m (dense) or m (diagonal).
    pub fn w_len(&self) -> usize {
        match self.recurrence {
            Recurrence::Dense => self.m * self.m,
            Recurrence::Diagonal => self.m,
        }
    }
    /// Length of `u`: m*d.
    pub fn u_len(&self) -> usize {
        self.m * self.d
    }
    /// Number of trained parameters P = len(w) + len(u).
    pub fn param_len(&self) -> usize {
        self.w_len() + self.u_len()
    }
    /// Scale applied to W in the recurrence: alpha/sqrt(m) (dense) or alpha (diagonal); TS
    /// `recurrentScale` (not TS `wScale`, which is w-bar = max_i |w_i| or ||W/sqrt(m)||_2).
    pub fn recurrent_scale(&self) -> f32 {
        match self.recurrence {
            Recurrence::Dense => self.alpha / (self.m as f32).sqrt(),
            Recurrence::Diagonal => self.alpha,
        }
    }
    /// Per-neuron parameter count: m + d (dense) or 1 + d (diagonal).
    pub fn neuron_len(&self) -> usize {
        self.w_len() / self.m + self.d
    }
}

/// Parameters, initialization and gradient of one model.
#[derive(Clone, Debug)]
pub struct Model {
    pub spec: Spec,
    pub w: Vec<f32>,
    pub u: Vec<f32>,
    pub w0: Vec<f32>,
    pub u0: Vec<f32>,
    pub c: Vec<f32>,
    pub grad_w: Vec<f32>,
    pub grad_u: Vec<f32>,
}

impl Model {
    /// Allocates a model with all parameters zero and `c = (+1 x m/2, -1 x m/2)`.
    pub fn new(spec: Spec) -> Result<Model, String> {
        spec.validate()?;
        let (wl, ul, m) = (spec.w_len(), spec.u_len(), spec.m);
        Ok(Model {
            spec,
            w: vec![0.0; wl],
            u: vec![0.0; ul],
            w0: vec![0.0; wl],
            u0: vec![0.0; ul],
            c: (0..m).map(|i| if i < m / 2 { 1.0 } else { -1.0 }).collect(),
            grad_w: vec![0.0; wl],
            grad_u: vec![0.0; ul],
        })
    }

    /// Bytes of every buffer (tests of [`crate::sizes`]).
    #[cfg(test)]
    pub(crate) fn allocated_bytes(&self) -> u64 {
        use crate::sizes::bytes_of;
        [
            &self.w,
            &self.u,
            &self.w0,
            &self.u0,
            &self.c,
            &self.grad_w,
            &self.grad_u,
        ]
        .iter()
        .map(|v| bytes_of(v))
        .sum()
    }

    /// Euclidean norm of the gradient, accumulated in f64.
    pub fn grad_norm(&self) -> f64 {
        (sum_sq(&self.grad_w) + sum_sq(&self.grad_u)).sqrt()
    }
}

fn sum_sq(v: &[f32]) -> f64 {
    v.iter().map(|&x| (x as f64) * (x as f64)).sum()
}
