//! napi-rs bindings over `rnn-core` for Node: the classes and methods of `rnn-wasm` (same names,
//! same arguments, same errors; see `crates/rnn-wasm/API.md`) so that one TypeScript layer
//! (`ts/backend/core-backend.ts`) drives both. Nothing numeric and no state of its own lives here.
//!
//! The one difference is memory. rnn-wasm's `*_ptr()` methods return byte offsets into the wasm
//! memory, which JavaScript views directly. Here they return a small buffer id, and each class
//! has `read_f32/read_f64(id, dst)` and `write_f32/write_f64/write_u32(id, src)`, which copy
//! between the core's buffer and a typed array borrowed from JavaScript for the duration of the
//! call (no allocation, no intermediate copy). Long-lived views into Rust memory (external
//! ArrayBuffers) are not handed out: a view would outlive `free()` or the object's collection,
//! and V8 aborts when two external buffers share an address (nodejs/node#32463).
//!
//! Calls are synchronous; there are no threads, thread-locals or global state here (the core's
//! AVX2 dispatch reads std's cached CPUID), so the addon loads and unloads cleanly in any number
//! of `worker_threads`. Each object's memory is released by `free()` (or when it is collected);
//! any method on a freed object throws.

#![allow(clippy::too_many_arguments)]
// napi-derive registers the exports only outside `cfg(test)`: the unit-test build sees them unused.
#![cfg_attr(test, allow(dead_code))]

mod enums;
mod sizes;

use enums::{activation, projection, readout, recurrence};
use napi::bindgen_prelude::*;
use napi_derive::napi;
use rnn_core::model::Spec;
use rnn_core::{Pass, Teacher, TeacherWorkspace};

pub(crate) fn err(msg: impl Into<String>) -> Error {
    Error::new(Status::InvalidArg, msg.into())
}

fn finite_f32(name: &str, v: f64) -> Result<f32> {
    let f = v as f32;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(err(format!("{name} must be a finite float32 (got {v})")))
    }
}

fn freed(class: &str) -> Error {
    err(format!("{class}: used after free()"))
}

/// One of an object's buffers, by element type.
enum Buf<'a> {
    F32(&'a mut [f32]),
    F64(&'a mut [f64]),
    U32(&'a mut [u32]),
}

/// Copies the first `dst.len()` values of a buffer into `dst` (refused if the buffer is shorter).
fn read_into<T: Copy>(buf: &[T], dst: &mut [T], what: &str) -> Result<()> {
    let src = buf.get(..dst.len()).ok_or_else(|| {
        err(format!(
            "{what}: asked for {} values, the buffer has {}",
            dst.len(),
            buf.len()
        ))
    })?;
    dst.copy_from_slice(src);
    Ok(())
}

/// Checks that `len` values fit in a buffer of `cap` and returns its first `len` slots.
fn prefix<'a, T>(buf: &'a mut [T], len: usize, what: &str) -> Result<&'a mut [T]> {
    let cap = buf.len();
    buf.get_mut(..len)
        .ok_or_else(|| err(format!("{what}: {len} values do not fit in a buffer of {cap}")))
}

fn mismatch(id: u32, want: &str) -> Error {
    err(format!("buffer {id} is not a {want} buffer of this object"))
}

