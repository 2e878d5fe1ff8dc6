//! Per-neuron tangent features of the diagonal model and the teacher sum (docs/spec/model.md section 9).
//!
//! `phi_T(X; theta_i) = d h_{i,T-1} / d theta_i` in R^{1+d} (`q = 0`: the w-component), by
//! forward-mode differentiation:
//!
//! ```text
//! dh_t/dw = sigma'(z_t) (alpha h_{t-1} + alpha w dh_{t-1}/dw)
//! dh_t/du = sigma'(z_t) (x_t + alpha w dh_{t-1}/du)
//! ```
//!
//! The teacher sum `out_j = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` never stores features:
//! `<v, phi_T>` is the directional derivative of `h_{T-1}` along `v`, one forward-mode pass
//! `delta_t = sigma'(z_t) (alpha v_w h_{t-1} + alpha w delta_{t-1} + <v_u, x_t>)` per particle,
//! SIMD over 4 particles and interleaving several samples for instruction-level parallelism.
//!
//! The tangents are flushed to zero below [`crate::flush::FLUSH_BELOW`] like the BPTT adjoints:
//! their source terms keep them away from zero in the usual regimes, but a neuron whose
//! `sigma'` collapses would otherwise decay them into the subnormal range.
//!
//! Both use the operation order of the batched forward pass (`z = sum_k x_k u_k` in increasing
//! k, then `+ (alpha w) h`), so their `h` equal the training forward's bit for bit.

use crate::activation::with_activation;
use crate::flush::{flush4, threshold};
use crate::model::{Activation, Model, Recurrence};
use crate::simd::{kernel, F32x4};
use crate::workspace::checked_len;

fn round4(m: usize) -> usize {
    m.div_ceil(4) * 4
}

/// Scratch length (f32) needed by [`tangent_features`].
pub fn tangent_scratch_len(m: usize, d: usize) -> usize {
    (4 + 2 * d) * round4(m)
}

/// Writes `out[(j*m + i)*(1+d) + q] = phi_T(X_j; theta_i)_q` for `j < n` (diagonal model only).
/// `x` is `n x T x d` sample-major; `scratch` has at least [`tangent_scratch_len`] elements.
pub fn tangent_features(
    model: &Model,
    x: &[f32],
    n: usize,
    t_len: usize,
    out: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), String> {
    #[cfg(target_arch = "x86_64")]
    if crate::simd_x86::avx2_available() {
        // SAFETY: the CPU has AVX2 (checked at run time).
        return unsafe { tangent_features_avx2(model, x, n, t_len, out, scratch) };
    }
    tangent_features_any(model, x, n, t_len, out, scratch)
}

/// [`tangent_features`] compiled with AVX2 (native x86-64): same operations, never fused.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2")]
unsafe fn tangent_features_avx2(
    model: &Model,
    x: &[f32],
    n: usize,
    t_len: usize,
    out: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), String> {
    tangent_features_any(model, x, n, t_len, out, scratch)
}

#[inline(always)]
fn tangent_features_any(
    model: &Model,
    x: &[f32],
    n: usize,
    t_len: usize,
    out: &mut [f32],
    scratch: &mut [f32],
) -> Result<(), String> {
    let spec = &model.spec;
    if spec.recurrence != Recurrence::Diagonal {
        return Err("tangent features are defined for the diagonal recurrence only".into());
    }
    let (m, d) = (spec.m, spec.d);
    let q = 1 + d;
    if x.len() < n * t_len * d || out.len() < n * m * q || scratch.len() < tangent_scratch_len(m, d) {
        return Err("tangent_features: buffer too short".into());
    }
    let m4 = round4(m);
    let (aw, rest) = scratch.split_at_mut(m4);
    let (ut, rest) = rest.split_at_mut(d * m4);
    let (h, rest) = rest.split_at_mut(m4);
    let (dw, rest) = rest.split_at_mut(m4);
    let (du, _) = rest.split_at_mut(d * m4);
    // `ut` and `du` hold groups of 4 neurons: `[group][k][lane]` (index `(i/4)*4d + 4k + i%4`), so
    // one group's d vectors are adjacent (a `k * m4` stride is a power of two for m = 1024: its d
    // streams then share one L1 set and miss every time). Padded lanes (i >= m) carry zero
    // weights: harmless, never written out.
    aw.fill(0.0);
    ut.fill(0.0);
    for i in 0..m {
        aw[i] = spec.alpha * model.w[i];
        for k in 0..d {
            ut[(i / 4) * 4 * d + k * 4 + i % 4] = model.u[i * d + k];
        }
    }
    with_activation!(spec.activation, |f| tangent_loop(
        x, n, t_len, d, m4, spec.alpha, aw, ut, h, dw, du, out, m, f
    ));
    Ok(())
}

