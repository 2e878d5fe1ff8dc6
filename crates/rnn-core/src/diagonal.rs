//! Diagonal (IndRNN-type) recurrence: batched forward and BPTT (docs/spec/model.md sections 2 and 5).
//!
//! `z_{i,t} = alpha w_i h_{i,t-1} + <u_i, x_t>`. The input projection of each time step is one
//! GEMM (shared with the dense model); the recurrence is elementwise, SIMD over neurons.
//! Backward: `dz = dh * sigma'(z)`, `grad_w_i = alpha sum_{t,j} dz h_{t-1}`,
//! `dh_{t-1} = seed_{t-1} + alpha w_i dz`, and `dU` is one GEMM (as in the dense model).
//! `dz` is flushed to zero below [`crate::flush::FLUSH_BELOW`] (it decays geometrically).

use crate::activation;
use crate::flush::{flush1, flush4, mul_assign_flush, threshold};
use crate::model::{Model, Spec};
use crate::readout::Seed;
use crate::recurrence::{grad_u_product, input_projection};
use crate::simd::F32x4;

/// Forward pass of `nb` sequences: fills `h` (`T x nb x m`) and `dz` with `sigma'(z)`.
pub(crate) fn forward(model: &Model, nb: usize, t_len: usize, xt: &[f32], h: &mut [f32], dz: &mut [f32]) {
    let spec = &model.spec;
    let m = spec.m;
    let m4 = m - m % 4;
    let blk = nb * m;
    let alpha = spec.alpha;
    let alpha4 = F32x4::splat(alpha);
    let w = &model.w;
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
            let (hp, zc) = (&h[off - blk..off], &mut dz[off..off + blk]);
            for j in 0..nb {
                let (hp, zc) = (&hp[j * m..(j + 1) * m], &mut zc[j * m..(j + 1) * m]);
                let mut i = 0;
                while i < m4 {
                    let aw = alpha4.mul(F32x4::load(w, i));
                    F32x4::load(zc, i).add(aw.mul(F32x4::load(hp, i))).store(zc, i);
                    i += 4;
                }
                for i in m4..m {
                    zc[i] += (alpha * w[i]) * hp[i];
                }
            }
        }
        activation::apply(spec.activation, &mut dz[off..off + blk], &mut h[off..off + blk]);
    }
}

/// Backward pass. On entry `dz` holds `sigma'(z)`; on exit `dZ_t`. When `grads` is given,
/// writes `(grad_w, grad_u)`.
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
    mut grads: Option<(&mut [f32], &mut [f32])>,
) {
    let m = spec.m;
    let m4 = m - m % 4;
    let blk = nb * m;
    let alpha = spec.alpha;
    let alpha4 = F32x4::splat(alpha);
    let tau = threshold();
    let tau4 = F32x4::splat(tau);
    if let Some((gw, _)) = grads.as_mut() {
        gw.fill(0.0);
    }
    seed.fill(t_len - 1, t_len, nb, dh);
    for t in (0..t_len).rev() {
        let off = t * blk;
        if t == 0 {
            mul_assign_flush(&mut dz[..blk], &dh[..blk]);
            break;
        }
        // dh now becomes dL/dh_{t-1}: start from its readout seed, add alpha w dz_t below.
        let (hp, zc) = (&h[off - blk..off], &mut dz[off..off + blk]);
        for j in 0..nb {
            let (hp, zc) = (&hp[j * m..(j + 1) * m], &mut zc[j * m..(j + 1) * m]);
            let dhj = &mut dh[j * m..(j + 1) * m];
            let mut i = 0;
            while i < m4 {
                let dzv = flush4(F32x4::load(dhj, i).mul(F32x4::load(zc, i)), tau4);
                dzv.store(zc, i);
                if let Some((gw, _)) = grads.as_mut() {
                    F32x4::load(gw, i).add(dzv.mul(F32x4::load(hp, i))).store(gw, i);
                }
                alpha4.mul(F32x4::load(w, i)).mul(dzv).store(dhj, i);
                i += 4;
            }
            for i in m4..m {
                let dzv = flush1(dhj[i] * zc[i], tau);
                zc[i] = dzv;
                if let Some((gw, _)) = grads.as_mut() {
                    gw[i] += dzv * hp[i];
                }
                dhj[i] = (alpha * w[i]) * dzv;
            }
        }
        if seed.all {
            // Readout at t-1: dh += r_{j,t-1} c / sqrt(m).
            let inv = 1.0 / (m as f32).sqrt();
            for j in 0..nb {
                let rj = seed.r[(t - 1) * nb + j];
                for i in 0..m {
                    dh[j * m + i] += rj * (seed.c[i] * inv);
                }
            }
        }
    }
    if let Some((gw, gu)) = grads {
        for v in gw.iter_mut() {
            *v *= alpha;
        }
        grad_u_product(spec, t_len * nb, dz, xt, gu);
    }
}