/// The typed-array doors of a class: its `*_ptr()` ids resolved to buffers.
macro_rules! buffer_methods {
    ($class:ident) => {
        #[napi]
        impl $class {
            /// Copies the first `dst.length` values of float32 buffer `id` into `dst`.
            #[napi(js_name = "read_f32")]
            pub fn read_f32(&mut self, id: u32, mut dst: Float32ArraySlice) -> Result<()> {
                // SAFETY: JavaScript is blocked in this synchronous call; dst is its own array.
                let dst = unsafe { dst.as_mut() };
                match self.buffer(id)? {
                    Buf::F32(b) => read_into(b, dst, "read_f32"),
                    _ => Err(mismatch(id, "float32")),
                }
            }
            /// Copies the first `dst.length` values of float64 buffer `id` into `dst`.
            #[napi(js_name = "read_f64")]
            pub fn read_f64(&mut self, id: u32, mut dst: Float64ArraySlice) -> Result<()> {
                // SAFETY: as in read_f32.
                let dst = unsafe { dst.as_mut() };
                match self.buffer(id)? {
                    Buf::F64(b) => read_into(b, dst, "read_f64"),
                    _ => Err(mismatch(id, "float64")),
                }
            }
            /// Writes `src` into the start of float32 buffer `id`.
            #[napi(js_name = "write_f32")]
            pub fn write_f32(&mut self, id: u32, src: &[f32]) -> Result<()> {
                match self.buffer(id)? {
                    Buf::F32(b) => Ok(prefix(b, src.len(), "write_f32")?.copy_from_slice(src)),
                    _ => Err(mismatch(id, "float32")),
                }
            }
            /// Writes float64 `src` rounded to float32 (to nearest, ties to even: what
            /// `Float32Array.prototype.set` does) into the start of float32 buffer `id`.
            #[napi(js_name = "write_f64")]
            pub fn write_f64(&mut self, id: u32, src: &[f64]) -> Result<()> {
                match self.buffer(id)? {
                    Buf::F32(b) => {
                        for (d, s) in prefix(b, src.len(), "write_f64")?.iter_mut().zip(src) {
                            *d = *s as f32;
                        }
                        Ok(())
                    }
                    _ => Err(mismatch(id, "float32")),
                }
            }
            /// Writes `src` into the start of uint32 buffer `id`.
            #[napi(js_name = "write_u32")]
            pub fn write_u32(&mut self, id: u32, src: &[u32]) -> Result<()> {
                match self.buffer(id)? {
                    Buf::U32(b) => Ok(prefix(b, src.len(), "write_u32")?.copy_from_slice(src)),
                    _ => Err(mismatch(id, "uint32")),
                }
            }
        }
    };
}

/// A handle class over a core object: the object until `free()`, then every method throws
/// `<Class>: used after free()`; with its typed-array doors ([`buffer_methods!`]).
macro_rules! handle_class {
    ($(#[$doc:meta])* $class:ident($inner:ty)) => {
        $(#[$doc])*
        #[napi]
        pub struct $class {
            inner: Option<$inner>,
        }

        impl $class {
            fn get(&self) -> Result<&$inner> {
                self.inner.as_ref().ok_or_else(|| freed(stringify!($class)))
            }
            fn get_mut(&mut self) -> Result<&mut $inner> {
                self.inner.as_mut().ok_or_else(|| freed(stringify!($class)))
            }
        }

        #[napi]
        impl $class {
            /// Releases the memory now; any later call throws. Calling it again is harmless.
            #[napi]
            pub fn free(&mut self) {
                self.inner = None;
            }
        }
        buffer_methods!($class);
    };
}

/// The shape methods of a class over sequences, `n_max`, `t`, `set_n` (and `n` when asked).
macro_rules! sequence_methods {
    ($class:ident) => {
        #[napi]
        impl $class {
            #[napi(js_name = "n_max")]
            pub fn n_max(&self) -> Result<u32> {
                Ok(self.get()?.n_max() as u32)
            }
            #[napi]
            pub fn t(&self) -> Result<u32> {
                Ok(self.get()?.t() as u32)
            }
            #[napi(js_name = "set_n")]
            pub fn set_n(&mut self, n: u32) -> Result<()> {
                self.get_mut()?.set_n(n as usize).map_err(err)
            }
        }
    };
    ($class:ident, n) => {
        sequence_methods!($class);
        #[napi]
        impl $class {
            #[napi]
            pub fn n(&self) -> Result<u32> {
                Ok(self.get()?.n() as u32)
            }
        }
    };
}

/// Name of the GEMM microkernel this process runs, chosen at run time: "avx512-fma", "avx2-fma"
/// (fused multiply-add, the default), "avx512", "avx2" (exact: bit-identical to wasm) or "scalar".
#[napi(js_name = "kernel_name")]
pub fn kernel_name() -> &'static str {
    rnn_core::gemm::kernel_name()
}

/// Chooses the exact GEMM kernels (`true`: mul then add, bit-identical to wasm) or the fused ones
/// for the whole process (every worker thread), like `RNN_GD_NATIVE_EXACT=1` at start; returns
/// the kernel name now in use.
#[napi(js_name = "set_exact_kernels")]
pub fn set_exact_kernels(exact: bool) -> &'static str {
    rnn_core::gemm::set_exact(exact);
    rnn_core::gemm::kernel_name()
}

