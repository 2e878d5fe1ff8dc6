//! Householder tridiagonalization of a symmetric float64 matrix, the costly half of the
//! eigendecomposition behind the closed-form kernel-regime predictions (`ts/theory/eigen.ts` does
//! the QL iteration and applies the reflectors; this is its (4/3) n^3-flop first step).
//!
//! Bit-identical to the TypeScript reference (`ts/backend/ts-tridiagonal.ts`): the same IEEE
//! operations in the same order, the row sums split into two partial sums over even and odd
//! columns in both (the 2-lane SIMD accumulators here). Float64 throughout: the eigenvalues of an
//! NTK span many orders of magnitude, float32 would lose the small ones.

use crate::simd::F64x2;

/// The boundary check both bindings (rnn-wasm, rnn-node) make before [`tridiagonalize`], with the
/// message they return: `a` and `v` of `n*n` values, `d`, `e` and `tau` of `n`, `n >= 1`.
pub fn check_tridiagonalize_args(n: usize, a: usize, v: usize, d: usize, e: usize, tau: usize) -> Result<(), String> {
    let nn = n
        .checked_mul(n)
        .ok_or_else(|| format!("tridiagonalize: n = {n} is too large"))?;
    if n == 0 || a != nn || v != nn || d != n || e != n || tau != n {
        return Err(format!(
            "tridiagonalize: expected a and v of n*n values and d, e, tau of n values for n = {n} >= 1 \
             (got {a}, {v}, {d}, {e}, {tau})"
        ));
    }
    Ok(())
}

/// Reduces the row-major `n x n` symmetric matrix `a` (only its lower triangle is read; it is
/// overwritten) to tridiagonal form `K = H T H^T`: `d` the diagonal of `T`, `e[k]` its subdiagonal
/// entry coupling `k` and `k + 1` (`e[n - 1] = 0`), `H = H_0 ... H_{n-3}` with
/// `H_k = I - tau_k v_k v_k^T`, `v_k` stored in row `k` of `v` (entries `k + 1..n`, `v_k[k + 1] = 1`;
/// a row of zeros and `tau_k = 0` when no reflection is needed).
///
/// Step k needs `p = tau_k A22 v_k` and then the rank-2 update `A22 -= v w^T + w v^T` of the
/// trailing block. Both passes over the trailing triangle are fused: step k's update and step
/// k + 1's product share one pass (column k + 1 is updated first, which gives `v_{k+1}`).
pub fn tridiagonalize(a: &mut [f64], n: usize, d: &mut [f64], e: &mut [f64], v: &mut [f64], tau: &mut [f64]) {
    assert!(a.len() == n * n && v.len() == n * n && d.len() == n && e.len() == n && tau.len() == n);
    v.fill(0.0);
    tau.fill(0.0);
    let mut p = vec![0.0; n];
    let mut w = vec![0.0; n];
    let zero = vec![0.0; n];
    if n >= 3 {
        for r in 0..n - 1 {
            // Finish reflector r - 1: w = p - (tau/2)(p^T v) v, then its update of column r.
            if r > 0 {
                let k = r - 1;
                let vk = &v[k * n..(k + 1) * n];
                let mut pv = 0.0;
                for i in r..n {
                    pv += p[i] * vk[i];
                }
                let half = 0.5 * tau[k] * pv;
                for i in r..n {
                    w[i] = p[i] - half * vk[i];
                }
                let (vc, wc) = (vk[r], w[r]);
                for i in r..n {
                    a[i * n + r] -= vk[i] * wc + w[i] * vc;
                }
            }
            let next = r < n - 2;
            if next {
                householder(a, n, r, d, e, v, tau);
            }
            // The pass over A[r+1.., r+1..]: reflector r - 1's update (none at r = 0), reflector
            // r's product (discarded when there is none).
            let (vk, u): (&[f64], &[f64]) = match (r > 0, next) {
                (true, true) => (&v[(r - 1) * n..r * n], &v[r * n..(r + 1) * n]),
                (true, false) => (&v[(r - 1) * n..r * n], &zero),
                (false, _) => (&zero, &v[r * n..(r + 1) * n]),
            };
            let ww: &[f64] = if r > 0 { &w } else { &zero };
            trailing_pass(a, n, r + 1, vk, ww, u, &mut p);
            if next {
                let t = tau[r];
                for i in r + 1..n {
                    p[i] *= t;
                }
            }
        }
    }
    if n >= 2 {
        d[n - 2] = a[(n - 2) * n + n - 2];
        e[n - 2] = a[(n - 1) * n + n - 2];
    }
    d[n - 1] = a[(n - 1) * n + n - 1];
    e[n - 1] = 0.0;
}

