//! wasm-bindgen bindings over `rnn-core`: handle classes (`Raw*`) and raw byte offsets for
//! zero-copy typed-array views; the boundary enums in [`enums`], the objects' sizes in [`sizes`],
//! the two classes over a core `Pass` (`RawWorkspace`, `RawLinearization`) in [`passes`].
//! Nothing numeric and no state of its own lives here; see `API.md` for the contract.
//!
//! Memory only grows in constructors and in `reserve` (`RawWorkspace`, `RawLinearization`);
//! pointers returned by the `*_ptr` methods stay valid until the object is freed (or, for the per-step outputs and batch
//! indices, until the next `reserve`). Views must still be re-created if any *other* object's
//! construction grew the memory (the `ArrayBuffer` of `memory.buffer` is then replaced).

/// The shape methods of a class over sequences, `n_max`, `t`, `set_n` (and `n` when asked).
macro_rules! sequence_methods {
    ($class:ident) => {
        #[wasm_bindgen]
        impl $class {
            pub fn n_max(&self) -> usize {
                self.inner.n_max()
            }
            pub fn t(&self) -> usize {
                self.inner.t()
            }
            pub fn set_n(&mut self, n: u32) -> Result<(), JsError> {
                self.inner.set_n(n as usize).map_err($crate::err)
            }
        }
    };
    ($class:ident, n) => {
        sequence_methods!($class);
        #[wasm_bindgen]
        impl $class {
            pub fn n(&self) -> usize {
                self.inner.n()
            }
        }
    };
}

mod bench;
mod enums;
mod passes;
mod sizes;

use enums::{member, projection, RawActivation, RawReadout, RawRecurrence};
use rnn_core::model::Spec;
use rnn_core::{Teacher, TeacherWorkspace};
use wasm_bindgen::prelude::*;

fn err(msg: String) -> JsError {
    JsError::new(&msg)
}

fn finite_f32(name: &str, v: f64) -> Result<f32, JsError> {
    let f = v as f32;
    if f.is_finite() {
        Ok(f)
    } else {
        Err(err(format!("{name} must be a finite float32 (got {v})")))
    }
}

/// True when this build was compiled with SIMD128.
#[wasm_bindgen]
pub fn simd_enabled() -> bool {
    rnn_core::simd::simd_enabled()
}

/// Parameters `W, U`, initialization `W0, U0`, output signs `c` and the gradient.
#[wasm_bindgen]
pub struct RawModel {
    inner: rnn_core::Model,
}

#[wasm_bindgen]
impl RawModel {
    /// `m` even >= 2; `d` >= 1; `alpha` finite.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RawRecurrence")] recurrence: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RawActivation")] activation: JsValue,
        #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
        m: u32,
        d: u32,
        alpha: f64,
    ) -> Result<RawModel, JsError> {
        let spec = Spec {
            recurrence: member::<RawRecurrence>("recurrence", &recurrence)?.into(),
            activation: member::<RawActivation>("activation", &activation)?.into(),
            readout: member::<RawReadout>("readout", &readout)?.into(),
            m: m as usize,
            d: d as usize,
            alpha: finite_f32("alpha", alpha)?,
        };
        Ok(RawModel {
            inner: rnn_core::Model::new(spec).map_err(err)?,
        })
    }
    pub fn w_len(&self) -> usize {
        self.inner.w.len()
    }
    pub fn u_len(&self) -> usize {
        self.inner.u.len()
    }
    /// P = w_len + u_len, the length of one per-sample gradient row.
    pub fn param_len(&self) -> usize {
        self.inner.spec.param_len()
    }
    pub fn m(&self) -> usize {
        self.inner.spec.m
    }
    pub fn d(&self) -> usize {
        self.inner.spec.d
    }
    pub fn w_ptr(&self) -> usize {
        self.inner.w.as_ptr() as usize
    }
    pub fn u_ptr(&self) -> usize {
        self.inner.u.as_ptr() as usize
    }
    pub fn w0_ptr(&self) -> usize {
        self.inner.w0.as_ptr() as usize
    }
    pub fn u0_ptr(&self) -> usize {
        self.inner.u0.as_ptr() as usize
    }
    pub fn c_ptr(&self) -> usize {
        self.inner.c.as_ptr() as usize
    }
    pub fn grad_w_ptr(&self) -> usize {
        self.inner.grad_w.as_ptr() as usize
    }
    pub fn grad_u_ptr(&self) -> usize {
        self.inner.grad_u.as_ptr() as usize
    }
    /// Projects the parameters onto the ball of radius `rho` (finite and >= 0) around W0, U0.
    pub fn project(
        &mut self,
        #[wasm_bindgen(unchecked_param_type = "RawProjection")] kind: JsValue,
        rho: f64,
    ) -> Result<(), JsError> {
        rnn_core::project(&mut self.inner, projection(&kind, rho)?);
        Ok(())
    }
}

