//! Tests of the GEMM kernels (gemm.rs): every kernel against the portable one, every shape.
use super::*;
use crate::test_util::Rng;

/// Checks every stride form against a naive f64 triple loop.
#[test]
fn gemm_matches_naive() {
    let mut rng = Rng(7);
    for &(m, n, k) in &[(1, 1, 1), (4, 8, 3), (5, 9, 7), (13, 17, 300), (3, 24, 513), (33, 6, 2)] {
        for transpose_a in [false, true] {
            for transpose_b in [false, true] {
                let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
                let b: Vec<f32> = (0..k * n).map(|_| rng.next()).collect();
                let c0: Vec<f32> = (0..m * n).map(|_| rng.next()).collect();
                let (a_rs, a_ps) = if transpose_a { (1, m) } else { (k, 1) };
                let (b_ps, b_cs) = if transpose_b { (1, k) } else { (n, 1) };
                let scale = 0.75f32;
                let mut c = c0.clone();
                gemm(
                    m,
                    n,
                    k,
                    MatA {
                        data: &a,
                        rs: a_rs,
                        ps: a_ps,
                    },
                    MatB {
                        data: &b,
                        ps: b_ps,
                        cs: b_cs,
                        scale,
                    },
                    &mut c,
                    n,
                );
                for r in 0..m {
                    for q in 0..n {
                        let mut s = c0[r * n + q] as f64;
                        for p in 0..k {
                            s += a[r * a_rs + p * a_ps] as f64 * (scale * b[p * b_ps + q * b_cs]) as f64;
                        }
                        let got = c[r * n + q] as f64;
                        assert!(
                            (got - s).abs() <= 1e-5 * (1.0 + k as f64).sqrt() * 4.0,
                            "m={m} n={n} k={k} tA={transpose_a} tB={transpose_b}: {got} vs {s}"
                        );
                    }
                }
            }
        }
    }
}

/// `gemm_set` equals `gemm` on a zeroed C, bit for bit, including k = 0 and k > KC.
#[test]
fn gemm_set_matches_gemm_from_zero() {
    let mut rng = Rng(5);
    for &(m, n, k) in &[(5, 9, 0), (6, 10, 7), (9, 3, 2 * KC + 5)] {
        let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
        let b: Vec<f32> = (0..k * n).map(|_| rng.next()).collect();
        let mut c1 = vec![0.0f32; m * n];
        let mut c2: Vec<f32> = (0..m * n).map(|_| rng.next()).collect();
        let (va, vb) = (
            MatA { data: &a, rs: k, ps: 1 },
            MatB {
                data: &b,
                ps: n,
                cs: 1,
                scale: 0.5,
            },
        );
        gemm(m, n, k, va, vb, &mut c1, n);
        gemm_set(m, n, k, va, vb, &mut c2, n);
        assert!(c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()));
    }
}