/// False: this is the native build (rnn-wasm's `simd_enabled` says whether SIMD128 is on).
#[napi(js_name = "simd_enabled")]
pub fn simd_enabled() -> bool {
    rnn_core::gemm::kernel_name() != "scalar"
}

const W: u32 = 0;
const U: u32 = 1;
const W0: u32 = 2;
const U0: u32 = 3;
const C: u32 = 4;
const GRAD_W: u32 = 5;
const GRAD_U: u32 = 6;

handle_class!(
    /// Parameters `W, U`, initialization `W0, U0`, output signs `c` and the gradient.
    RawModel(rnn_core::Model)
);

impl RawModel {
    fn buffer(&mut self, id: u32) -> Result<Buf<'_>> {
        let m = self.get_mut()?;
        Ok(Buf::F32(match id {
            W => &mut m.w,
            U => &mut m.u,
            W0 => &mut m.w0,
            U0 => &mut m.u0,
            C => &mut m.c,
            GRAD_W => &mut m.grad_w,
            GRAD_U => &mut m.grad_u,
            _ => return Err(mismatch(id, "known")),
        }))
    }
}

#[napi]
impl RawModel {
    /// `m` even >= 2; `d` >= 1; `alpha` finite.
    #[napi(constructor)]
    pub fn new(
        recurrence_code: u32,
        activation_code: u32,
        readout_code: u32,
        m: u32,
        d: u32,
        alpha: f64,
    ) -> Result<Self> {
        let spec = Spec {
            recurrence: recurrence(recurrence_code)?,
            activation: activation(activation_code)?,
            readout: readout(readout_code)?,
            m: m as usize,
            d: d as usize,
            alpha: finite_f32("alpha", alpha)?,
        };
        Ok(RawModel {
            inner: Some(rnn_core::Model::new(spec).map_err(err)?),
        })
    }
    #[napi(js_name = "w_len")]
    pub fn w_len(&self) -> Result<u32> {
        Ok(self.get()?.w.len() as u32)
    }
    #[napi(js_name = "u_len")]
    pub fn u_len(&self) -> Result<u32> {
        Ok(self.get()?.u.len() as u32)
    }
    /// P = w_len + u_len, the length of one per-sample gradient row.
    #[napi(js_name = "param_len")]
    pub fn param_len(&self) -> Result<u32> {
        Ok(self.get()?.spec.param_len() as u32)
    }
    #[napi]
    pub fn m(&self) -> Result<u32> {
        Ok(self.get()?.spec.m as u32)
    }
    #[napi]
    pub fn d(&self) -> Result<u32> {
        Ok(self.get()?.spec.d as u32)
    }
    #[napi(js_name = "w_ptr")]
    pub fn w_ptr(&self) -> u32 {
        W
    }
    #[napi(js_name = "u_ptr")]
    pub fn u_ptr(&self) -> u32 {
        U
    }
    #[napi(js_name = "w0_ptr")]
    pub fn w0_ptr(&self) -> u32 {
        W0
    }
    #[napi(js_name = "u0_ptr")]
    pub fn u0_ptr(&self) -> u32 {
        U0
    }
    #[napi(js_name = "c_ptr")]
    pub fn c_ptr(&self) -> u32 {
        C
    }
    #[napi(js_name = "grad_w_ptr")]
    pub fn grad_w_ptr(&self) -> u32 {
        GRAD_W
    }
    #[napi(js_name = "grad_u_ptr")]
    pub fn grad_u_ptr(&self) -> u32 {
        GRAD_U
    }
    /// Projects the parameters onto the ball of radius `rho` (finite and >= 0) around W0, U0.
    #[napi(catch_unwind)]
    pub fn project(&mut self, kind: u32, rho: f64) -> Result<()> {
        let proj = projection(kind, rho)?;
        rnn_core::project(self.get_mut()?, proj);
        Ok(())
    }
}