/// Buffers for tangent features, per-sample gradients and NTK Gram matrices.
#[wasm_bindgen]
pub struct RawFeatures {
    inner: rnn_core::Features,
}
sequence_methods!(RawFeatures, n);

#[wasm_bindgen]
impl RawFeatures {
    /// Allocates x (`n_max*t*d`), the per-sample gradients (`n_max*P`), the Gram matrix
    /// (`n_max^2`) and, for the diagonal model, the tangent features (`n_max*m*(1+d)`).
    #[wasm_bindgen(constructor)]
    pub fn new(model: &RawModel, n_max: u32, t: u32) -> Result<RawFeatures, JsError> {
        Ok(RawFeatures {
            inner: rnn_core::Features::new(&model.inner.spec, n_max as usize, t as usize).map_err(err)?,
        })
    }
    pub fn x_ptr(&mut self) -> usize {
        self.inner.x_mut().as_ptr() as usize
    }
    /// f32 `n * m * (1+d)`, element `(j*m + i)*(1+d) + q` (q = 0: w-component). Diagonal only.
    pub fn tangent_ptr(&self) -> usize {
        self.inner.tangent.as_ptr() as usize
    }
    /// f32 `n * P`, row j = `[dW (w_len), dU (u_len)]` of f(X_j).
    pub fn jacobian_ptr(&self) -> usize {
        self.inner.jac.as_ptr() as usize
    }
    /// f32 `n * n`, row-major with stride n (the current n, not n_max).
    pub fn gram_ptr(&self) -> usize {
        self.inner.gram.as_ptr() as usize
    }
    pub fn tangent_features(&mut self, model: &RawModel) -> Result<(), JsError> {
        self.inner.tangent_features(&model.inner).map_err(err)
    }
    pub fn per_sample_gradients(&mut self, model: &RawModel) -> Result<(), JsError> {
        self.inner.per_sample_gradients(&model.inner).map_err(err)
    }
    pub fn ntk_gram(&mut self, model: &RawModel) -> Result<(), JsError> {
        self.inner.ntk_gram(&model.inner).map_err(err)
    }
}

/// Teacher particles of the diagonal function class, their inputs and the fused teacher sum.
#[wasm_bindgen]
pub struct RawTeacher {
    inner: TeacherWorkspace,
}
sequence_methods!(RawTeacher);

