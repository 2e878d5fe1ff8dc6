//! Per-sample gradients `J[j] = grad_Theta f(X_j)` and the empirical NTK Gram `K = J J^T`
//! (docs/spec/model.md section 10), for both recurrences.
//!
//! `f` is the final readout `(1/sqrt m) sum_i c_i h_{i,T-1}` (for a readout-all model this is
//! its last output). Row j of J has P = len(W) + len(U) entries, `[W part, U part]` in the
//! parameter layouts of [`crate::model`].
//!
//! * diagonal: from the tangent features, `J[j][i] = c_i/sqrt(m) phi_w(X_j; theta_i)`,
//!   `J[j][m + i*d + k] = c_i/sqrt(m) phi_u(X_j; theta_i)_k`;
//! * dense: one batched forward and backward pass with unit residuals (the samples'
//!   backward passes are independent), then per sample `dW_j = s sum_t dz_{t,j} h_{t-1,j}^T`
//!   and `dU_j = sum_t dz_{t,j} x_{t,j}^T`, each a small GEMM over t.
//!
//! The Gram matrix is computed block-row by block-row on and below the diagonal by the GEMM,
//! then mirrored (exactly symmetric).

use crate::dense;
use crate::gemm::{gemm_set, MatA, MatB};
use crate::model::{Model, Recurrence, Spec};
use crate::readout::Seed;
use crate::tangent::{tangent_features, tangent_scratch_len};
use crate::train::Pass;
use crate::workspace::{checked_len, Workspace};

/// Buffers for features, per-sample gradients and Gram matrices of up to `n_max` sequences.
pub struct Features {
    spec: Spec,
    n_max: usize,
    t_len: usize,
    n: usize,
    /// Inputs (diagonal), `n_max * T * d`; the dense model uses its workspace's `x`.
    x: Vec<f32>,
    /// Tangent features (diagonal), `n_max * m * (1+d)`.
    pub tangent: Vec<f32>,
    /// Per-sample gradients, `n_max * P`, row j at `j*P`.
    pub jac: Vec<f32>,
    /// Gram matrix, `n x n` row-major with stride `n` (the current n).
    pub gram: Vec<f32>,
    scratch: Vec<f32>,
    ws: Option<Workspace>,
}

impl Features {
    /// Allocates everything for the model's shape, `n_max` sequences of length `t_len`.
    pub fn new(spec: &Spec, n_max: usize, t_len: usize) -> Result<Features, String> {
        spec.validate()?;
        if n_max < 1 || t_len < 1 {
            return Err(format!("n_max and t must be >= 1 (got {n_max}, {t_len})"));
        }
        let (m, d) = (spec.m, spec.d);
        let p = spec.param_len();
        let diag = spec.recurrence == Recurrence::Diagonal;
        let ws = if diag {
            None
        } else {
            Some(Workspace::new(spec, n_max, t_len)?)
        };
        Ok(Features {
            spec: *spec,
            n_max,
            t_len,
            n: n_max,
            x: if diag {
                vec![0.0; checked_len(&[n_max, t_len, d], "x")?]
            } else {
                Vec::new()
            },
            tangent: if diag {
                vec![0.0; checked_len(&[n_max, m, 1 + d], "tangent features")?]
            } else {
                Vec::new()
            },
            jac: vec![0.0; checked_len(&[n_max, p], "per-sample gradients")?],
            gram: vec![0.0; checked_len(&[n_max, n_max], "gram")?],
            scratch: if diag {
                vec![0.0; tangent_scratch_len(m, d)]
            } else {
                Vec::new()
            },
            ws,
        })
    }

    pub fn n_max(&self) -> usize {
        self.n_max
    }
    pub fn t(&self) -> usize {
        self.t_len
    }
    pub fn n(&self) -> usize {
        self.n
    }

    /// The inputs, `n_max * T * d` sample-major.
    pub fn x(&self) -> &[f32] {
        match &self.ws {
            Some(ws) => &ws.x,
            None => &self.x,
        }
    }
    /// Bytes of every buffer (tests of [`crate::sizes`]).
    #[cfg(test)]
    pub(crate) fn allocated_bytes(&self) -> u64 {
        use crate::sizes::bytes_of;
        let own = [&self.x, &self.tangent, &self.jac, &self.gram, &self.scratch]
            .iter()
            .map(|v| bytes_of(v))
            .sum::<u64>();
        own + self.ws.as_ref().map_or(0, Workspace::allocated_bytes)
    }

    pub fn x_mut(&mut self) -> &mut [f32] {
        match &mut self.ws {
            Some(ws) => &mut ws.x,
            None => &mut self.x,
        }
    }

    /// Sets the number of valid sequences (1..=n_max).
    pub fn set_n(&mut self, n: usize) -> Result<(), String> {
        if n < 1 || n > self.n_max {
            return Err(format!("n must be in 1..={} (got {n})", self.n_max));
        }
        if let Some(ws) = &mut self.ws {
            ws.set_n(n)?;
        }
        self.n = n;
        Ok(())
    }

    fn check_model(&self, model: &Model) -> Result<(), String> {
        let (a, b) = (&self.spec, &model.spec);
        if a.m != b.m || a.d != b.d || a.recurrence != b.recurrence {
            return Err("model shape (m, d, recurrence) differs from the features buffers'".into());
        }
        Ok(())
    }

    /// Tangent features of the first n sequences into `tangent` (diagonal only).
    pub fn tangent_features(&mut self, model: &Model) -> Result<(), String> {
        self.check_model(model)?;
        tangent_features(model, &self.x, self.n, self.t_len, &mut self.tangent, &mut self.scratch)
    }