/// A class over a core [`Pass`] (the network's workspace or its linearization): the same
/// buffers, methods, arguments and errors for both, generated once; the constructor is the
/// class's own.
macro_rules! pass_binding {
    ($(#[$doc:meta])* $class:ident($inner:ty)) => {
        handle_class!($(#[$doc])* $class($inner));
        sequence_methods!($class, n);

        impl $class {
            fn buffer(&mut self, id: u32) -> Result<Buf<'_>> {
                pass_buffer(self.get_mut()?, id)
            }
        }

        #[napi]
        impl $class {
            #[napi(js_name = "x_ptr")]
            pub fn x_ptr(&self) -> u32 {
                X
            }
            #[napi(js_name = "y_ptr")]
            pub fn y_ptr(&self) -> u32 {
                Y
            }
            #[napi(js_name = "pred_ptr")]
            pub fn pred_ptr(&self) -> u32 {
                PRED
            }
            #[napi(js_name = "losses_ptr")]
            pub fn losses_ptr(&self) -> u32 {
                LOSSES
            }
            #[napi(js_name = "grad_norms_ptr")]
            pub fn grad_norms_ptr(&self) -> u32 {
                GRAD_NORMS
            }
            #[napi(js_name = "batch_ptr")]
            pub fn batch_ptr(&self) -> u32 {
                BATCH
            }
            /// Predictions of the first n sequences into pred; returns the loss (f64).
            #[napi(catch_unwind)]
            pub fn forward(&mut self, model: &RawModel) -> Result<f64> {
                self.get_mut()?.forward(model.get()?).map_err(err)
            }
            /// Loss (f64) and the full-data gradient into the model's grad buffers.
            #[napi(js_name = "loss_grad", catch_unwind)]
            pub fn loss_grad(&mut self, model: &mut RawModel) -> Result<f64> {
                self.get_mut()?.loss_grad(model.get_mut()?).map_err(err)
            }
            /// Capacity for `steps` per-step outputs and `steps * batch` batch indices.
            #[napi]
            pub fn reserve(&mut self, steps: u32, batch: u32) -> Result<()> {
                self.get_mut()?.reserve(steps as usize, batch as usize).map_err(err)
            }
            /// Runs up to `steps` (projected) GD steps; `batch` 0 = full data. Returns the number
            /// of completed steps (fewer only if a loss, gradient or parameter became non-finite).
            #[napi(catch_unwind)]
            pub fn train(
                &mut self,
                model: &mut RawModel,
                steps: u32,
                eta: f64,
                proj_kind: u32,
                rho: f64,
                batch: u32,
            ) -> Result<u32> {
                let proj = projection(proj_kind, rho)?;
                let eta = finite_f32("eta", eta)?;
                let done = self
                    .get_mut()?
                    .train(model.get_mut()?, steps as usize, eta, proj, batch as usize)
                    .map_err(err)?;
                Ok(done as u32)
            }
        }
    };
}

const X: u32 = 0;
const Y: u32 = 1;
const PRED: u32 = 2;
const LOSSES: u32 = 3;
const GRAD_NORMS: u32 = 4;
const BATCH: u32 = 5;

/// A pass's buffers by id; x and y through `data_mut`, which marks a linearization's pass at
/// Theta0 stale.
fn pass_buffer(pass: &mut impl Pass, id: u32) -> Result<Buf<'_>> {
    Ok(match id {
        X => Buf::F32(pass.data_mut().0),
        Y => Buf::F32(pass.data_mut().1),
        PRED => Buf::F32(pass.outputs_mut().pred),
        LOSSES => Buf::F64(pass.outputs_mut().losses),
        GRAD_NORMS => Buf::F64(pass.outputs_mut().grad_norms),
        BATCH => Buf::U32(pass.outputs_mut().batch),
        _ => return Err(mismatch(id, "known")),
    })
}

pass_binding!(
    /// Data and every BPTT buffer for one model shape and up to `n_max` sequences of length `t`.
    RawWorkspace(rnn_core::Workspace)
);

#[napi]
impl RawWorkspace {
    #[napi(constructor)]
    pub fn new(model: &RawModel, n_max: u32, t: u32) -> Result<Self> {
        Ok(RawWorkspace {
            inner: Some(rnn_core::Workspace::new(&model.get()?.spec, n_max as usize, t as usize).map_err(err)?),
        })
    }
}

pass_binding!(
    /// The model linearized at its initialization (W0, U0), with the workspace's methods.
    RawLinearization(rnn_core::Linearization)
);

#[napi]
impl RawLinearization {
    #[napi(constructor)]
    pub fn new(model: &RawModel, n_max: u32, t: u32) -> Result<Self> {
        Ok(RawLinearization {
            inner: Some(rnn_core::Linearization::new(model.get()?, n_max as usize, t as usize).map_err(err)?),
        })
    }
}

const TANGENT: u32 = 1;
const JACOBIAN: u32 = 2;
const GRAM: u32 = 3;

handle_class!(
    /// Buffers for tangent features, per-sample gradients and NTK Gram matrices.
    RawFeatures(rnn_core::Features)
);
sequence_methods!(RawFeatures, n);

impl RawFeatures {
    fn buffer(&mut self, id: u32) -> Result<Buf<'_>> {
        let f = self.get_mut()?;
        Ok(Buf::F32(match id {
            X => f.x_mut(),
            TANGENT => &mut f.tangent,
            JACOBIAN => &mut f.jac,
            GRAM => &mut f.gram,
            _ => return Err(mismatch(id, "known")),
        }))
    }
}

