//! Bytes each buffer-owning object allocates, as plain functions of its shape, so that a caller
//! can refuse an allocation before it happens (wasm32 aborts when its memory runs out; the
//! TypeScript capacity checks ask these through rnn-wasm). In u64 with saturation, since wasm32's
//! usize would wrap above 4 GiB. The tests pin every function to what its constructor allocates.

use crate::model::{Recurrence, Spec};
use crate::simd::NR;

const F32: u64 = 4;
const F64: u64 = 8;
const U32: u64 = 4;

/// The product of `factors`, saturating.
fn prod(factors: &[u64]) -> u64 {
    factors.iter().fold(1, |a, &f| a.saturating_mul(f))
}

/// The sum of `terms`, saturating.
fn sum(terms: &[u64]) -> u64 {
    terms.iter().fold(0, |a, &t| a.saturating_add(t))
}

/// The shape's sizes as u64: (m, d, P, targets per sequence for `t_len`).
fn shape(spec: &Spec, t_len: usize) -> (u64, u64, u64, u64) {
    let (m, d) = (spec.m as u64, spec.d as u64);
    let w_len = match spec.recurrence {
        Recurrence::Dense => prod(&[m, m]),
        Recurrence::Diagonal => m,
    };
    let per = spec.readout.targets_per_sequence(t_len) as u64;
    (m, d, sum(&[w_len, prod(&[m, d])]), per)
}

/// [`crate::Model::new`]: w, w0, grad_w, u, u0, grad_u (P values per pair) and c (m), f32.
pub fn model_bytes(spec: &Spec) -> u64 {
    let (m, _, p, _) = shape(spec, 1);
    F32.saturating_mul(sum(&[prod(&[3, p]), m]))
}

/// [`crate::Workspace::new`]: x, xt (`n T d`); y, pred, yt, r (f32) and f (f64) of `n` or `n T`;
/// h, dz (`n T m`); dh (`n m`); the parameter backups (P).
pub fn workspace_bytes(spec: &Spec, n_max: usize, t_len: usize) -> u64 {
    let (m, d, p, per) = shape(spec, t_len);
    let (n, t) = (n_max as u64, t_len as u64);
    let y = prod(&[n, per]);
    let f32s = sum(&[
        prod(&[2, n, t, d]),
        prod(&[4, y]),
        prod(&[2, n, t, m]),
        prod(&[n, m]),
        p,
    ]);
    sum(&[prod(&[F32, f32s]), prod(&[F64, y])])
}

/// What [`crate::Pass::reserve`]`(steps, batch)` adds to a fresh workspace: `steps` losses and
/// gradient norms (f64) and `indices = steps * batch` batch indices (u32).
pub fn reserve_bytes(steps: usize, indices: usize) -> u64 {
    sum(&[prod(&[2, F64, steps as u64]), prod(&[U32, indices as u64])])
}

/// [`crate::Linearization::new`]: a workspace, a copy of the model at Theta0, sigma'(z) and the
/// tangent states at Theta0 (`n T m` each), f(Theta0) (f64, layout of y) and V (P).
pub fn linearization_bytes(spec: &Spec, n_max: usize, t_len: usize) -> u64 {
    let (m, _, p, per) = shape(spec, t_len);
    let (n, t) = (n_max as u64, t_len as u64);
    sum(&[
        workspace_bytes(spec, n_max, t_len),
        model_bytes(spec),
        prod(&[F32, sum(&[prod(&[2, n, t, m]), p])]),
        prod(&[F64, n, per]),
    ])
}

/// [`crate::Features::new`]: per-sample gradients (`n P`) and Gram (`n^2`); diagonal: x, tangent
/// features (`n m (1+d)`) and the scratch of `tangent_scratch_len`; dense: a workspace.
pub fn features_bytes(spec: &Spec, n_max: usize, t_len: usize) -> u64 {
    let (m, d, p, _) = shape(spec, t_len);
    let (n, t) = (n_max as u64, t_len as u64);
    let common = prod(&[F32, sum(&[prod(&[n, p]), prod(&[n, n])])]);
    let own = match spec.recurrence {
        Recurrence::Dense => workspace_bytes(spec, n_max, t_len),
        Recurrence::Diagonal => {
            let scratch = prod(&[sum(&[4, prod(&[2, d])]), m.div_ceil(4), 4]);
            prod(&[F32, sum(&[prod(&[n, t, d]), prod(&[n, m, sum(&[1, d])]), scratch])])
        }
    };
    sum(&[common, own])
}

