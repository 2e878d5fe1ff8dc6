//! Projections onto balls around the initialization (MODEL.md section 6), in closed form.
//!
//! * `MaxNorm(rho)`: per neuron, `theta_i <- theta_i0 + (theta_i - theta_i0) *
//!   min(1, (rho/sqrt m) / ||theta_i - theta_i0||)`, with `theta_i` = (row i of W, row i of U)
//!   for the dense model and `(w_i, u_i)` for the diagonal one (the l2,inf ball Omega(rho, m)).
//! * `L2(rho)`: the whole vector, `||Theta - Theta0|| <= rho`.
//!
//! Norms and the shrunk offsets are computed in f64, then rounded to f32 once.

use crate::model::{Model, Recurrence};

/// Which projection follows each gradient step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    None,
    MaxNorm(f64),
    L2(f64),
}

impl Projection {
    /// Decodes the wasm code (0 none, 1 max-norm, 2 l2) and validates `rho` (finite, >= 0).
    pub fn from_code(kind: u32, rho: f64) -> Result<Projection, String> {
        let check = |rho: f64| {
            if rho.is_finite() && rho >= 0.0 {
                Ok(rho)
            } else {
                Err(format!("projection radius rho must be finite and >= 0 (got {rho})"))
            }
        };
        match kind {
            0 => Ok(Projection::None),
            1 => Ok(Projection::MaxNorm(check(rho)?)),
            2 => Ok(Projection::L2(check(rho)?)),
            _ => Err(format!(
                "projection kind must be 0 (none), 1 (maxnorm) or 2 (l2) (got {kind})"
            )),
        }
    }
}

fn dist_sq(a: &[f32], a0: &[f32]) -> f64 {
    a.iter()
        .zip(a0)
        .map(|(&x, &x0)| {
            let e = x as f64 - x0 as f64;
            e * e
        })
        .sum()
}

fn shrink(a: &mut [f32], a0: &[f32], scale: f64) {
    for (x, &x0) in a.iter_mut().zip(a0) {
        *x = (x0 as f64 + (*x as f64 - x0 as f64) * scale) as f32;
    }
}

/// Slices `(w part, u part)` of neuron i's parameters: ranges into `w` and `u`.
fn neuron_ranges(model: &Model, i: usize) -> (core::ops::Range<usize>, core::ops::Range<usize>) {
    let (m, d) = (model.spec.m, model.spec.d);
    let wr = match model.spec.recurrence {
        Recurrence::Dense => i * m..(i + 1) * m,
        Recurrence::Diagonal => i..i + 1,
    };
    (wr, i * d..(i + 1) * d)
}

/// Per-neuron distances `||theta_i - theta_i0||` (f64), written into `out` (length m).
pub fn neuron_distances(model: &Model, out: &mut [f64]) {
    for i in 0..model.spec.m {
        let (wr, ur) = neuron_ranges(model, i);
        out[i] = (dist_sq(&model.w[wr.clone()], &model.w0[wr]) + dist_sq(&model.u[ur.clone()], &model.u0[ur])).sqrt();
    }
}

/// Applies `proj` to the model's parameters in place.
pub fn project(model: &mut Model, proj: Projection) {
    match proj {
        Projection::None => {}
        Projection::MaxNorm(rho) => {
            let radius = rho / (model.spec.m as f64).sqrt();
            for i in 0..model.spec.m {
                let (wr, ur) = neuron_ranges(model, i);
                let Model { w, u, w0, u0, .. } = model;
                let norm = (dist_sq(&w[wr.clone()], &w0[wr.clone()]) + dist_sq(&u[ur.clone()], &u0[ur.clone()])).sqrt();
                if norm > radius {
                    let scale = radius / norm;
                    shrink(&mut w[wr.clone()], &w0[wr], scale);
                    shrink(&mut u[ur.clone()], &u0[ur], scale);
                }
            }
        }
        Projection::L2(rho) => {
            let Model { w, u, w0, u0, .. } = model;
            let norm = (dist_sq(w, w0) + dist_sq(u, u0)).sqrt();
            if norm > rho {
                let scale = rho / norm;
                shrink(w, w0, scale);
                shrink(u, u0, scale);
            }
        }
    }
}