#[napi]
impl RawFeatures {
    #[napi(constructor)]
    pub fn new(model: &RawModel, n_max: u32, t: u32) -> Result<Self> {
        Ok(RawFeatures {
            inner: Some(rnn_core::Features::new(&model.get()?.spec, n_max as usize, t as usize).map_err(err)?),
        })
    }
    #[napi(js_name = "x_ptr")]
    pub fn x_ptr(&self) -> u32 {
        X
    }
    #[napi(js_name = "tangent_ptr")]
    pub fn tangent_ptr(&self) -> u32 {
        TANGENT
    }
    #[napi(js_name = "jacobian_ptr")]
    pub fn jacobian_ptr(&self) -> u32 {
        JACOBIAN
    }
    #[napi(js_name = "gram_ptr")]
    pub fn gram_ptr(&self) -> u32 {
        GRAM
    }
    #[napi(js_name = "tangent_features", catch_unwind)]
    pub fn tangent_features(&mut self, model: &RawModel) -> Result<()> {
        self.get_mut()?.tangent_features(model.get()?).map_err(err)
    }
    #[napi(js_name = "per_sample_gradients", catch_unwind)]
    pub fn per_sample_gradients(&mut self, model: &RawModel) -> Result<()> {
        self.get_mut()?.per_sample_gradients(model.get()?).map_err(err)
    }
    #[napi(js_name = "ntk_gram", catch_unwind)]
    pub fn ntk_gram(&mut self, model: &RawModel) -> Result<()> {
        self.get_mut()?.ntk_gram(model.get()?).map_err(err)
    }
}

const TEACHER_W: u32 = 0;
const TEACHER_U: u32 = 1;
const TEACHER_V: u32 = 2;
const TEACHER_X: u32 = 3;
const TEACHER_OUT: u32 = 4;

handle_class!(
    /// Teacher particles of the diagonal function class, their inputs and the fused teacher sum.
    RawTeacher(TeacherWorkspace)
);
sequence_methods!(RawTeacher);

impl RawTeacher {
    fn buffer(&mut self, id: u32) -> Result<Buf<'_>> {
        let t = self.get_mut()?;
        Ok(Buf::F32(match id {
            TEACHER_W => &mut t.teacher.w,
            TEACHER_U => &mut t.teacher.u,
            TEACHER_V => &mut t.teacher.v,
            TEACHER_X => &mut t.x,
            TEACHER_OUT => &mut t.out,
            _ => return Err(mismatch(id, "known")),
        }))
    }
}

#[napi]
impl RawTeacher {
    /// `count` particles of input dimension `d`; inputs for up to `n_max` sequences of length t.
    #[napi(constructor)]
    pub fn new(activation_code: u32, d: u32, alpha: f64, count: u32, n_max: u32, t: u32) -> Result<Self> {
        let teacher = Teacher::new(
            activation(activation_code)?,
            d as usize,
            finite_f32("alpha", alpha)?,
            count as usize,
        )
        .map_err(err)?;
        Ok(RawTeacher {
            inner: Some(TeacherWorkspace::new(teacher, n_max as usize, t as usize).map_err(err)?),
        })
    }
    #[napi]
    pub fn count(&self) -> Result<u32> {
        Ok(self.get()?.teacher.count() as u32)
    }
    #[napi(js_name = "w_ptr")]
    pub fn w_ptr(&self) -> u32 {
        TEACHER_W
    }
    #[napi(js_name = "u_ptr")]
    pub fn u_ptr(&self) -> u32 {
        TEACHER_U
    }
    #[napi(js_name = "v_ptr")]
    pub fn v_ptr(&self) -> u32 {
        TEACHER_V
    }
    #[napi(js_name = "x_ptr")]
    pub fn x_ptr(&self) -> u32 {
        TEACHER_X
    }
    #[napi(js_name = "out_ptr")]
    pub fn out_ptr(&self) -> u32 {
        TEACHER_OUT
    }
    #[napi(catch_unwind)]
    pub fn sum(&mut self) -> Result<()> {
        self.get_mut()?.sum().map_err(err)
    }
}

