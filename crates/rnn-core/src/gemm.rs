//! General matrix product `C += A * (scale * B)` over strided views, blocked for the cache.
//!
//! A is read through `(row stride, p stride)`, so both `A` and `A^T` of a row-major buffer are
//! expressible; B through `(p stride, column stride)`, so both `B` and `B^T` are too. Panels of
//! `KC x 8` of B are packed (and scaled) into a stack buffer, then the `4 x 8` register-blocked
//! microkernel of [`crate::simd`] sweeps all row strips of A against that panel. When the depth
//! is short (`k < KC`) several panels share the buffer and each row strip runs along all of them.
//!
//! Every element of C is summed over p in increasing order, starting from its value on entry,
//! whatever its position in the blocking (interior or edge). Hence two columns of C computed from
//! identical columns of B are bit-identical (the symmetric initialization relies on this), and
//! the SIMD and scalar builds agree bit for bit.

use crate::simd::{kernel, MR, NR};

/// A `ROWS x 8` microkernel with the contract of [`crate::simd::kernel`] (bit-identical results:
/// every element of C is summed over p in the same order whatever the block height).
trait Micro {
    /// Rows of A per strip (the kernel's largest `R`).
    const ROWS: usize;
    fn run<const R: usize, const ACC: bool>(
        kc: usize,
        a: &[f32],
        a_rs: usize,
        a_ps: usize,
        bp: &[f32],
        c: &mut [f32],
        ldc: usize,
        nc: usize,
    );
}

/// [`crate::simd::kernel`]: SIMD128 on wasm32, lane by lane elsewhere.
struct Portable;
impl Micro for Portable {
    const ROWS: usize = MR;
    #[inline(always)]
    fn run<const R: usize, const ACC: bool>(
        kc: usize,
        a: &[f32],
        a_rs: usize,
        a_ps: usize,
        bp: &[f32],
        c: &mut [f32],
        ldc: usize,
        nc: usize,
    ) {
        kernel::<R, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc)
    }
}

/// [`crate::simd_x86::kernel_avx2`]; only ever instantiated inside [`gemm_avx2`].
#[cfg(target_arch = "x86_64")]
struct Avx2;
#[cfg(target_arch = "x86_64")]
impl Micro for Avx2 {
    /// 8 x 8: eight 8-lane accumulators hide the add latency (4 would leave the adder idle).
    const ROWS: usize = 8;
    #[inline(always)]
    fn run<const R: usize, const ACC: bool>(
        kc: usize,
        a: &[f32],
        a_rs: usize,
        a_ps: usize,
        bp: &[f32],
        c: &mut [f32],
        ldc: usize,
        nc: usize,
    ) {
        // SAFETY: Avx2 is used only by gemm_avx2, which runs only after avx2_available().
        unsafe { crate::simd_x86::kernel_avx2::<R, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc) }
    }
}

/// Which microkernel this CPU runs: "avx2" (native x86-64 with AVX2), "simd128" (wasm with
/// SIMD128) or "scalar".
pub fn kernel_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if crate::simd_x86::avx2_available() {
        return "avx2";
    }
    if crate::simd::simd_enabled() {
        "simd128"
    } else {
        "scalar"
    }
}

/// Depth of one packed B panel (`KC x 8` floats = 8 KiB on the stack, stays in L1).
pub const KC: usize = 512;

/// Read-only strided view of A: element `(r, p)` is `data[r * rs + p * ps]`.
#[derive(Clone, Copy)]
pub struct MatA<'a> {
    pub data: &'a [f32],
    pub rs: usize,
    pub ps: usize,
}

/// Read-only strided view of B, scaled: element `(p, c)` is `scale * data[p * ps + c * cs]`.
#[derive(Clone, Copy)]
pub struct MatB<'a> {
    pub data: &'a [f32],
    pub ps: usize,
    pub cs: usize,
    pub scale: f32,
}

/// `C[r * ldc + c] += sum_{p < k} A(r, p) * B(p, c)` for `r < m`, `c < n`.
///
/// Panics (never silently reads out of bounds) if a view is too short for the given sizes.
pub fn gemm(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    gemm_impl::<true>(m, n, k, a, b, c, ldc)
}

/// `C[r * ldc + c] = sum_{p < k} A(r, p) * B(p, c)`: like [`gemm`] from a zero C (bit for bit),
/// without reading C first.
pub fn gemm_set(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    gemm_impl::<false>(m, n, k, a, b, c, ldc)
}

fn gemm_impl<const ACC: bool>(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    #[cfg(target_arch = "x86_64")]
    if crate::simd_x86::avx2_available() {
        // SAFETY: the CPU has AVX2 (checked at run time, cached by std).
        return unsafe { gemm_avx2::<ACC>(m, n, k, a, b, c, ldc) };
    }
    gemm_blocked::<ACC, Portable>(m, n, k, a, b, c, ldc)
}

/// The blocked product compiled with AVX2 enabled (pack_b and the loops too), 8-lane kernel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemm_avx2<const ACC: bool>(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    gemm_blocked::<ACC, Avx2>(m, n, k, a, b, c, ldc)
}

