//! The cost of float32 subnormals and of the flush to zero, natively (x86 FTZ/DAZ bits off, as
//! Rust leaves them):
//! `cargo run --release -p rnn-core --features flush-switch --example subnormal_cost`. Nanoseconds per
//! n*T*m element of one diagonal loss_grad, with the flush off (threshold 0) and on
//! (FLUSH_BELOW), in the regimes of the experiments. A measurement, not a test: the flush's
//! correctness is tested in src/flush_tests.rs; the wasm numbers are `make bench`'s diag-regime cases.

use rnn_core::flush::{with_threshold, FLUSH_BELOW};
use rnn_core::{Activation, Model, Pass, Readout, Recurrence, Spec, Workspace};
use std::time::Instant;

/// Uniform in [-1, 1) (a 64-bit LCG: reproducible, no dependency).
fn uniform(seed: &mut u64) -> f32 {
    *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
    ((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0
}

fn setup(alpha: f32, t_len: usize, rademacher: bool, seed: &mut u64) -> (Model, Workspace) {
    let (m, d, n) = (512, 8, 64);
    let spec = Spec {
        recurrence: Recurrence::Diagonal,
        activation: Activation::Tanh,
        readout: Readout::Final,
        m,
        d,
        alpha,
    };
    let mut model = Model::new(spec).unwrap();
    for v in model.w.iter_mut() {
        let r = uniform(seed);
        *v = if rademacher { r.signum() } else { r };
    }
    for v in model.u.iter_mut() {
        *v = uniform(seed);
    }
    for v in model.c.iter_mut() {
        *v = uniform(seed).signum();
    }
    model.w0.copy_from_slice(&model.w);
    model.u0.copy_from_slice(&model.u);
    let mut ws = Workspace::new(&model.spec, n, t_len).unwrap();
    let s = 1.0 / (d as f32).sqrt();
    for v in ws.x.iter_mut() {
        *v = uniform(seed) * s;
    }
    for v in ws.y.iter_mut() {
        *v = uniform(seed);
    }
    (model, ws)
}

/// Best of `reps` loss_grad calls, in ns per n*T*m element, with the flush threshold `tau`.
fn ns_per_element(model: &mut Model, ws: &mut Workspace, tau: f32, reps: usize) -> f64 {
    let elements = (ws.n() * ws.t() * model.spec.m) as f64;
    with_threshold(tau, || {
        ws.loss_grad(model).unwrap();
        let mut best = f64::INFINITY;
        for _ in 0..reps {
            let t0 = Instant::now();
            ws.loss_grad(model).unwrap();
            best = best.min(t0.elapsed().as_secs_f64());
        }
        best * 1e9 / elements
    })
}

fn main() {
    let mut seed = 3u64;
    println!("diagonal, m = 512, d = 8, n = 64: ns per n*T*m element of one loss_grad (native, FTZ/DAZ off)");
    println!("| setting | unflushed | flushed | ratio |");
    println!("|---|---|---|---|");
    for (alpha, t_len, rademacher, label) in [
        (0.5, 10, false, "alpha = 0.5, T = 10"),
        (0.5, 50, false, "alpha = 0.5, T = 50"),
        (1.0, 50, false, "alpha = 1, T = 50"),
        (2.0, 50, false, "alpha = 2, T = 50"),
        (1.0, 50, true, "alpha = 1, T = 50, w Rademacher"),
    ] {
        let (mut model, mut ws) = setup(alpha, t_len, rademacher, &mut seed);
        let off = ns_per_element(&mut model, &mut ws, 0.0, 20);
        let on = ns_per_element(&mut model, &mut ws, FLUSH_BELOW, 20);
        println!("| {label} | {off:.2} | {on:.2} | {:.2} |", off / on);
    }
}