/// Householder tridiagonalization of the row-major `n x n` symmetric float64 matrix `a` (lower
/// triangle read, overwritten): `d`, `e`, `tau` (n values) and the reflectors `v` (n*n).
#[napi(catch_unwind)]
pub fn tridiagonalize(
    mut a: Float64ArraySlice,
    n: u32,
    mut d: Float64ArraySlice,
    mut e: Float64ArraySlice,
    mut v: Float64ArraySlice,
    mut tau: Float64ArraySlice,
) -> Result<()> {
    // SAFETY: JavaScript is blocked in this synchronous call; overlapping arrays are refused below
    // before any of the slices is written.
    let (a, d, e, v, tau) = unsafe { (a.as_mut(), d.as_mut(), e.as_mut(), v.as_mut(), tau.as_mut()) };
    let n = n as usize;
    rnn_core::tridiagonal::check_tridiagonalize_args(n, a.len(), v.len(), d.len(), e.len(), tau.len()).map_err(err)?;
    // Five &mut slices of JavaScript memory: refuse views of one buffer that overlap.
    let spans = [
        a.as_ptr_range(),
        d.as_ptr_range(),
        e.as_ptr_range(),
        v.as_ptr_range(),
        tau.as_ptr_range(),
    ];
    for (i, p) in spans.iter().enumerate() {
        for q in &spans[i + 1..] {
            if p.start < q.end && q.start < p.end {
                return Err(err(
                    "tridiagonalize: a, d, e, v and tau must be distinct arrays (two of them overlap)",
                ));
            }
        }
    }
    rnn_core::tridiagonal::tridiagonalize(a, n, d, e, v, tau);
    Ok(())
}

/// The exact infinite-width NTK (`ntk`) or NNGP of the dense model on A x B into `out`, f64
/// (`rnn_core::dense_kernel`): `xa` holds `na` sequences of `t x d` values, `xb` `nb` of them, or
/// is empty for B = A. Readout final: `out` has `na * nb` values; all: `na*t * nb*t`.
#[allow(clippy::too_many_arguments)]
#[napi(catch_unwind, js_name = "dense_kernel")]
pub fn dense_kernel(
    activation_code: u32,
    readout_code: u32,
    alpha: f64,
    ntk: bool,
    xa: Float64ArraySlice,
    na: u32,
    xb: Float64ArraySlice,
    nb: u32,
    t: u32,
    d: u32,
    mut out: Float64ArraySlice,
) -> Result<()> {
    // SAFETY: JavaScript is blocked in this synchronous call; `out` must not overlap the inputs,
    // which is checked below before it is written.
    let (xa, xb, out) = unsafe { (xa.as_ref(), xb.as_ref(), out.as_mut()) };
    let (na, nb, t, d) = (na as usize, nb as usize, t as usize, d as usize);
    let all = matches!(readout(readout_code)?, rnn_core::Readout::All);
    rnn_core::dense_kernel::check_dense_kernel_args(alpha, all, xa, na, xb, nb, t, d, out.len()).map_err(err)?;
    let o = out.as_ptr_range();
    if [xa.as_ptr_range(), xb.as_ptr_range()]
        .iter()
        .any(|p| !p.is_empty() && p.start < o.end && o.start < p.end)
    {
        return Err(err("dense_kernel: out must not overlap xa or xb"));
    }
    let spec = rnn_core::dense_kernel::KernelSpec {
        activation: activation(activation_code)?,
        alpha,
        all,
        ntk,
    };
    let a = rnn_core::dense_kernel::Sequences { x: xa, n: na };
    let b = (!xb.is_empty()).then_some(rnn_core::dense_kernel::Sequences { x: xb, n: nb });
    rnn_core::dense_kernel::dense_kernel(spec, a, b, t, d, out);
    Ok(())
}
