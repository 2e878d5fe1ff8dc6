//! Benchmark-only export (bench/lib/peak.mjs): the machine's matrix-matrix throughput with
//! rnn-core's own blocked GEMM and register-blocked microkernel. Timed from JS (no clock here).

use rnn_core::gemm::{gemm_set, MatA, MatB};
use wasm_bindgen::prelude::*;

/// Runs `reps` products `C = A B` of an (m x k) by a (k x n) row-major f32 matrix with
/// `rnn_core::gemm::gemm_set`; returns a checksum of C so the work cannot be elided.
#[wasm_bindgen]
pub fn gemm_bench(m: u32, n: u32, k: u32, reps: u32) -> f64 {
    let (m, n, k) = (m as usize, n as usize, k as usize);
    let a: Vec<f32> = (0..m * k).map(|i| ((i % 17) as f32 - 8.0) * 0.01).collect();
    let b: Vec<f32> = (0..k * n).map(|i| ((i % 13) as f32 - 6.0) * 0.01).collect();
    let mut c = vec![0.0f32; m * n];
    for _ in 0..reps {
        gemm_set(
            m,
            n,
            k,
            MatA { data: &a, rs: k, ps: 1 },
            MatB {
                data: &b,
                ps: n,
                cs: 1,
                scale: 1.0,
            },
            &mut c,
            n,
        );
    }
    c.iter().map(|&v| v as f64).sum()
}
