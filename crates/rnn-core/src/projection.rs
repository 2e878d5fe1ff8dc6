//! Projections onto balls around the initialization (docs/spec/model.md section 6), in closed form.
//!
//! * `MaxNorm(rho)`: per neuron, `theta_i <- theta_i0 + (theta_i - theta_i0) *
//!   min(1, (rho/sqrt m) / ||theta_i - theta_i0||)`, with `theta_i` = (row i of W, row i of U)
//!   for the dense model and `(w_i, u_i)` for the diagonal one (the l2,inf ball Omega(rho, m)).
//! * `L2(rho)`: the whole vector, `||Theta - Theta0|| <= rho`.
//!
//! Norms and the shrunk offsets are computed in f64, then rounded to f32. Rounding can leave a
//! neuron a few ulps outside the ball; it is then shrunk again, so the recorded radius is <= rho exactly.

use crate::model::{Model, Recurrence};

/// Which projection follows each gradient step.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Projection {
    None,
    MaxNorm(f64),
    L2(f64),
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

/// `||theta_i - theta_i0||^2` in one f64 sum over the w part, then the u part: the order of the
/// TypeScript metrics (ts/projection.ts `neuronDistancesSq`), so both compute the same bits and the
/// recorded radius is the one the projection enforced.
pub fn neuron_dist_sq(model: &Model, i: usize) -> f64 {
    let (wr, ur) = neuron_ranges(model, i);
    let mut s = 0.0;
    for (&x, &x0) in model.w[wr.clone()].iter().zip(&model.w0[wr]) {
        let e = x as f64 - x0 as f64;
        s += e * e;
    }
    for (&x, &x0) in model.u[ur.clone()].iter().zip(&model.u0[ur]) {
        let e = x as f64 - x0 as f64;
        s += e * e;
    }
    s
}

/// `theta_i <- theta_i0 + (theta_i - theta_i0) * scale`, in f64, rounded to f32 once.
fn shrink_neuron(model: &mut Model, i: usize, scale: f64) {
    let (wr, ur) = neuron_ranges(model, i);
    let Model { w, u, w0, u0, .. } = model;
    for (x, &x0) in w[wr.clone()].iter_mut().zip(&w0[wr]) {
        *x = (x0 as f64 + (*x as f64 - x0 as f64) * scale) as f32;
    }
    for (x, &x0) in u[ur.clone()].iter_mut().zip(&u0[ur]) {
        *x = (x0 as f64 + (*x as f64 - x0 as f64) * scale) as f32;
    }
}

/// Per-neuron distances `||theta_i - theta_i0||` (f64), written into `out` (length m).
pub fn neuron_distances(model: &Model, out: &mut [f64]) {
    for (i, o) in out.iter_mut().enumerate().take(model.spec.m) {
        *o = neuron_dist_sq(model, i).sqrt();
    }
}

/// `sqrt(sum_i ||theta_i - theta_i0||^2)`, summed over neurons in order (as the metrics do).
fn total_distance(model: &Model) -> f64 {
    (0..model.spec.m)
        .map(|i| neuron_dist_sq(model, i))
        .fold(0.0, |a, b| a + b)
        .sqrt()
}

/// Shrinks towards Theta(0) until `radius(model) <= rho` holds for the stored (f32-rounded) values:
/// the closed-form scale `rho / r` first, then, when rounding left the result just outside, by a
/// margin that doubles from f32's half ulp (at worst the scale reaches 0: Theta(0) itself).
fn shrink_into(model: &mut Model, rho: f64, radius: impl Fn(&Model) -> f64, shrink: impl Fn(&mut Model, f64)) {
    let mut r = radius(model);
    let mut margin = 0.0;
    while r > rho {
        let scale = if margin >= 1.0 { 0.0 } else { rho / r * (1.0 - margin) };
        shrink(model, scale);
        r = radius(model);
        margin = if margin == 0.0 {
            f64::from(f32::EPSILON) / 2.0
        } else {
            margin * 2.0
        };
    }
}

/// Applies `proj` to the model's parameters in place. Afterwards the radius the metrics record,
/// `sqrt(m) * max_i ||theta_i - theta_i0||` (max-norm) or `||Theta - Theta0||` (l2), is `<= rho`
/// exactly, computed in f64 from the stored f32 values.
///
/// # Example
///
/// ```
/// use rnn_core::{project, Activation, Model, Projection, Readout, Recurrence, Spec};
///
/// let (recurrence, activation, readout) = (Recurrence::Diagonal, Activation::Tanh, Readout::Final);
/// let spec = Spec { recurrence, activation, readout, m: 2, d: 1, alpha: 1.0 };
/// let mut model = Model::new(spec).unwrap(); // Theta0 = 0
/// model.w.copy_from_slice(&[3.0, 0.0]);
/// model.u.copy_from_slice(&[4.0, 0.0]);
/// project(&mut model, Projection::L2(1.0)); // ||Theta - Theta0|| = 5 shrinks to 1
/// let norm = (model.w[0] as f64).hypot(model.u[0] as f64);
/// assert!(norm <= 1.0 && norm > 1.0 - 1e-6);
/// assert!((model.w[0] / model.u[0] - 0.75).abs() < 1e-6); // along the same direction
/// ```
pub fn project(model: &mut Model, proj: Projection) {
    match proj {
        Projection::None => {}
        Projection::MaxNorm(rho) => {
            let sqrt_m = (model.spec.m as f64).sqrt();
            for i in 0..model.spec.m {
                shrink_into(
                    model,
                    rho,
                    |mm| sqrt_m * neuron_dist_sq(mm, i).sqrt(),
                    |mm, scale| shrink_neuron(mm, i, scale),
                );
            }
        }
        Projection::L2(rho) => shrink_into(model, rho, total_distance, |mm, scale| {
            for i in 0..mm.spec.m {
                shrink_neuron(mm, i, scale);
            }
        }),
    }
}