#[inline(always)]
fn tangent_loop(
    x: &[f32],
    n: usize,
    t_len: usize,
    d: usize,
    m4: usize,
    alpha: f32,
    aw: &[f32],
    ut: &[f32],
    h: &mut [f32],
    dw: &mut [f32],
    du: &mut [f32],
    out: &mut [f32],
    m: usize,
    act: impl Fn(F32x4) -> (F32x4, F32x4) + Copy,
) {
    // No closure here: natively a closure is not inlined into the AVX2 entry for sure, and out of
    // line it is compiled for baseline x86-64 (SSE2, libm calls for the rounding): 10x slower.
    // The first sample is peeled off: two call sites keep wasm-opt from inlining the hot
    // function into this long-running loop (see `Teacher::block`).
    let xs = |j: usize| j * t_len * d..(j + 1) * t_len * d;
    if n > 0 {
        tangent_sample(&x[xs(0)], t_len, d, m4, alpha, aw, ut, h, dw, du, act);
        write_features(0, m, d, dw, du, out);
    }
    for j in 1..n {
        tangent_sample(&x[xs(j)], t_len, d, m4, alpha, aw, ut, h, dw, du, act);
        write_features(j, m, d, dw, du, out);
    }
}

/// Copies sample j's features (`dw`, `du`, neuron-major in `out`).
#[inline(always)]
fn write_features(j: usize, m: usize, d: usize, dw: &[f32], du: &[f32], out: &mut [f32]) {
    for i in 0..m {
        let o = (j * m + i) * (1 + d);
        out[o] = dw[i];
        for k in 0..d {
            out[o + 1 + k] = du[(i / 4) * 4 * d + k * 4 + i % 4];
        }
    }
}

/// Forward-mode pass of one sequence `xj` (`T x d`) for all neurons (SIMD over neurons).
/// Never inlined so that V8 optimizes it after a few calls (see `Teacher::block`).
#[cfg_attr(not(target_arch = "x86_64"), inline(never))]
#[cfg_attr(target_arch = "x86_64", inline(always))] // natively: into the AVX2 entry (see tangent_features)
fn tangent_sample(
    xj: &[f32],
    t_len: usize,
    d: usize,
    m4: usize,
    alpha: f32,
    aw: &[f32],
    ut: &[f32],
    h: &mut [f32],
    dw: &mut [f32],
    du: &mut [f32],
    act: impl Fn(F32x4) -> (F32x4, F32x4),
) {
    let alpha4 = F32x4::splat(alpha);
    let tau = F32x4::splat(threshold());
    h.fill(0.0);
    dw.fill(0.0);
    du.fill(0.0);
    for t in 0..t_len {
        let xrow = &xj[t * d..(t + 1) * d];
        let mut i = 0;
        while i < m4 {
            let mut z = F32x4::zero();
            for k in 0..d {
                z = z.add(F32x4::splat(xrow[k]).mul(F32x4::load(ut, i * d + k * 4)));
            }
            let awv = F32x4::load(aw, i);
            let hv = F32x4::load(h, i);
            let z = z.add(awv.mul(hv));
            let (hn, sp) = act(z);
            let dwv = flush4(sp.mul(alpha4.mul(hv).add(awv.mul(F32x4::load(dw, i)))), tau);
            dwv.store(dw, i);
            for k in 0..d {
                let o = i * d + k * 4;
                flush4(sp.mul(F32x4::splat(xrow[k]).add(awv.mul(F32x4::load(du, o)))), tau).store(du, o);
            }
            hn.store(h, i);
            i += 4;
        }
    }
}

