//! Flush-to-zero: in the short-memory regime (diagonal, alpha = 0.5, w ~ U[-1, 1], T = 50) the
//! unflushed BPTT adjoints reach subnormal values; the flushed kernels leave none, and their
//! gradients agree with the unflushed ones within f32 rounding. Also the forward tangents.
//!
//! The cost per element with and without the flush is a measurement, not a test:
//! `cargo run --release -p rnn-core --features flush-switch --example subnormal_cost`.

use crate::flush::{count_subnormal, with_threshold, FLUSH_BELOW};
use crate::model::{Activation, Model, Readout, Recurrence};
use crate::test_util::{random_workspace, spec, Rng};
use crate::{Features, Pass, Teacher, Workspace};

/// The experiments' model (w, u uniform in [-1, 1), c = +-1, tanh): symmetric halves are not
/// needed here, only the recursions' values.
fn model(rec: Recurrence, m: usize, d: usize, alpha: f32, rng: &mut Rng) -> Model {
    let mut model = Model::new(spec(rec, Activation::Tanh, Readout::Final, m, d, alpha)).unwrap();
    rng.fill(&mut model.w, 1.0);
    rng.fill(&mut model.u, 1.0);
    for v in model.c.iter_mut() {
        *v = rng.next().signum();
    }
    model.w0.copy_from_slice(&model.w);
    model.u0.copy_from_slice(&model.u);
    model
}

/// Inputs with ||x_t|| <= 1 (uniform, scaled by 1/sqrt(d)), targets in [-1, 1).
fn workspace(model: &Model, n: usize, t_len: usize, rng: &mut Rng) -> Workspace {
    random_workspace(model, n, t_len, (1.0 / (model.spec.d as f32).sqrt(), 1.0), rng)
}

/// Loss, gradient (w then u) and the stored adjoints dZ with the flush threshold `tau`.
fn run(model: &mut Model, ws: &mut Workspace, tau: f32) -> (f64, Vec<f32>, Vec<f32>) {
    with_threshold(tau, || {
        let loss = ws.loss_grad(model).unwrap();
        let grad = model.grad_w.iter().chain(model.grad_u.iter()).copied().collect();
        (loss, grad, ws.dz.clone())
    })
}

/// Every entry within one f32 rounding of the unflushed one, plus the flushed mass bound
/// n FLUSH_BELOW / (1 - a) (a <= 0.5 here, so 2 n FLUSH_BELOW).
fn assert_agree(flushed: &[f32], unflushed: &[f32], n: usize) {
    let slack = 2.0 * n as f32 * FLUSH_BELOW;
    for (k, (a, b)) in flushed.iter().zip(unflushed).enumerate() {
        assert!(
            (a - b).abs() <= f32::EPSILON * b.abs() + slack,
            "entry {k}: flushed {a:e} against unflushed {b:e}"
        );
    }
}

#[test]
fn diagonal_adjoints_reach_subnormals_unflushed_and_none_flushed() {
    let mut rng = Rng(7);
    let (m, d, n) = (64, 8, 16);
    for t_len in [10, 50] {
        let mut model = model(Recurrence::Diagonal, m, d, 0.5, &mut rng);
        let mut ws = workspace(&model, n, t_len, &mut rng);
        let (l0, g0, dz0) = run(&mut model, &mut ws, 0.0);
        let (l1, g1, dz1) = run(&mut model, &mut ws, FLUSH_BELOW);
        let len = n * t_len * m;
        let before = count_subnormal(&dz0[..len]);
        println!(
            "diagonal alpha 0.5, T = {t_len}: subnormal adjoints {before} of {len} ({:.1}%) unflushed, {} flushed",
            100.0 * before as f64 / len as f64,
            count_subnormal(&dz1[..len])
        );
        if t_len == 50 {
            assert!(
                before * 50 > len,
                "the regime should reach subnormals (>2%), got {before} of {len}"
            );
        }
        assert_eq!(count_subnormal(&dz1[..len]), 0);
        assert_eq!(l0, l1);
        assert_agree(&g1, &g0, n);
        assert!(g0.iter().any(|&v| v != 0.0));
    }
}

#[test]
fn dense_adjoints_have_no_subnormals_flushed() {
    let mut rng = Rng(11);
    let (m, d, n, t_len) = (32, 4, 8, 60);
    // A weak recurrence (alpha = 0.2): the adjoints decay by about 0.2 sigma' per step.
    let mut model = model(Recurrence::Dense, m, d, 0.2, &mut rng);
    let mut ws = workspace(&model, n, t_len, &mut rng);
    let (l0, g0, dz0) = run(&mut model, &mut ws, 0.0);
    let (l1, g1, dz1) = run(&mut model, &mut ws, FLUSH_BELOW);
    let len = n * t_len * m;
    println!(
        "dense alpha 0.2, T = {t_len}: subnormal adjoints {} of {len} unflushed, {} flushed",
        count_subnormal(&dz0[..len]),
        count_subnormal(&dz1[..len])
    );
    assert!(count_subnormal(&dz0[..len]) > 0);
    assert_eq!(count_subnormal(&dz1[..len]), 0);
    assert_eq!(l0, l1);
    assert_agree(&g1, &g0, n);
}

#[test]
fn tangent_features_and_teacher_sums_agree_flushed_and_unflushed() {
    let mut rng = Rng(5);
    let (m, d, n, t_len) = (16, 3, 6, 50);
    let model = model(Recurrence::Diagonal, m, d, 0.5, &mut rng);
    let mut feats = Features::new(&model.spec, n, t_len).unwrap();
    rng.fill(feats.x_mut(), 0.5);
    let mut tangent = |tau: f32| {
        with_threshold(tau, || {
            feats.tangent_features(&model).unwrap();
            feats.tangent.clone()
        })
    };
    let (a, b) = (tangent(0.0), tangent(FLUSH_BELOW));
    assert_eq!(count_subnormal(&b), 0);
    assert_agree(&b, &a, 1);

    let mut teacher = Teacher::new(Activation::Tanh, d, 0.5, 40).unwrap();
    rng.fill(&mut teacher.w, 1.0);
    rng.fill(&mut teacher.u, 1.0);
    rng.fill(&mut teacher.v, 1.0);
    let x = rng.vec(n * t_len * d, 0.5);
    let mut sum = |tau: f32| {
        let mut out = vec![0.0f32; n];
        with_threshold(tau, || teacher.sum(&x, n, t_len, &mut out).unwrap());
        out
    };
    let (a, b) = (sum(0.0), sum(FLUSH_BELOW));
    assert_agree(&b, &a, 1);
}
