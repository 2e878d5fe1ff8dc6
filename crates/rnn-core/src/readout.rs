//! Readout `f = (1/sqrt m) sum_i c_i h_i`, the loss, its residuals, and the seeds `dL/dh_t`
//! that start (and, for readout all, feed) the backward pass.

use crate::model::{Model, Readout};

/// `(1/sqrt m) sum_i c_i h_i` in f64, summed in the pairs `(i, i + m/2)`: under the symmetric
/// initialization (duplicated neurons, opposite signs) every pair is exactly zero, hence f = 0
/// bit-exactly.
#[inline]
pub(crate) fn readout_row(c: &[f32], h: &[f32]) -> f64 {
    let half = c.len() / 2;
    let mut acc = 0.0f64;
    for i in 0..half {
        let a = c[i] as f64 * h[i] as f64;
        let b = c[i + half] as f64 * h[i + half] as f64;
        acc += a + b;
    }
    acc / (c.len() as f64).sqrt()
}

/// Predictions of a batch from the states `h` (`T x nb x m`): `f[j]` (final) or
/// `f[t*nb + j]` (all).
pub(crate) fn predict(model: &Model, nb: usize, t_len: usize, h: &[f32], f: &mut [f64]) {
    let m = model.spec.m;
    match model.spec.readout {
        Readout::Final => {
            let off = (t_len - 1) * nb * m;
            for j in 0..nb {
                f[j] = readout_row(&model.c, &h[off + j * m..off + (j + 1) * m]);
            }
        }
        Readout::All => {
            for row in 0..t_len * nb {
                f[row] = readout_row(&model.c, &h[row * m..(row + 1) * m]);
            }
        }
    }
}

/// Returns `1/(2N) sum (f-y)^2` (f64) and writes `r = (f - y)/N` (f32), with N = `f.len()`.
pub(crate) fn loss_and_residuals(f: &[f64], y: &[f32], r: &mut [f32]) -> f64 {
    let count = f.len() as f64;
    let mut sum = 0.0f64;
    for k in 0..f.len() {
        let e = f[k] - y[k] as f64;
        sum += e * e;
        r[k] = (e / count) as f32;
    }
    sum / (2.0 * count)
}

/// Where the backward pass injects `dL/df`: residuals `r` (`nb`, or `T x nb` when `all`).
pub(crate) struct Seed<'a> {
    pub r: &'a [f32],
    /// Readout at every t (`r` is `T x nb`); otherwise only at T-1 (`r` is `nb`).
    pub all: bool,
    pub c: &'a [f32],
}

impl Seed<'_> {
    /// Whether anything is read out at time t.
    pub(crate) fn active(&self, t: usize, t_len: usize) -> bool {
        self.all || t == t_len - 1
    }

    /// Writes `dh[j*m + i] = r_{j,t} c_i / sqrt(m)` (or 0 where nothing is read out at t).
    pub(crate) fn fill(&self, t: usize, t_len: usize, nb: usize, dh: &mut [f32]) {
        let m = self.c.len();
        let dh = &mut dh[..nb * m];
        if !self.active(t, t_len) {
            dh.fill(0.0);
            return;
        }
        let base = if self.all { t * nb } else { 0 };
        let inv = 1.0 / (m as f32).sqrt();
        for j in 0..nb {
            let rj = self.r[base + j];
            for i in 0..m {
                dh[j * m + i] = rj * (self.c[i] * inv);
            }
        }
    }
}