/// Teacher particles `theta^k = (w_k, u_k)` with transport vectors `v_k` (diagonal model,
/// any width): `w` (M), `u` (M x d, `u[k*d + q]`), `v` (M x (1+d), `v[k*(1+d) + 0]` = v_w).
pub struct Teacher {
    pub activation: Activation,
    pub d: usize,
    pub alpha: f32,
    count: usize,
    pub w: Vec<f32>,
    pub u: Vec<f32>,
    pub v: Vec<f32>,
    /// Groups of 8 particles: `[w(8), v_w(8), u (d x 8), v_u (d x 8)]` (GEMM B panels).
    packed: Vec<f32>,
}

/// A [`Teacher`] with inputs for up to `n_max` sequences of length `T` and its outputs: the
/// buffers of one teacher-sum call, allocated once (as [`crate::Workspace`] is for training).
pub struct TeacherWorkspace {
    pub teacher: Teacher,
    /// Inputs, `n_max * T * d`, sample-major.
    pub x: Vec<f32>,
    /// `out[j]` for the first `n` sequences after [`TeacherWorkspace::sum`], `n_max` values.
    pub out: Vec<f32>,
    n_max: usize,
    t_len: usize,
    n: usize,
}

impl TeacherWorkspace {
    /// Allocates the inputs and outputs of `teacher` for up to `n_max` sequences of length `t_len`.
    pub fn new(teacher: Teacher, n_max: usize, t_len: usize) -> Result<TeacherWorkspace, String> {
        if n_max < 1 || t_len < 1 {
            return Err(format!("n_max and t must be >= 1 (got {n_max}, {t_len})"));
        }
        let x_len = checked_len(&[n_max, t_len, teacher.d], "teacher x")?;
        Ok(TeacherWorkspace {
            teacher,
            x: vec![0.0; x_len],
            out: vec![0.0; n_max],
            n_max,
            t_len,
            n: n_max,
        })
    }
    pub fn n_max(&self) -> usize {
        self.n_max
    }
    pub fn t(&self) -> usize {
        self.t_len
    }
    pub fn n(&self) -> usize {
        self.n
    }
    /// Sets the number of valid sequences in `x` (1..=n_max).
    pub fn set_n(&mut self, n: usize) -> Result<(), String> {
        if n < 1 || n > self.n_max {
            return Err(format!("n must be in 1..={} (got {n})", self.n_max));
        }
        self.n = n;
        Ok(())
    }
    /// Bytes of every buffer (tests of [`crate::sizes`]).
    #[cfg(test)]
    pub(crate) fn allocated_bytes(&self) -> u64 {
        use crate::sizes::bytes_of;
        let t = &self.teacher;
        [&t.w, &t.u, &t.v, &t.packed, &self.x, &self.out]
            .iter()
            .map(|v| bytes_of(v))
            .sum()
    }

    /// [`Teacher::sum`] of the first `n` sequences of `x` into `out`.
    pub fn sum(&mut self) -> Result<(), String> {
        self.teacher.sum(&self.x, self.n, self.t_len, &mut self.out)
    }
}

/// Samples interleaved per particle group in [`Teacher::sum`] (independent dependency chains).
const JB: usize = 4;
/// Particles per group: the width of the GEMM microkernel (two 4-lane vectors).
const GROUP: usize = crate::simd::NR;
/// Time steps per chunk of projections.
const TC: usize = 16;

