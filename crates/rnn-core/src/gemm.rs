//! General matrix product `C += A * (scale * B)` over strided views, blocked for the cache.
//!
//! A is read through `(row stride, p stride)`, so both `A` and `A^T` of a row-major buffer are
//! expressible; B through `(p stride, column stride)`, so both `B` and `B^T` are too. Panels of
//! `kc x NR` of B are packed (and scaled) into a 16 KiB stack buffer, then a register-blocked
//! microkernel sweeps all row strips of A against that panel: `4 x 8` of [`crate::simd`] (wasm,
//! portable), natively on x86-64 the one [`crate::simd_x86::selected`] chose (AVX2 `8 x 8`,
//! AVX2+FMA `6 x 16`, AVX-512 `8 x 32`). When the depth is short (`k < kc`) several panels share
//! the buffer and each row strip runs along all of them.
//!
//! Every element of C is summed over p in increasing order, starting from its value on entry,
//! whatever its position in the blocking (interior or edge) and whatever the kernel's shape.
//! Hence two columns of C computed from identical columns of B are bit-identical (the symmetric
//! initialization relies on this), and the SIMD and scalar builds and the exact native kernels
//! agree bit for bit; the fused native kernels round once per multiply-add instead of twice.

use crate::simd::{kernel, MR, NR};

/// A `ROWS x NR` microkernel with the contract of [`crate::simd::kernel`] over panels of `NR`
/// columns. The exact kernels give bit-identical results whatever `ROWS` and `NR` (every element
/// of C is summed over p in the same order); the fused ones differ from them in the last bits.
trait Micro {
    /// Rows of A per strip (the kernel's largest `R`, at most 8).
    const ROWS: usize;
    /// Columns of a packed B panel (a multiple of 8, at most [`PANEL`] / 8).
    const NR: usize;
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
    const NR: usize = NR;
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

/// Declares a microkernel over [`crate::simd_x86`]'s `kernel_256` / `kernel_512`; each is only
/// ever instantiated inside the `gemm_*` entry compiled with the features it needs, which runs
/// only when [`crate::simd_x86::selected`] chose it (so the CPU has them).
#[cfg(target_arch = "x86_64")]
macro_rules! x86_micro {
    ($(#[$doc:meta])* $name:ident, $kernel:ident, rows $rows:literal, vectors $w:literal, lanes $lanes:literal, fused $fused:literal) => {
        $(#[$doc])*
        struct $name;
        impl Micro for $name {
            const ROWS: usize = $rows;
            const NR: usize = $w * $lanes;
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
                // SAFETY: see the macro's comment: the CPU has the kernel's features.
                unsafe { crate::simd_x86::$kernel::<R, $w, ACC, $fused>(kc, a, a_rs, a_ps, bp, c, ldc, nc) }
            }
        }
    };
}
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX2, 8 x 8, mul then add: eight 8-lane accumulators hide the add latency.
    Avx2, kernel_256, rows 8, vectors 1, lanes 8, fused false
);
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX2 + FMA, 6 x 16: twelve accumulators, two B vectors and a broadcast in 16 registers.
    Avx2Fma, kernel_256, rows 6, vectors 2, lanes 8, fused true
);
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX-512, 8 x 32, mul then add: one broadcast of A feeds two 16-lane products.
    Avx512, kernel_512, rows 8, vectors 2, lanes 16, fused false
);
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX-512, 8 x 32, fused multiply-add.
    Avx512Fma, kernel_512, rows 8, vectors 2, lanes 16, fused true
);
// Narrow products (n <= 16 columns: dU has n = d) with the 8 x 32 or 6 x 16 blocks would compute
// mostly padding; these keep the panel as wide as the product.
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX-512, 8 x 16, mul then add (products with 9 to 16 columns).
    Avx512Narrow, kernel_512, rows 8, vectors 1, lanes 16, fused false
);
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX-512, 8 x 16, fused (products with 9 to 16 columns).
    Avx512FmaNarrow, kernel_512, rows 8, vectors 1, lanes 16, fused true
);
#[cfg(target_arch = "x86_64")]
x86_micro!(
    /// AVX2 + FMA, 8 x 8, fused (products with at most 8 columns).
    Avx2Fma8, kernel_256, rows 8, vectors 1, lanes 8, fused true
);