/// [`crate::Teacher::new`] plus [`crate::TeacherWorkspace::new`]: particles w (M), u (`M d`), v
/// (`M (1+d)`), their packed groups of 8 (`2 + 2d` each); inputs (`n T d`) and outputs (n).
pub fn teacher_bytes(d: usize, count: usize, n_max: usize, t_len: usize) -> u64 {
    let (d, count, n, t) = (d as u64, count as u64, n_max as u64, t_len as u64);
    let group = NR as u64;
    let packed = prod(&[count.div_ceil(group), group, sum(&[2, prod(&[2, d])])]);
    prod(&[
        F32,
        sum(&[
            count,
            prod(&[count, d]),
            prod(&[count, sum(&[1, d])]),
            packed,
            prod(&[n, t, d]),
            n,
        ]),
    ])
}

/// Bytes of `v`'s elements.
#[cfg(test)]
pub(crate) fn bytes_of<T>(v: &[T]) -> u64 {
    std::mem::size_of_val(v) as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Activation, Readout, Recurrence};
    use crate::{Features, Linearization, Model, Pass, Teacher, TeacherWorkspace, Workspace};

    fn specs() -> Vec<Spec> {
        let mut out = Vec::new();
        for recurrence in [Recurrence::Dense, Recurrence::Diagonal] {
            for readout in [Readout::Final, Readout::All] {
                for (m, d) in [(2, 1), (6, 3), (10, 2)] {
                    let activation = Activation::Tanh;
                    out.push(Spec {
                        recurrence,
                        activation,
                        readout,
                        m,
                        d,
                        alpha: 1.0,
                    });
                }
            }
        }
        out
    }

    #[test]
    fn reported_sizes_are_what_the_constructors_allocate() {
        for spec in specs() {
            let model = Model::new(spec).unwrap();
            assert_eq!(model_bytes(&spec), model.allocated_bytes(), "{spec:?}");
            for (n, t) in [(1, 1), (3, 5), (7, 2)] {
                let mut ws = Workspace::new(&spec, n, t).unwrap();
                assert_eq!(workspace_bytes(&spec, n, t), ws.allocated_bytes(), "{spec:?} {n} {t}");
                ws.reserve(9, n).unwrap();
                let reserved = workspace_bytes(&spec, n, t) + reserve_bytes(9, 9 * n);
                assert_eq!(reserved, ws.allocated_bytes(), "{spec:?} reserve");
                let lin = Linearization::new(&model, n, t).unwrap();
                assert_eq!(
                    linearization_bytes(&spec, n, t),
                    lin.allocated_bytes(),
                    "{spec:?} {n} {t}"
                );
                let feats = Features::new(&spec, n, t).unwrap();
                assert_eq!(features_bytes(&spec, n, t), feats.allocated_bytes(), "{spec:?} {n} {t}");
            }
        }
        for (d, count, n, t) in [(1, 1, 1, 1), (3, 9, 4, 6), (2, 16, 5, 3)] {
            let teacher = Teacher::new(Activation::Sin, d, 0.5, count).unwrap();
            let tw = TeacherWorkspace::new(teacher, n, t).unwrap();
            assert_eq!(teacher_bytes(d, count, n, t), tw.allocated_bytes());
        }
    }

    #[test]
    fn sizes_saturate_instead_of_wrapping() {
        let spec = specs()[0];
        assert_eq!(workspace_bytes(&spec, usize::MAX, usize::MAX), u64::MAX);
        assert_eq!(features_bytes(&spec, usize::MAX, 2), u64::MAX);
        assert_eq!(teacher_bytes(2, usize::MAX, 1, 1), u64::MAX);
    }
}