impl Teacher {
    /// Allocates `count` particles (all zero).
    pub fn new(activation: Activation, d: usize, alpha: f32, count: usize) -> Result<Teacher, String> {
        if d < 1 {
            return Err(format!("d must be >= 1 (got {d})"));
        }
        if count < 1 {
            return Err(format!("the particle count must be >= 1 (got {count})"));
        }
        if !alpha.is_finite() {
            return Err(format!("alpha must be finite (got {alpha})"));
        }
        let groups = count.div_ceil(GROUP);
        Ok(Teacher {
            activation,
            d,
            alpha,
            count,
            w: vec![0.0; count],
            u: vec![0.0; checked_len(&[count, d], "teacher u")?],
            v: vec![0.0; checked_len(&[count, 1 + d], "teacher v")?],
            packed: vec![0.0; checked_len(&[groups, GROUP * (2 + 2 * d)], "teacher packed")?],
        })
    }

    pub fn count(&self) -> usize {
        self.count
    }

    fn pack(&mut self) {
        let d = self.d;
        let stride = GROUP * (2 + 2 * d);
        self.packed.fill(0.0); // padded particles: all zero, so they contribute exactly 0
        for k in 0..self.count {
            let (g, l) = (k / GROUP, k % GROUP);
            let base = g * stride;
            self.packed[base + l] = self.w[k];
            self.packed[base + GROUP + l] = self.v[k * (1 + d)];
            for q in 0..d {
                self.packed[base + 2 * GROUP + GROUP * q + l] = self.u[k * d + q];
                self.packed[base + 2 * GROUP + GROUP * d + GROUP * q + l] = self.v[k * (1 + d) + 1 + q];
            }
        }
    }

    /// `out[j] = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` for `j < n`; `x` is `n x T x d`.
    pub fn sum(&mut self, x: &[f32], n: usize, t_len: usize, out: &mut [f32]) -> Result<(), String> {
        if x.len() < n * t_len * self.d || out.len() < n {
            return Err("teacher sum: buffer too short".into());
        }
        if t_len < 1 {
            return Err("t must be >= 1".into());
        }
        self.pack();
        #[cfg(target_arch = "x86_64")]
        if crate::simd_x86::avx2_available() {
            // SAFETY: the CPU has AVX2 (checked at run time).
            unsafe { self.sum_avx2(x, n, t_len, out) };
            return Ok(());
        }
        self.sum_any(x, n, t_len, out);
        Ok(())
    }

    /// [`Teacher::sum`]'s loops compiled with AVX2 (native x86-64): same operations, never fused.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2")]
    unsafe fn sum_avx2(&self, x: &[f32], n: usize, t_len: usize, out: &mut [f32]) {
        self.sum_any(x, n, t_len, out)
    }

    #[inline(always)]
    fn sum_any(&self, x: &[f32], n: usize, t_len: usize, out: &mut [f32]) {
        with_activation!(self.activation, |f| self.sum_with(x, n, t_len, out, f))
    }

    #[inline(always)]
    fn sum_with(
        &self,
        x: &[f32],
        n: usize,
        t_len: usize,
        out: &mut [f32],
        act: impl Fn(F32x4) -> (F32x4, F32x4) + Copy,
    ) {
        let scale = 1.0 / self.count as f64;
        let full = n - n % JB;
        let mut j0 = 0;
        while j0 < full {
            let acc = self.block::<JB>(x, j0, t_len, act);
            for jj in 0..JB {
                out[j0 + jj] = (acc[jj] * scale) as f32;
            }
            j0 += JB;
        }
        if full < n && n >= JB {
            // Tail: one more block ending at n (recomputes a few samples). This second call
            // site also keeps wasm-opt from inlining `block` into this function (see there).
            let start = n - JB;
            let acc = self.block::<JB>(x, start, t_len, act);
            for j in full..n {
                out[j] = (acc[j - start] * scale) as f32;
            }
        } else {
            for j in full..n {
                out[j] = (self.block::<1>(x, j, t_len, act)[0] * scale) as f32;
            }
        }
    }