/// Which microkernel this process runs: natively on x86-64 "avx512-fma", "avx512", "avx2-fma",
/// "avx2" ([`crate::simd_x86::selected`]; the `-fma` ones fuse, the others are bit-identical
/// to wasm), "simd128" (wasm with SIMD128) or "scalar".
pub fn kernel_name() -> &'static str {
    #[cfg(target_arch = "x86_64")]
    if crate::simd_x86::avx2_available() {
        return crate::simd_x86::selected().name();
    }
    if crate::simd::simd_enabled() {
        "simd128"
    } else {
        "scalar"
    }
}

/// Natively on x86-64: chooses the exact kernels (`true`, bit-identical to wasm) or the fused ones
/// for the whole process ([`crate::simd_x86::set_exact`]). Every other build is always exact.
pub fn set_exact(exact: bool) {
    #[cfg(target_arch = "x86_64")]
    crate::simd_x86::set_exact(exact);
    #[cfg(not(target_arch = "x86_64"))]
    let _ = exact;
}

/// Depth of one packed B panel of the portable kernel (`KC x 8` floats = 16 KiB, stays in L1).
pub const KC: usize = 512;
/// Floats of the packed-panel buffer (on the stack): a kernel with `NR` columns packs `PANEL / NR`
/// rows of B per depth block.
const PANEL: usize = KC * NR;

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
    {
        use crate::simd_x86::{selected, Kernel};
        // SAFETY (each arm): selected() chose the kernel for this CPU's features.
        // (Every kernel of one kind rounds alike: the exact ones all equal wasm, whatever n.)
        match (selected(), n) {
            (Kernel::Avx512Fma, 0..=8) => return unsafe { gemm_avx512::<ACC, Avx2Fma8>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx512Fma, 9..=16) => {
                return unsafe { gemm_avx512::<ACC, Avx512FmaNarrow>(m, n, k, a, b, c, ldc) }
            }
            (Kernel::Avx512Fma, _) => return unsafe { gemm_avx512::<ACC, Avx512Fma>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx512, 0..=8) => return unsafe { gemm_avx512::<ACC, Avx2>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx512, 9..=16) => return unsafe { gemm_avx512::<ACC, Avx512Narrow>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx512, _) => return unsafe { gemm_avx512::<ACC, Avx512>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx2Fma, 0..=8) => return unsafe { gemm_avx2_fma::<ACC, Avx2Fma8>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx2Fma, _) => return unsafe { gemm_avx2_fma::<ACC, Avx2Fma>(m, n, k, a, b, c, ldc) },
            (Kernel::Avx2, _) => return unsafe { gemm_avx2::<ACC>(m, n, k, a, b, c, ldc) },
            (Kernel::Portable, _) => {}
        }
    }
    gemm_blocked::<ACC, Portable>(m, n, k, a, b, c, ldc)
}

/// The blocked product compiled with AVX2 enabled (pack_b and the loops too), 8 x 8 kernel.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn gemm_avx2<const ACC: bool>(m: usize, n: usize, k: usize, a: MatA, b: MatB, c: &mut [f32], ldc: usize) {
    gemm_blocked::<ACC, Avx2>(m, n, k, a, b, c, ldc)
}

/// The blocked product compiled with AVX2 and FMA, `K` = [`Avx2Fma`] (6 x 16) or [`Avx2Fma8`].
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn gemm_avx2_fma<const ACC: bool, K: Micro>(
    m: usize,
    n: usize,
    k: usize,
    a: MatA,
    b: MatB,
    c: &mut [f32],
    ldc: usize,
) {
    gemm_blocked::<ACC, K>(m, n, k, a, b, c, ldc)
}

