//! Numerics of rnn-gd: Elman RNNs (dense and diagonal), batched BPTT, projected gradient
//! descent, per-neuron tangent features, teacher sums and empirical NTK Gram matrices, all in
//! f32 with f64 loss accumulation (the contract is `docs/spec/model.md`).
//!
//! Data flow: a [`Model`] (parameters, initialization, gradient) and a [`Workspace`] (data and
//! every BPTT buffer for one shape) are allocated once; its [`Pass`] methods `forward`,
//! `loss_grad` and `train` then run without allocating. [`Features`] and
//! [`Teacher`] own the buffers of the feature/NTK kernels in the same way.
//!
//! Module map (one job each):
//!
//! * [`simd`]: the `unsafe` code, a 4-lane vector type and the GEMM microkernel, SIMD128
//!   on wasm32 with `+simd128`, lane-by-lane elsewhere (bit-identical results); `simd_x86`
//!   (native x86-64 only, the Node addon): AVX2 and AVX-512 microkernels chosen at run time,
//!   fused multiply-add by default, exact (bit-identical to wasm) with `RNN_GD_NATIVE_EXACT=1`;
//! * [`gemm`]: blocked `C += A * (s B)` (and `C = A * (s B)`) over strided views;
//! * [`flush`]: flush-to-zero of decaying recursions (no subnormal stalls on any CPU);
//! * [`activation`]: fused `sigma`/`sigma'` (rational tanh, polynomial sincos), identical in
//!   every build, and the kernels' one activation dispatch (`with_activation!`);
//! * [`model`]: spec and parameters; [`workspace`]: per-shape buffers and passes;
//! * `dense`, `diagonal`: the two recurrences' forward and backward passes; `recurrence`: the
//!   input projection and dU they share; `readout`: outputs, loss, residuals;
//! * [`projection`]: max-norm and l2 projections; [`mod@train`]: the [`Pass`] trait (network
//!   and linearization alike) and the one GD driver;
//! * [`tangent`]: tangent features and teacher sums; [`ntk`]: per-sample gradients and Gram;
//! * [`linearize`]: the network linearized at its initialization (a JVP forward, BPTT at Theta0);
//! * [`dense_kernel`]: the exact infinite-width NTK/NNGP of the dense model (f64);
//! * [`tridiagonal`]: float64 Householder tridiagonalization (the closed-form kernel regime's eigensolver);
//! * [`sizes`]: the bytes each of these objects allocates, for checks before allocating;
//! * `test_util` (tests only): the RNG, spec builder and random models and workspaces that every
//!   test module uses.
//!
//! Glossary (the same letters in the TypeScript package, `ts/types.ts`):
//!
//! * `m` width (neurons, even), `d` input dimension, `t_len` (T) sequence length;
//! * `n` sequences in a data set, `n_max` the capacity of a workspace;
//! * `P` = [`Spec::param_len`] = len(w) + len(u), the trained parameters (c is fixed);
//! * "targets per sequence" = [`Readout::targets_per_sequence`]: T (all) or 1 (final);
//! * [`Spec::recurrent_scale`]: the factor the recurrence multiplies W by (`recurrentScale` in TS;
//!   not TS `wScale`, which is w-bar = max_i |w_i| or ||W/sqrt(m)||_2, in `metrics.csv`).
//!
//! The SIMD128 and scalar wasm builds give bit-identical results (same IEEE operations in the
//! same order, no FMA, no libm). Hot loops live in functions that are called many times (and
//! have more than one call site, which keeps wasm-opt from inlining them): V8 only switches a
//! wasm function to optimized code at its next call. Natively (the Node addon, x86-64) the same
//! code is inlined into entries compiled with AVX2 and chosen at run time (`simd_x86`, `gemm`,
//! `activation::apply`, `tangent`), with the same IEEE operations, except that the GEMM kernels
//! fuse multiply-adds unless the exact ones are chosen (`simd_x86`: the stated tolerance).

#![allow(
    clippy::needless_range_loop,
    clippy::excessive_precision,
    clippy::should_implement_trait,
    clippy::too_many_arguments
)]

pub mod activation;
mod dense;
pub mod dense_kernel;
mod diagonal;
pub mod flush;
pub mod gemm;
pub mod linearize;
pub mod model;
pub mod ntk;
pub mod projection;
mod readout;
mod recurrence;
pub mod simd;
#[cfg(target_arch = "x86_64")]
pub mod simd_x86;
pub mod sizes;
pub mod tangent;
pub mod train;
pub mod tridiagonal;
mod vecops;
pub mod workspace;

pub use linearize::Linearization;
pub use model::{Activation, Model, Readout, Recurrence, Spec};
pub use ntk::Features;
pub use projection::{project, Projection};
pub use tangent::{Teacher, TeacherWorkspace};
pub use train::{Outputs, Pass};
pub use workspace::Workspace;

#[cfg(test)]
mod flush_tests;
#[cfg(test)]
mod test_util;
#[cfg(test)]
mod tests;
