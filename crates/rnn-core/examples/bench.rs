//! Native timing of the main kernels: `cargo run --release -p rnn-core --example bench`.
//! (Natively `F32x4` is the portable lane-by-lane type, auto-vectorized by LLVM at best; the
//! numbers that matter are the wasm SIMD ones, measured from Node.)

use rnn_core::{Activation, Features, Model, Pass, Projection, Readout, Recurrence, Spec, Teacher, Workspace};
use std::time::Instant;

fn fill(v: &mut [f32], seed: &mut u64, scale: f32) {
    for x in v.iter_mut() {
        *seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        *x = (((*seed >> 40) as f32 / (1u64 << 24) as f32) * 2.0 - 1.0) * scale;
    }
}

fn main() {
    let mut seed = 1u64;
    let (m, d, t_len, n) = (128, 8, 20, 256);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        let spec = Spec {
            recurrence: rec,
            activation: Activation::Tanh,
            readout: Readout::Final,
            m,
            d,
            alpha: 1.0,
        };
        let mut model = Model::new(spec).unwrap();
        fill(&mut model.w, &mut seed, 0.9);
        fill(&mut model.u, &mut seed, 0.5);
        model.w0.copy_from_slice(&model.w);
        model.u0.copy_from_slice(&model.u);
        let mut ws = Workspace::new(&spec, n, t_len).unwrap();
        fill(&mut ws.x, &mut seed, 0.3);
        fill(&mut ws.y, &mut seed, 0.5);
        ws.reserve(20, 0).unwrap();
        ws.train(&mut model, 2, 0.01, Projection::MaxNorm(10.0), 0).unwrap();
        let t0 = Instant::now();
        let steps = ws.train(&mut model, 20, 0.01, Projection::MaxNorm(10.0), 0).unwrap();
        let ms = t0.elapsed().as_secs_f64() * 1e3 / steps as f64;
        let w_flops = if rec == Recurrence::Dense { m * m } else { m };
        let flops = 6.0 * (n * t_len * (w_flops + m * d)) as f64;
        println!(
            "{rec:?} m={m} d={d} T={t_len} n={n}: {ms:.2} ms/step, {:.1} GFLOP/s",
            flops / ms / 1e6
        );
        let nf = 500;
        let mut f = Features::new(&spec, nf, t_len).unwrap();
        fill(f.x_mut(), &mut seed, 0.3);
        let t0 = Instant::now();
        f.ntk_gram(&model).unwrap();
        println!("{rec:?} ntk_gram n={nf}: {:.0} ms", t0.elapsed().as_secs_f64() * 1e3);
    }
    let (nt, mt) = (1000, 20000);
    let mut teacher = Teacher::new(Activation::Tanh, d, 1.0, mt).unwrap();
    fill(&mut teacher.w, &mut seed, 1.0);
    fill(&mut teacher.u, &mut seed, 0.5);
    fill(&mut teacher.v, &mut seed, 1.0);
    let mut x = vec![0.0f32; nt * t_len * d];
    fill(&mut x, &mut seed, 0.3);
    let mut out = vec![0.0f32; nt];
    let t0 = Instant::now();
    teacher.sum(&x, nt, t_len, &mut out).unwrap();
    println!(
        "teacher_sum n={nt} T={t_len} d={d} M={mt}: {:.0} ms",
        t0.elapsed().as_secs_f64() * 1e3
    );
}