/// The blocked product compiled with AVX-512F (and FMA), `K` one of the AVX-512 kernels or, for
/// at most 8 columns, [`Avx2`] / [`Avx2Fma8`] (Rust never contracts a mul and an add into an FMA
/// by itself, so the unfused kernels stay exact).
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,fma")]
unsafe fn gemm_avx512<const ACC: bool, K: Micro>(
    m: usize,
    n: usize,
    k: usize,
    a: MatA,
    b: MatB,
    c: &mut [f32],
    ldc: usize,
) {
    gemm_blocked::<ACC, K>(m, n, k, a, b, c, ldc)
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
    let nr = K::NR;
    let kc_max = PANEL / nr;
    let mut panel = [0.0f32; PANEL];
    let mut p0 = 0;
    while p0 < k {
        let kc = kc_max.min(k - p0);
        // Only the first depth block may overwrite C; later ones accumulate.
        let acc = ACC || p0 > 0;
        // Pack as many panels of this depth block as fit in the buffer (one when kc = kc_max;
        // all of B for a short depth such as the input projection's k = d), then let every
        // row strip run along the whole group: C is written in long runs along each row instead
        // of short pieces at a power-of-two stride, which thrashes the cache sets.
        let group = (kc_max / kc).max(1);
        let mut c0 = 0;
        while c0 < n {
            let c_end = (c0 + group * nr).min(n);
            let mut q0 = c0;
            while q0 < c_end {
                let off = (q0 - c0) / nr * kc * nr;
                pack_b(&b, p0, kc, q0, nr.min(c_end - q0), nr, &mut panel[off..off + kc * nr]);
                q0 += nr;
            }
            let mut r0 = 0;
            while r0 < m {
                let rows = K::ROWS.min(m - r0);
                let a_sub = &a.data[r0 * a.rs + p0 * a.ps..];
                let mut q0 = c0;
                while q0 < c_end {
                    let nc = nr.min(c_end - q0);
                    let off = (q0 - c0) / nr * kc * nr;
                    let bp = &panel[off..off + kc * nr];
                    let c_sub = &mut c[r0 * ldc + q0..];
                    if acc {
                        run_rows::<true, K>(rows, kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc);
                    } else {
                        run_rows::<false, K>(rows, kc, a_sub, a.rs, a.ps, bp, c_sub, ldc, nc);
                    }
                    q0 += nr;
                }
                r0 += K::ROWS;
            }
            c0 = c_end;
        }
        p0 += kc_max;
    }
}

/// `K::run::<rows, ACC>` for `1 <= rows <= K::ROWS` (heights above ROWS fold away).
#[inline(always)]
fn run_rows<const ACC: bool, K: Micro>(
    rows: usize,
    kc: usize,
    a: &[f32],
    a_rs: usize,
    a_ps: usize,
    bp: &[f32],
    c: &mut [f32],
    ldc: usize,
    nc: usize,
) {
    match rows {
        8 if K::ROWS >= 8 => K::run::<8, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        7 if K::ROWS >= 7 => K::run::<7, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        6 if K::ROWS >= 6 => K::run::<6, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        5 if K::ROWS >= 5 => K::run::<5, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        4 if K::ROWS >= 4 => K::run::<4, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        3 => K::run::<3, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        2 => K::run::<2, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
        _ => K::run::<1, ACC>(kc, a, a_rs, a_ps, bp, c, ldc, nc),
    }
}

/// Packs `scale * B(p0 + p, c0 + q)` into `panel[p * nr + q]`, zero-padding columns `q >= nc`.
/// The same products in every layout (so every kernel sees the same numbers).
#[inline]
fn pack_b(b: &MatB, p0: usize, kc: usize, c0: usize, nc: usize, nr: usize, panel: &mut [f32]) {
    let s = b.scale;
    let panel = &mut panel[..kc * nr];
    if b.cs == 1 {
        // Rows of B are contiguous: copy row pieces.
        for (p, dst) in panel.chunks_exact_mut(nr).enumerate() {
            let src = &b.data[(p0 + p) * b.ps + c0..(p0 + p) * b.ps + c0 + nc];
            for (d, v) in dst.iter_mut().zip(src) {
                *d = s * v;
            }
            dst[nc..].fill(0.0);
        }
    } else if b.ps == 1 {
        // B is a transposed row-major matrix (the Gram matrix's J^T, the forward pass's W^T):
        // each column is contiguous, read it in one run and scatter down the panel (in L1).
        for q in 0..nr {
            if q < nc {
                let src = &b.data[(c0 + q) * b.cs + p0..(c0 + q) * b.cs + p0 + kc];
                for (p, v) in src.iter().enumerate() {
                    panel[p * nr + q] = s * v;
                }
            } else {
                for p in 0..kc {
                    panel[p * nr + q] = 0.0;
                }
            }
        }
    } else {
        for (p, dst) in panel.chunks_exact_mut(nr).enumerate() {
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
#[path = "gemm_tests.rs"]
mod tests;