    /// Per-sample gradients of the first n sequences into `jac` (n x P).
    pub fn per_sample_gradients(&mut self, model: &Model) -> Result<(), String> {
        self.check_model(model)?;
        let (m, d) = (model.spec.m, model.spec.d);
        let p = model.spec.param_len();
        let n = self.n;
        if self.ws.is_none() {
            {
                self.tangent_features(model)?;
                let inv = 1.0 / (m as f32).sqrt();
                for j in 0..n {
                    let row = &mut self.jac[j * p..(j + 1) * p];
                    for i in 0..m {
                        let ci = model.c[i] * inv;
                        let phi = &self.tangent[(j * m + i) * (1 + d)..(j * m + i + 1) * (1 + d)];
                        row[i] = ci * phi[0];
                        for k in 0..d {
                            row[m + i * d + k] = ci * phi[1 + k];
                        }
                    }
                }
            }
        } else if let Some(ws) = &mut self.ws {
            dense_per_sample(model, ws, &mut self.jac);
        }
        Ok(())
    }

    /// Per-sample gradients into `jac`, then `gram[j*n + k] = <J_j, J_k>` for j, k < n.
    ///
    /// # Example
    ///
    /// ```
    /// use rnn_core::{Activation, Features, Model, Readout, Recurrence, Spec};
    ///
    /// let (recurrence, activation, readout) = (Recurrence::Dense, Activation::Tanh, Readout::Final);
    /// let spec = Spec { recurrence, activation, readout, m: 4, d: 2, alpha: 0.5 };
    /// let mut model = Model::new(spec).unwrap();
    /// model.u.copy_from_slice(&[0.3, -0.1, 0.2, 0.4, -0.5, 0.1, 0.05, -0.2]);
    /// let (n, t) = (3, 4);
    /// let mut feats = Features::new(&spec, n, t).unwrap();
    /// for (i, x) in feats.x_mut().iter_mut().enumerate() {
    ///     *x = (i as f32 * 0.37).sin();
    /// }
    /// feats.ntk_gram(&model).unwrap();
    /// let k = |j: usize, l: usize| feats.gram[j * n + l];
    /// assert!((0..n).all(|j| k(j, j) > 0.0)); // squared gradient norms
    /// assert!((0..n).all(|j| (0..n).all(|l| k(j, l) == k(l, j)))); // exactly symmetric
    /// ```
    pub fn ntk_gram(&mut self, model: &Model) -> Result<(), String> {
        self.per_sample_gradients(model)?;
        gram(&self.jac, self.n, model.spec.param_len(), &mut self.gram);
        Ok(())
    }
}

/// Dense per-sample gradients of the first `ws.n` sequences into `jac` (n x P).
fn dense_per_sample(model: &Model, ws: &mut Workspace, jac: &mut [f32]) {
    let spec = &model.spec;
    let (m, d) = (spec.m, spec.d);
    let p = spec.param_len();
    let t_len = ws.t_len;
    ws.gather(None);
    let nb = ws.nb;
    let blk = nb * m;
    dense::forward(model, nb, t_len, &ws.xt, &mut ws.h, &mut ws.dz);
    ws.r[..nb].fill(1.0);
    let seed = Seed {
        r: &ws.r[..nb],
        all: false,
        c: &model.c,
    };
    dense::backward(
        spec, &model.w, nb, t_len, &seed, &ws.xt, &ws.h, &mut ws.dz, &mut ws.dh, None,
    );
    let s = spec.recurrent_scale();
    for j in 0..nb {
        let row = &mut jac[j * p..(j + 1) * p];
        let (rw, ru) = row.split_at_mut(m * m);
        if t_len == 1 {
            rw.fill(0.0);
        } else {
            // dW_j[i][l] = s sum_{t>=1} dz_t[j][i] h_{t-1}[j][l]
            gemm_set(
                m,
                m,
                t_len - 1,
                MatA {
                    data: &ws.dz[blk + j * m..],
                    rs: 1,
                    ps: blk,
                },
                MatB {
                    data: &ws.h[j * m..],
                    ps: blk,
                    cs: 1,
                    scale: s,
                },
                rw,
                m,
            );
        }
        // dU_j[i][k] = sum_t dz_t[j][i] x_t[j][k]
        gemm_set(
            m,
            d,
            t_len,
            MatA {
                data: &ws.dz[j * m..],
                rs: 1,
                ps: blk,
            },
            MatB {
                data: &ws.xt[j * d..],
                ps: nb * d,
                cs: 1,
                scale: 1.0,
            },
            ru,
            d,
        );
    }
}

/// Rows per block of the triangular Gram sweep.
const GRAM_BLOCK: usize = 64;

/// `out[j*n + k] = sum_p jac[j*p + q] jac[k*p + q]` (exactly symmetric).
pub fn gram(jac: &[f32], n: usize, p: usize, out: &mut [f32]) {
    let out = &mut out[..n * n];
    let mut r0 = 0;
    while r0 < n {
        let r1 = (r0 + GRAM_BLOCK).min(n);
        // Block row [r0, r1), columns [0, r1): on and below the diagonal.
        gemm_set(
            r1 - r0,
            r1,
            p,
            MatA {
                data: &jac[r0 * p..],
                rs: p,
                ps: 1,
            },
            MatB {
                data: jac,
                ps: 1,
                cs: p,
                scale: 1.0,
            },
            &mut out[r0 * n..],
            n,
        );
        r0 = r1;
    }
    for j in 0..n {
        for k in j + 1..n {
            out[j * n + k] = out[k * n + j];
        }
    }
}