/// The reflector of step k from the (already updated) column `a[k+1.., k]`.
fn householder(a: &[f64], n: usize, k: usize, d: &mut [f64], e: &mut [f64], v: &mut [f64], tau: &mut [f64]) {
    let mut sigma = 0.0;
    for i in k + 2..n {
        let x = a[i * n + k];
        sigma += x * x;
    }
    let x0 = a[(k + 1) * n + k];
    d[k] = a[k * n + k];
    if sigma == 0.0 {
        e[k] = x0;
        tau[k] = 0.0;
        return;
    }
    let norm = (x0 * x0 + sigma).sqrt();
    let beta = if x0 <= 0.0 { norm } else { -norm };
    let v0 = x0 - beta;
    tau[k] = -v0 / beta;
    let o = k * n;
    v[o + k + 1] = 1.0;
    for i in k + 2..n {
        v[o + i] = a[i * n + k] / v0;
    }
    e[k] = beta;
}

/// For rows i >= lo and columns lo <= j <= i: `a_ij -= v_i w_j + w_i v_j`, then `p += A u` over the
/// updated lower triangle (p[lo..] zeroed first). Not inlined: V8 optimizes a wasm function at its
/// next call, so the hot loop lives in a function called once per step.
#[inline(never)]
fn trailing_pass(a: &mut [f64], n: usize, lo: usize, v: &[f64], w: &[f64], u: &[f64], p: &mut [f64]) {
    for x in &mut p[lo..n] {
        *x = 0.0;
    }
    for i in lo..n {
        let (vi, wi, ui) = (v[i], w[i], u[i]);
        let (svi, swi, sui) = (F64x2::splat(vi), F64x2::splat(wi), F64x2::splat(ui));
        let row = &mut a[i * n..i * n + i + 1];
        let mut s = F64x2::splat(0.0);
        let mut j = lo;
        while j + 2 <= i {
            let x = F64x2::load(row, j).sub(svi.mul(F64x2::load(w, j)).add(swi.mul(F64x2::load(v, j))));
            x.store(row, j);
            s = s.add(x.mul(F64x2::load(u, j)));
            F64x2::load(p, j).add(x.mul(sui)).store(p, j);
            j += 2;
        }
        let [mut s0, s1] = s.to_array();
        if j < i {
            let x = row[j] - (vi * w[j] + wi * v[j]);
            row[j] = x;
            s0 += x * u[j];
            p[j] += x * ui;
        }
        let x = row[i] - (vi * w[i] + wi * v[i]);
        row[i] = x;
        p[i] += (s0 + s1) + x * ui;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_boundary_check_refuses_sizes_that_do_not_match_n() {
        assert_eq!(check_tridiagonalize_args(3, 9, 9, 3, 3, 3), Ok(()));
        for bad in [
            (0, 0, 0, 0, 0, 0),
            (3, 8, 9, 3, 3, 3),
            (3, 9, 10, 3, 3, 3),
            (3, 9, 9, 2, 3, 3),
            (3, 9, 9, 3, 4, 3),
            (3, 9, 9, 3, 3, 0),
        ] {
            let (n, a, v, d, e, tau) = bad;
            let msg = check_tridiagonalize_args(n, a, v, d, e, tau).unwrap_err();
            assert!(
                msg.starts_with("tridiagonalize: expected a and v of n*n values"),
                "{bad:?}: {msg}"
            );
        }
        assert!(check_tridiagonalize_args(usize::MAX, 0, 0, 0, 0, 0)
            .unwrap_err()
            .contains("too large"));
    }

    /// T = H^T K H rebuilt from the reflectors equals the tridiagonal (d, e).
    #[test]
    fn reflectors_tridiagonalize_the_matrix() {
        for n in [1usize, 2, 3, 4, 7, 16, 33] {
            let mut k = vec![0.0; n * n];
            for i in 0..n {
                for j in 0..=i {
                    let x = ((i * 31 + j * 17) as f64 * 0.37).sin();
                    k[i * n + j] = x;
                    k[j * n + i] = x;
                }
            }
            let (mut d, mut e, mut v, mut tau) = (vec![0.0; n], vec![0.0; n], vec![0.0; n * n], vec![0.0; n]);
            let mut a = k.clone();
            tridiagonalize(&mut a, n, &mut d, &mut e, &mut v, &mut tau);
            // M = K, then M <- H_k M H_k for k = 0..n-3 (H_k symmetric): M = H^T K H.
            let mut m = k.clone();
            for s in 0..n.saturating_sub(2) {
                let vs = &v[s * n..(s + 1) * n];
                for _side in 0..2 {
                    // M <- H_s M (rows), then transpose (M symmetric at the end of both sides).
                    let mut out = m.clone();
                    for c in 0..n {
                        let dot: f64 = (0..n).map(|r| vs[r] * m[r * n + c]).sum();
                        for r in 0..n {
                            out[r * n + c] = m[r * n + c] - tau[s] * vs[r] * dot;
                        }
                    }
                    for r in 0..n {
                        for c in 0..n {
                            m[c * n + r] = out[r * n + c];
                        }
                    }
                }
            }
            for i in 0..n {
                for j in 0..n {
                    let want = if i == j {
                        d[i]
                    } else if i == j + 1 {
                        e[j]
                    } else if j == i + 1 {
                        e[i]
                    } else {
                        0.0
                    };
                    assert!(
                        (m[i * n + j] - want).abs() < 1e-12 * n as f64,
                        "n={n} ({i},{j}): {} vs {want}",
                        m[i * n + j]
                    );
                }
            }
        }
    }
}
