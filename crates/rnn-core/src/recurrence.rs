//! The input side both recurrences share: the projection `X_t U^T` of a batch (forward) and the
//! gradient `dU = sum_t dZ_t^T X_t` (backward), each one GEMM. The recurrent parts differ (a
//! matrix for dense, a vector for diagonal) and live in dense.rs and diagonal.rs.

use crate::gemm::{gemm_set, MatA, MatB};
use crate::model::Spec;

/// `dz[t][j][i] = sum_k xt[t][j][k] u[i][k]` for all (t, j): the input projection of a batch.
pub(crate) fn input_projection(spec: &Spec, u: &[f32], rows: usize, xt: &[f32], dz: &mut [f32]) {
    let (m, d) = (spec.m, spec.d);
    gemm_set(
        rows,
        m,
        d,
        MatA { data: xt, rs: d, ps: 1 },
        MatB {
            data: u,
            ps: 1,
            cs: d,
            scale: 1.0,
        },
        dz,
        m,
    );
}

/// `grad_u = sum_{t,j} dZ_t[j]^T x_t[j]` as one GEMM over the reduction index (t, j).
pub(crate) fn grad_u_product(spec: &Spec, rows: usize, dz: &[f32], xt: &[f32], grad_u: &mut [f32]) {
    let (m, d) = (spec.m, spec.d);
    gemm_set(
        m,
        d,
        rows,
        MatA { data: dz, rs: 1, ps: m },
        MatB {
            data: xt,
            ps: d,
            cs: 1,
            scale: 1.0,
        },
        grad_u,
        d,
    );
}