#[inline(always)]
fn gemm_blocked<const ACC: bool, K: Micro>(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    if m == 0 || n == 0 {
        return;
    }
    assert!((m - 1) * ldc + n <= c.len(), "gemm: C too short");
    if k == 0 {
        if !ACC {
            for r in 0..m {
                c[r * ldc..r * ldc + n].fill(0.0);
            }
        }
        return;
    }
    let mut panel = [0.0f32; KC * NR];
    let mut p0 = 0;
    while p0 < k {
        let kc = KC.min(k - p0);
        // Only the first depth block may overwrite C; later ones accumulate.
        let acc = ACC || p0 > 0;
        // Pack as many 8-column panels of this depth block as fit in the buffer (one when kc =
        // KC; all of B for a short depth such as the input projection's k = d), then let every
        // row strip run along the whole group: C is written in long runs along each row instead
        // of 32-byte pieces at a power-of-two stride, which thrashes the cache sets.
        let group = (KC / kc).max(1);
        let mut c0 = 0;
        while c0 < n {
            let c_end = (c0 + group * NR).min(n);
            let mut q0 = c0;
            while q0 < c_end {
                let off = (q0 - c0) / NR * kc * NR;
                pack_b(&b, p0, kc, q0, NR.min(c_end - q0), &mut panel[off..off + kc * NR]);
                q0 += NR;
            }
            let mut r0 = 0;
            while r0 < m {
                let rows = K::ROWS.min(m - r0);
                let a_sub = &a.data[r0 * a.rs + p0 * a.ps..];
                let mut q0 = c0;
                while q0 < c_end {
                    let nc = NR.min(c_end - q0);
                    let off = (q0 - c0) / NR * kc * NR;
                    let bp = &panel[off..off + kc * NR];
                    let c_sub = &mut c[r0 * ldc + q0..];
                    match (rows, acc) {
                        // Only for kernels with ROWS = 8 (a constant: folded away for the others).
                        (8, true) if K::ROWS >= 8 => K::run::<8, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (7, true) if K::ROWS >= 8 => K::run::<7, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (6, true) if K::ROWS >= 8 => K::run::<6, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (5, true) if K::ROWS >= 8 => K::run::<5, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (8, false) if K::ROWS >= 8 => K::run::<8, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (7, false) if K::ROWS >= 8 => K::run::<7, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (6, false) if K::ROWS >= 8 => K::run::<6, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (5, false) if K::ROWS >= 8 => K::run::<5, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (4, true) => K::run::<4, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (3, true) => K::run::<3, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (2, true) => K::run::<2, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (_, true) => K::run::<1, true>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (4, false) => K::run::<4, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (3, false) => K::run::<3, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (2, false) => K::run::<2, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                        (_, false) => K::run::<1, false>(kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc),
                    }
                    q0 += NR;
                }
                r0 += K::ROWS;
            }
            c0 = c_end;
        }
        p0 += KC;
    }
}

/// Packs `scale * B(p0 + p, c0 + q)` into `panel[p * 8 + q]`, zero-padding columns `q >= nc`.
#[inline]
fn pack_b(b: &MatB, p0: usize, kc: usize, c0: usize, nc: usize, panel: &mut [f32]) {
    let s = b.scale;
    if b.cs == 1 && nc == NR {
        for p in 0..kc {
            let src = &b.data[(p0 + p) * b.ps + c0..(p0 + p) * b.ps + c0 + NR];
            let dst = &mut panel[p * NR..p * NR + NR];
            for q in 0..NR {
                dst[q] = s * src[q];
            }
        }
    } else {
        for p in 0..kc {
            let dst = &mut panel[p * NR..p * NR + NR];
            for (q, v) in dst.iter_mut().enumerate() {
                *v = if q < nc {
                    s * b.data[(p0 + p) * b.ps + (c0 + q) * b.cs]
                } else {
                    0.0
                };
            }
        }
    }
}

#[cfg(test)]
mod tests {
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

    /// The AVX2 microkernel (native x86-64) equals the portable one bit for bit, every shape.
    #[cfg(target_arch = "x86_64")]
    #[test]
    fn avx2_matches_portable_bit_for_bit() {
        assert!(crate::simd_x86::avx2_available(), "this test needs a CPU with AVX2");
        let mut rng = Rng(11);
        for &(m, n, k) in &[(1, 1, 1), (5, 9, 7), (13, 17, 300), (3, 24, 2 * KC + 3), (33, 6, 2)] {
            let a: Vec<f32> = (0..m * k).map(|_| rng.next()).collect();
            let b: Vec<f32> = (0..k * n).map(|_| rng.next() * 1e-3).collect();
            let c0: Vec<f32> = (0..m * n).map(|_| rng.next()).collect();
            let (va, vb) = (
                MatA { data: &a, rs: k, ps: 1 },
                MatB {
                    data: &b,
                    ps: n,
                    cs: 1,
                    scale: 0.3,
                },
            );
            let (mut c1, mut c2) = (c0.clone(), c0.clone());
            gemm_blocked::<true, Portable>(m, n, k, va, vb, &mut c1, n);
            // SAFETY: asserted above that the CPU has AVX2.
            unsafe { gemm_avx2::<true>(m, n, k, va, vb, &mut c2, n) };
            assert!(
                c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()),
                "m={m} n={n} k={k}"
            );
            let (mut c1, mut c2) = (c0.clone(), c0);
            gemm_blocked::<false, Portable>(m, n, k, va, vb, &mut c1, n);
            // SAFETY: as above.
            unsafe { gemm_avx2::<false>(m, n, k, va, vb, &mut c2, n) };
            assert!(
                c1.iter().zip(&c2).all(|(x, y)| x.to_bits() == y.to_bits()),
                "m={m} n={n} k={k}"
            );
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
}