#[wasm_bindgen]
impl RawTeacher {
    /// `count` particles of input dimension `d`; inputs for up to `n_max` sequences of length t.
    #[wasm_bindgen(constructor)]
    pub fn new(
        #[wasm_bindgen(unchecked_param_type = "RawActivation")] activation: JsValue,
        d: u32,
        alpha: f64,
        count: u32,
        n_max: u32,
        t: u32,
    ) -> Result<RawTeacher, JsError> {
        let teacher = Teacher::new(
            member::<RawActivation>("activation", &activation)?.into(),
            d as usize,
            finite_f32("alpha", alpha)?,
            count as usize,
        )
        .map_err(err)?;
        Ok(RawTeacher {
            inner: TeacherWorkspace::new(teacher, n_max as usize, t as usize).map_err(err)?,
        })
    }
    pub fn count(&self) -> usize {
        self.inner.teacher.count()
    }
    /// f32 `count`.
    pub fn w_ptr(&self) -> usize {
        self.inner.teacher.w.as_ptr() as usize
    }
    /// f32 `count * d`, element `k*d + q`.
    pub fn u_ptr(&self) -> usize {
        self.inner.teacher.u.as_ptr() as usize
    }
    /// f32 `count * (1+d)`, element `k*(1+d) + q` (q = 0: v_w).
    pub fn v_ptr(&self) -> usize {
        self.inner.teacher.v.as_ptr() as usize
    }
    /// f32 `n_max * t * d`, sample-major.
    pub fn x_ptr(&self) -> usize {
        self.inner.x.as_ptr() as usize
    }
    /// f32 `n_max`: `out[j] = (1/M) sum_k <v_k, phi_T(X_j; theta^k)>` after `sum`.
    pub fn out_ptr(&self) -> usize {
        self.inner.out.as_ptr() as usize
    }
    /// Computes `out[j]` for the first n sequences of x.
    pub fn sum(&mut self) -> Result<(), JsError> {
        self.inner.sum().map_err(err)
    }
}

/// Householder tridiagonalization of the row-major `n x n` symmetric float64 matrix `a` (lower
/// triangle read, overwritten): `d`, `e`, `tau` (n values) and the reflectors `v` (n*n) are
/// written; see `rnn_core::tridiagonal`.
#[wasm_bindgen]
pub fn tridiagonalize(
    a: &mut [f64],
    n: usize,
    d: &mut [f64],
    e: &mut [f64],
    v: &mut [f64],
    tau: &mut [f64],
) -> Result<(), JsError> {
    rnn_core::tridiagonal::check_tridiagonalize_args(n, a.len(), v.len(), d.len(), e.len(), tau.len()).map_err(err)?;
    rnn_core::tridiagonal::tridiagonalize(a, n, d, e, v, tau);
    Ok(())
}

/// The exact infinite-width NTK (`ntk`) or NNGP of the dense model on A x B into `out`, f64
/// (`rnn_core::dense_kernel`): `xa` holds `na` sequences of `t x d` values, `xb` `nb` of them, or
/// is empty for B = A. Readout final: `out` has `na * nb` values; all: `na*t * nb*t`.
/// (Flat arguments: a boundary function of plain values and slices, no handle object to allocate.)
#[allow(clippy::too_many_arguments)]
#[wasm_bindgen]
pub fn dense_kernel(
    #[wasm_bindgen(unchecked_param_type = "RawActivation")] activation: JsValue,
    #[wasm_bindgen(unchecked_param_type = "RawReadout")] readout: JsValue,
    alpha: f64,
    ntk: bool,
    xa: &[f64],
    na: usize,
    xb: &[f64],
    nb: usize,
    t: usize,
    d: usize,
    out: &mut [f64],
) -> Result<(), JsError> {
    let activation = member::<RawActivation>("activation", &activation)?.into();
    let all = matches!(
        rnn_core::Readout::from(member::<RawReadout>("readout", &readout)?),
        rnn_core::Readout::All
    );
    rnn_core::dense_kernel::check_dense_kernel_args(alpha, all, xa, na, xb, nb, t, d, out.len()).map_err(err)?;
    let same = xb.is_empty();
    let spec = rnn_core::dense_kernel::KernelSpec {
        activation,
        alpha,
        all,
        ntk,
    };
    let a = rnn_core::dense_kernel::Sequences { x: xa, n: na };
    let b = (!same).then_some(rnn_core::dense_kernel::Sequences { x: xb, n: nb });
    rnn_core::dense_kernel::dense_kernel(spec, a, b, t, d, out);
    Ok(())
}