/// Every native x86-64 kernel this CPU has, on every stride form and edge shape: the exact ones
/// equal the portable kernel bit for bit; the fused ones differ from it by at most the
/// accumulated rounding of the unfused sums, `k` half-ulps of the running |sum| (and they
/// differ somewhere: the test would catch a "fused" path that silently runs unfused).
#[cfg(target_arch = "x86_64")]
#[test]
fn x86_kernels_match_portable() {
    use crate::simd_x86::Kernel;
    assert!(crate::simd_x86::avx2_available(), "this test needs a CPU with AVX2");
    let kernels = [Kernel::Avx2, Kernel::Avx2Fma, Kernel::Avx512, Kernel::Avx512Fma];
    let has = |k: Kernel| match k {
        Kernel::Avx512 | Kernel::Avx512Fma => std::is_x86_feature_detected!("avx512f"),
        _ => std::is_x86_feature_detected!("fma"),
    };
    let mut rng = Rng(11);
    let mut fused_differs = false;
    let shapes = [
        (1, 1, 1),
        (5, 9, 7),
        (13, 17, 300),
        (3, 24, 2 * KC + 3),
        (33, 6, 2),
        (9, 70, 129),
        (17, 33, 40),
    ];
    for &(m, n, k) in &shapes {
        for (transpose_a, transpose_b) in [(false, false), (true, false), (false, true), (true, true)] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
            let b: Vec<f32> = (0..k * n).map(|_| rng.next() * 1e-3).collect();
            let c0: Vec<f32> = (0..m * n).map(|_| rng.next()).collect();
            let (a_rs, a_ps) = if transpose_a { (1, m) } else { (k, 1) };
            let (b_ps, b_cs) = if transpose_b { (1, k) } else { (n, 1) };
            let va = MatA {
                data: &a,
                rs: a_rs,
                ps: a_ps,
            };
            let vb = MatB {
                data: &b,
                ps: b_ps,
                cs: b_cs,
                scale: 0.3,
            };
            for kernel in kernels.into_iter().filter(|&k| has(k)) {
                for acc in [true, false] {
                    let (mut c1, mut c2) = (c0.clone(), c0.clone());
                    // SAFETY: has() checked the kernel's features on this CPU.
                    unsafe {
                        match (kernel, acc) {
                            (_, true) => gemm_blocked::<true, Portable>(m, n, k, va, vb, &mut c1, n),
                            (_, false) => gemm_blocked::<false, Portable>(m, n, k, va, vb, &mut c1, n),
                        }
                        match (kernel, acc) {
                            (Kernel::Avx2, true) => gemm_avx2::<true>(m, n, k, va, vb, &mut c2, n),
                            (Kernel::Avx2, false) => gemm_avx2::<false>(m, n, k, va, vb, &mut c2, n),
                            (Kernel::Avx2Fma, true) => gemm_avx2_fma::<true, Avx2Fma>(m, n, k, va, vb, &mut c2, n),
                            (Kernel::Avx2Fma, false) => gemm_avx2_fma::<false, Avx2Fma>(m, n, k, va, vb, &mut c2, n),
                            (Kernel::Avx512, true) => gemm_avx512::<true, Avx512>(m, n, k, va, vb, &mut c2, n),
                            (Kernel::Avx512, false) => gemm_avx512::<false, Avx512>(m, n, k, va, vb, &mut c2, n),
                            (_, true) => gemm_avx512::<true, Avx512Fma>(m, n, k, va, vb, &mut c2, n),
                            (_, false) => gemm_avx512::<false, Avx512Fma>(m, n, k, va, vb, &mut c2, n),
                        }
                        // The narrow kernels the dispatch picks for n <= 16 (any n works).
                        let mut c3 = c0.clone();
                        match (kernel, acc) {
                            (Kernel::Avx2Fma, true) => gemm_avx2_fma::<true, Avx2Fma8>(m, n, k, va, vb, &mut c3, n),
                            (Kernel::Avx2Fma, false) => gemm_avx2_fma::<false, Avx2Fma8>(m, n, k, va, vb, &mut c3, n),
                            (Kernel::Avx512, true) => gemm_avx512::<true, Avx512Narrow>(m, n, k, va, vb, &mut c3, n),
                            (Kernel::Avx512, false) => gemm_avx512::<false, Avx512Narrow>(m, n, k, va, vb, &mut c3, n),
                            (Kernel::Avx512Fma, true) => {
                                gemm_avx512::<true, Avx512FmaNarrow>(m, n, k, va, vb, &mut c3, n)
                            }
                            (Kernel::Avx512Fma, false) => {
                                gemm_avx512::<false, Avx512FmaNarrow>(m, n, k, va, vb, &mut c3, n)
                            }
                            _ => c3.clone_from(&c2),
                        }
                        // Fused kernels of any shape round alike (same p order, one rounding
                        // per step); exact ones equal the portable kernel anyway.
                        assert!(
                            c3.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()),
                            "{kernel:?} narrow"
                        );
                    }
                    let what = format!("{kernel:?} acc={acc} m={m} n={n} k={k} tA={transpose_a} tB={transpose_b}");
                    if matches!(kernel, Kernel::Avx2 | Kernel::Avx512) {
                        assert!(c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()), "{what}");
                    } else {
                        for r in 0..m {
                            for q in 0..n {
                                // Bound: each of the k steps rounds a sum of magnitude at most
                                // |C0| + sum |a b| once more in one of the two (u = 2^-24).
                                let mut mag = if acc { c0[r * n + q].abs() as f64 } else { 0.0 };
                                for p in 0..k {
                                    mag += (a[r * a_rs + p * a_ps] * 0.3 * b[p * b_ps + q * b_cs]).abs() as f64;
                                }
                                let bound = 2.0 * k as f64 * mag * f32::EPSILON as f64 / 2.0;
                                let (x, y) = (c1[r * n + q] as f64, c2[r * n + q] as f64);
                                assert!((x - y).abs() <= bound, "{what}: {x} vs {y}");
                                fused_differs |= x != y;
                            }
                        }
                    }
                }
            }
        }
    }
    if has(Kernel::Avx2Fma) {
        assert!(fused_differs, "the fused kernels gave the unfused bits everywhere");
    }
}

/// The choice of kernel: exact when asked, the fused one of the same width otherwise.
#[cfg(target_arch = "x86_64")]
#[test]
fn kernel_selection_follows_exactness() {
    use crate::simd_x86::{best, Kernel};
    let exact = best(true);
    let fused = best(false);
    assert!(matches!(exact, Kernel::Avx2 | Kernel::Avx512 | Kernel::Portable));
    match exact {
        Kernel::Avx512 => assert_eq!(fused, Kernel::Avx512Fma),
        Kernel::Avx2 if std::is_x86_feature_detected!("fma") => assert_eq!(fused, Kernel::Avx2Fma),
        _ => assert_eq!(fused, exact),
    }
    if std::is_x86_feature_detected!("avx512f") {
        assert_eq!(exact.name(), "avx512");
        assert_eq!(fused.name(), "avx512-fma");
    }
}

/// Identical columns of B give bit-identical columns of C, wherever they sit in the blocking.
#[test]
fn identical_columns_are_bit_identical() {
    let mut rng = Rng(3);
    let (m, n, k) = (7, 22, 300);
    let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
    let mut b: Vec<f32> = (0..k * n).map(|_| rng.next()).collect();
    for p in 0..k {
        for q in 0..n / 2 {
            b[p * n + q + n / 2] = b[p * n + q];
        }
    }
    let mut c = vec![0.0f32; m * n];
    gemm(
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
    for r in 0..m {
        for q in 0..n / 2 {
            assert_eq!(c[r * n + q].to_bits(), c[r * n + q + n / 2].to_bits());
        }
    }
}