    /// Sums `<v_k, phi_T(X_j)>` over all particles for the `J` samples `j0..j0+J` (f64).
    ///
    /// Per group of 8 particles and chunk of up to `TC` time steps, phase 1 computes the input
    /// projections `<u, x_t>`, `<v_u, x_t>` with the GEMM microkernel (rows (sample, t),
    /// columns particles, reduction over the d inputs, same order as the training forward);
    /// phase 2 runs the `2 J` interleaved recurrences (latency-bound chains that hide each
    /// other's latency).
    ///
    /// Never inlined: V8 runs a wasm function in baseline code until it has been hot for a
    /// while and only swaps in optimized code at the next call (no on-stack replacement), so
    /// the hot loop must be a function that is called many times. It has two call sites, so
    /// that wasm-opt (which inlines every function with a single caller) keeps it separate.
    #[cfg_attr(not(target_arch = "x86_64"), inline(never))]
    #[cfg_attr(target_arch = "x86_64", inline(always))] // natively: into the AVX2 entry (see sum)
    fn block<const J: usize>(
        &self,
        x: &[f32],
        j0: usize,
        t_len: usize,
        act: impl Fn(F32x4) -> (F32x4, F32x4),
    ) -> [f64; J] {
        let d = self.d;
        let stride = GROUP * (2 + 2 * d);
        let alpha = F32x4::splat(self.alpha);
        let tau = F32x4::splat(threshold());
        let mut acc = [0.0f64; J];
        let mut zb = [[0.0f32; TC * GROUP]; J];
        let mut vb = [[0.0f32; TC * GROUP]; J];
        for g in self.packed.chunks_exact(stride) {
            let aw = [alpha.mul(F32x4::load(g, 0)), alpha.mul(F32x4::load(g, 4))];
            let avw = [alpha.mul(F32x4::load(g, 8)), alpha.mul(F32x4::load(g, 12))];
            let (pu, pv) = g[2 * GROUP..].split_at(GROUP * d);
            let mut h = [[F32x4::zero(); 2]; J];
            let mut del = [[F32x4::zero(); 2]; J];
            let mut t0 = 0;
            while t0 < t_len {
                let tc = TC.min(t_len - t0);
                for jj in 0..J {
                    let a = &x[((j0 + jj) * t_len + t0) * d..((j0 + jj) * t_len + t0 + tc) * d];
                    project_rows(tc, d, a, pu, &mut zb[jj]);
                    project_rows(tc, d, a, pv, &mut vb[jj]);
                }
                for tt in 0..tc {
                    for jj in 0..J {
                        for half in 0..2 {
                            let o = tt * GROUP + 4 * half;
                            let hv = h[jj][half];
                            let z = F32x4::load(&zb[jj], o).add(aw[half].mul(hv));
                            let (hn, sp) = act(z);
                            let dz = avw[half]
                                .mul(hv)
                                .add(aw[half].mul(del[jj][half]))
                                .add(F32x4::load(&vb[jj], o));
                            del[jj][half] = flush4(sp.mul(dz), tau);
                            h[jj][half] = hn;
                        }
                    }
                }
                t0 += tc;
            }
            for jj in 0..J {
                let a = del[jj][0].add(del[jj][1]).to_array();
                acc[jj] += (a[0] as f64 + a[1] as f64) + (a[2] as f64 + a[3] as f64);
            }
        }
        acc
    }
}

/// `out[r*8 + c] = sum_k a[r*d + k] * panel[k*8 + c]` for `r < rows` (from +0, increasing k).
#[inline(always)]
fn project_rows(rows: usize, d: usize, a: &[f32], panel: &[f32], out: &mut [f32]) {
    let mut r0 = 0;
    while r0 < rows {
        let (a, c) = (&a[r0 * d..], &mut out[r0 * GROUP..]);
        match (rows - r0).min(4) {
            4 => kernel::<4, false>(d, a, d, 1, panel, c, GROUP, GROUP),
            3 => kernel::<3, false>(d, a, d, 1, panel, c, GROUP, GROUP),
            2 => kernel::<2, false>(d, a, d, 1, panel, c, GROUP, GROUP),
            _ => kernel::<1, false>(d, a, d, 1, panel, c, GROUP, GROUP),
        }
        r0 += 4;
    }
}
