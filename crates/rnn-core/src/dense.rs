//! Dense Elman recurrence: batched forward and BPTT (docs/spec/model.md sections 2 and 5).
//!
//! Forward, per t: `Z_t = X_t U^T + H_{t-1} (s W)^T` with `s = alpha/sqrt(m)` (the input
//! projection of each t is one GEMM, done just before the recurrence), then the fused activation writes `H_t` and `sigma'(Z_t)`.
//!
//! Backward: `dZ_t = dH_t * sigma'(Z_t)` (in place), `dH_{t-1} = seed_{t-1} + dZ_t (s W)`
//! (one GEMM per t); then `dW = s sum_t dZ_t^T H_{t-1}` and `dU = sum_t dZ_t^T X_t`, each one
//! GEMM whose reduction index runs over all `(t, j)`. `dZ_t` is flushed to zero below
//! [`crate::flush::FLUSH_BELOW`] (it decays geometrically when `alpha ||W|| sigma'` < 1).

use crate::activation;
use crate::flush::mul_assign_flush;
use crate::gemm::{gemm, gemm_set, MatA, MatB};
use crate::model::{Model, Spec};
use crate::readout::Seed;
use crate::recurrence::{grad_u_product, input_projection};

/// Forward pass of `nb` sequences: fills `h` (`T x nb x m`) and `dz` with `sigma'(z)`.
pub(crate) fn forward(model: &Model, nb: usize, t_len: usize, xt: &[f32], h: &mut [f32], dz: &mut [f32]) {
    let spec = &model.spec;
    let m = spec.m;
    let blk = nb * m;
    let rows_t = nb * spec.d;
    for t in 0..t_len {
        let off = t * blk;
        // The input projection one time step at a time, so Z_t is still in cache for the
        // recurrence and the activation (one GEMM over all t wrote and re-read n T m floats).
        input_projection(
            spec,
            &model.u,
            nb,
            &xt[t * rows_t..(t + 1) * rows_t],
            &mut dz[off..off + blk],
        );
        if t > 0 {
            // Z_t += H_{t-1} (s W)^T: B(p = l, c = i) = s W[i*m + l].
            gemm(
                nb,
                m,
                m,
                MatA {
                    data: &h[off - blk..off],
                    rs: m,
                    ps: 1,
                },
                MatB {
                    data: &model.w,
                    ps: 1,
                    cs: m,
                    scale: spec.recurrent_scale(),
                },
                &mut dz[off..off + blk],
                m,
            );
        }
        activation::apply(spec.activation, &mut dz[off..off + blk], &mut h[off..off + blk]);
    }
}

/// Backward pass. On entry `dz` holds `sigma'(z)`; on exit it holds `dZ_t` for every t.
/// When `grads` is given, writes `(grad_w, grad_u)`.
pub(crate) fn backward(
    spec: &Spec,
    w: &[f32],
    nb: usize,
    t_len: usize,
    seed: &Seed,
    xt: &[f32],
    h: &[f32],
    dz: &mut [f32],
    dh: &mut [f32],
    grads: Option<(&mut [f32], &mut [f32])>,
) {
    let m = spec.m;
    let blk = nb * m;
    let s = spec.recurrent_scale();
    seed.fill(t_len - 1, t_len, nb, dh);
    for t in (0..t_len).rev() {
        let off = t * blk;
        mul_assign_flush(&mut dz[off..off + blk], &dh[..blk]);
        if t > 0 {
            // dH_{t-1} = seed_{t-1} + dZ_t (s W): B(p = i, c = l) = s W[i*m + l].
            let a = MatA {
                data: &dz[off..off + blk],
                rs: m,
                ps: 1,
            };
            let b = MatB {
                data: w,
                ps: m,
                cs: 1,
                scale: s,
            };
            if seed.active(t - 1, t_len) {
                seed.fill(t - 1, t_len, nb, dh);
                gemm(nb, m, m, a, b, dh, m);
            } else {
                gemm_set(nb, m, m, a, b, dh, m); // no readout at t-1: same bits as 0 + product
            }
        }
    }
    if let Some((grad_w, grad_u)) = grads {
        // dW = s * sum_{t>=1, j} dZ_t[j]^T h_{t-1}[j]  (h_{-1} = 0 contributes nothing).
        if t_len == 1 {
            grad_w.fill(0.0);
        } else {
            gemm_set(
                m,
                m,
                (t_len - 1) * nb,
                MatA {
                    data: &dz[blk..t_len * blk],
                    rs: 1,
                    ps: m,
                },
                MatB {
                    data: &h[..(t_len - 1) * blk],
                    ps: m,
                    cs: 1,
                    scale: s,
                },
                grad_w,
                m,
            );
        }
        grad_u_product(spec, t_len * nb, dz, xt, grad_u);
    }
}
