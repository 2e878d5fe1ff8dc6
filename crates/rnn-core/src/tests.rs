//! Cross-module tests against a small float64 reference implementation written here.

use crate::model::{Activation, Model, Readout, Recurrence, Spec};
use crate::projection::{neuron_dist_sq, neuron_distances, project, Projection};
use crate::test_util::{random_model, random_workspace, spec, Rng};
use crate::{Features, Pass, Teacher, TeacherWorkspace, Workspace};

/// Inputs uniform in [-1, 1), targets in [-0.5, 0.5).
const DATA: (f32, f32) = (1.0, 0.5);

const ACTS: [Activation; 4] = [Activation::Tanh, Activation::Sigmoid, Activation::Sin, Activation::Relu];

fn sigma64(act: Activation, z: f64) -> f64 {
    match act {
        Activation::Tanh => z.tanh(),
        Activation::Sigmoid => 1.0 / (1.0 + (-z).exp()),
        Activation::Sin => z.sin(),
        Activation::Relu => z.max(0.0),
    }
}

/// f64 reference forward: predictions in the layout of Y (n, or n*T with `j*T + t`).
fn ref_forward(s: &Spec, w: &[f64], u: &[f64], c: &[f64], x: &[f32], n: usize, t_len: usize) -> Vec<f64> {
    let (m, d) = (s.m, s.d);
    let alpha = s.alpha as f64;
    let mut out = Vec::new();
    for j in 0..n {
        let mut h = vec![0.0f64; m];
        for t in 0..t_len {
            let xt = &x[(j * t_len + t) * d..(j * t_len + t + 1) * d];
            let mut hn = vec![0.0; m];
            for i in 0..m {
                let mut z: f64 = (0..d).map(|k| u[i * d + k] * xt[k] as f64).sum();
                z += match s.recurrence {
                    Recurrence::Dense => alpha / (m as f64).sqrt() * (0..m).map(|l| w[i * m + l] * h[l]).sum::<f64>(),
                    Recurrence::Diagonal => alpha * w[i] * h[i],
                };
                hn[i] = sigma64(s.activation, z);
            }
            h = hn;
            if s.readout == Readout::All || t == t_len - 1 {
                out.push((0..m).map(|i| c[i] * h[i]).sum::<f64>() / (m as f64).sqrt());
            }
        }
    }
    out
}

fn ref_loss(s: &Spec, w: &[f64], u: &[f64], c: &[f64], x: &[f32], y: &[f32], n: usize, t_len: usize) -> f64 {
    let f = ref_forward(s, w, u, c, x, n, t_len);
    f.iter().zip(y).map(|(&a, &b)| (a - b as f64).powi(2)).sum::<f64>() / (2.0 * f.len() as f64)
}

fn to64(v: &[f32]) -> Vec<f64> {
    v.iter().map(|&x| x as f64).collect()
}

#[test]
fn gradient_matches_finite_differences() {
    let mut rng = Rng(11);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        for act in ACTS {
            for readout in [Readout::Final, Readout::All] {
                let s = spec(rec, act, readout, 6, 3, 0.9);
                let (n, t_len) = (7, 5);
                let mut model = random_model(s, &mut rng);
                let mut ws = random_workspace(&model, n, t_len, DATA, &mut rng);
                let loss = ws.loss_grad(&mut model).unwrap();
                let (w, u, c) = (to64(&model.w), to64(&model.u), to64(&model.c));
                let ref_l = ref_loss(&s, &w, &u, &c, &ws.x, &ws.y, n, t_len);
                assert!(
                    (loss - ref_l).abs() <= 1e-5 * (1.0 + ref_l),
                    "{s:?}: loss {loss} vs {ref_l}"
                );
                let grads: Vec<f32> = model.grad_w.iter().chain(&model.grad_u).copied().collect();
                let gmax = grads.iter().fold(0.0f64, |a, &g| a.max(g.abs() as f64));
                let eps = 1e-5;
                for p in 0..grads.len() {
                    let (mut wp, mut up) = (w.clone(), u.clone());
                    let (mut wm, mut um) = (w.clone(), u.clone());
                    if p < w.len() {
                        wp[p] += eps;
                        wm[p] -= eps;
                    } else {
                        up[p - w.len()] += eps;
                        um[p - w.len()] -= eps;
                    }
                    let fd = (ref_loss(&s, &wp, &up, &c, &ws.x, &ws.y, n, t_len)
                        - ref_loss(&s, &wm, &um, &c, &ws.x, &ws.y, n, t_len))
                        / (2.0 * eps);
                    let g = grads[p] as f64;
                    assert!(
                        (g - fd).abs() <= 2e-4 * gmax + 1e-6,
                        "{s:?} param {p}: grad {g} vs fd {fd} (max {gmax})"
                    );
                }
            }
        }
    }
}

/// Degenerate shapes: T = 1 (no recurrence), n = 1, m = 2.
#[test]
fn gradient_degenerate_shapes() {
    let mut rng = Rng(31);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        for &(m, n, t_len) in &[(2usize, 1usize, 1usize), (4, 3, 1), (2, 1, 3)] {
            let s = spec(rec, Activation::Tanh, Readout::All, m, 2, 1.3);
            let mut model = random_model(s, &mut rng);
            let mut ws = random_workspace(&model, n, t_len, DATA, &mut rng);
            ws.loss_grad(&mut model).unwrap();
            let (w, u, c) = (to64(&model.w), to64(&model.u), to64(&model.c));
            let grads: Vec<f32> = model.grad_w.iter().chain(&model.grad_u).copied().collect();
            let eps = 1e-5;
            for p in 0..grads.len() {
                let (mut wp, mut up, mut wm, mut um) = (w.clone(), u.clone(), w.clone(), u.clone());
                if p < w.len() {
                    wp[p] += eps;
                    wm[p] -= eps;
                } else {
                    up[p - w.len()] += eps;
                    um[p - w.len()] -= eps;
                }
                let fd = (ref_loss(&s, &wp, &up, &c, &ws.x, &ws.y, n, t_len)
                    - ref_loss(&s, &wm, &um, &c, &ws.x, &ws.y, n, t_len))
                    / (2.0 * eps);
                assert!(
                    (grads[p] as f64 - fd).abs() <= 1e-5,
                    "{s:?} n={n} T={t_len} param {p}: {} vs {fd}",
                    grads[p]
                );
            }
        }
    }
}

/// Larger dense case exercising the GEMM edges and p-blocking (K = (T-1)*n > 256).
#[test]
fn dense_gradient_larger_shape() {
    let mut rng = Rng(5);
    let s = spec(Recurrence::Dense, Activation::Tanh, Readout::Final, 14, 5, 1.1);
    let (n, t_len) = (41, 9);
    let mut model = random_model(s, &mut rng);
    let mut ws = random_workspace(&model, n, t_len, DATA, &mut rng);
    ws.loss_grad(&mut model).unwrap();
    let (w, u, c) = (to64(&model.w), to64(&model.u), to64(&model.c));
    let grads: Vec<f32> = model.grad_w.iter().chain(&model.grad_u).copied().collect();
    let gmax = grads.iter().fold(0.0f64, |a, &g| a.max(g.abs() as f64));
    let eps = 1e-5;
    for p in (0..grads.len()).step_by(7) {
        let (mut wp, mut up, mut wm, mut um) = (w.clone(), u.clone(), w.clone(), u.clone());
        if p < w.len() {
            wp[p] += eps;
            wm[p] -= eps;
        } else {
            up[p - w.len()] += eps;
            um[p - w.len()] -= eps;
        }
        let fd = (ref_loss(&s, &wp, &up, &c, &ws.x, &ws.y, n, t_len)
            - ref_loss(&s, &wm, &um, &c, &ws.x, &ws.y, n, t_len))
            / (2.0 * eps);
        assert!(
            (grads[p] as f64 - fd).abs() <= 2e-4 * gmax + 1e-6,
            "param {p}: {} vs {fd}",
            grads[p]
        );
    }
}

/// Duplicated neurons with opposite output signs give f = 0 bit-exactly.
#[test]
fn symmetric_init_gives_exact_zero() {
    let mut rng = Rng(3);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        for act in ACTS {
            for readout in [Readout::Final, Readout::All] {
                for m in [2, 6, 16, 22] {
                    let s = spec(rec, act, readout, m, 4, 1.0);
                    let mut model = Model::new(s).unwrap();
                    let half = m / 2;
                    let row = model.w.len() / m;
                    rng.fill(&mut model.w, 1.0);
                    rng.fill(&mut model.u, 1.0);
                    for i in 0..half {
                        for l in 0..row {
                            model.w[(i + half) * row + l] = model.w[i * row + l];
                        }
                        for k in 0..4 {
                            model.u[(i + half) * 4 + k] = model.u[i * 4 + k];
                        }
                    }
                    let mut ws = random_workspace(&model, 9, 6, DATA, &mut rng);
                    ws.forward(&model).unwrap();
                    assert!(ws.pred.iter().all(|&f| f.to_bits() == 0), "{s:?}: {:?}", &ws.pred[..4]);
                }
            }
        }
    }
}

#[test]
fn projection_properties() {
    let mut rng = Rng(9);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        let s = spec(rec, Activation::Tanh, Readout::Final, 8, 3, 1.0);
        let base = random_model(s, &mut rng);
        let mut dist = vec![0.0; 8];
        neuron_distances(&base, &mut dist);
        let total = dist.iter().map(|x| x * x).sum::<f64>().sqrt();
        let maxd = dist.iter().cloned().fold(0.0, f64::max);
        let sqrt_m = (8f64).sqrt();
        // Identity inside the ball.
        for proj in [
            Projection::MaxNorm(maxd * sqrt_m * 1.01),
            Projection::L2(total * 1.01),
            Projection::None,
        ] {
            let mut mm = base.clone();
            project(&mut mm, proj);
            assert_eq!(mm.w, base.w);
            assert_eq!(mm.u, base.u);
        }
        // Inside the ball afterwards, and idempotent.
        let rho = maxd * sqrt_m * 0.5;
        let mut mm = base.clone();
        project(&mut mm, Projection::MaxNorm(rho));
        neuron_distances(&mm, &mut dist);
        for (i, &di) in dist.iter().enumerate() {
            assert!(di <= rho / sqrt_m * (1.0 + 1e-6), "neuron {i}: {di}");
        }
        let once = mm.clone();
        project(&mut mm, Projection::MaxNorm(rho));
        for (a, b) in mm.w.iter().chain(&mm.u).zip(once.w.iter().chain(&once.u)) {
            assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()));
        }
        let rho = total * 0.3;
        let mut mm = base.clone();
        project(&mut mm, Projection::L2(rho));
        neuron_distances(&mm, &mut dist);
        let t2 = dist.iter().map(|x| x * x).sum::<f64>().sqrt();
        assert!(t2 <= rho * (1.0 + 1e-6));
        let once = mm.clone();
        project(&mut mm, Projection::L2(rho));
        for (a, b) in mm.w.iter().chain(&mm.u).zip(once.w.iter().chain(&once.u)) {
            assert!((a - b).abs() <= 1e-6 * (1.0 + b.abs()));
        }
        // rho = 0 returns to the initialization.
        let mut mm = base.clone();
        project(&mut mm, Projection::MaxNorm(0.0));
        assert_eq!(mm.w, base.w0);
        assert_eq!(mm.u, base.u0);
    }
}

/// The radius the metrics record (sqrt(m) * max_i ||theta_i - theta_i0||, or ||Theta - Theta0||) is
/// <= rho exactly after projecting, for many models and radii (f32 rounding must not leave it outside).
#[test]
fn projection_lands_exactly_inside_the_ball() {
    let mut rng = Rng(77);
    let mut shrunk = 0;
    for trial in 0..400 {
        let rec = if trial % 2 == 0 {
            Recurrence::Dense
        } else {
            Recurrence::Diagonal
        };
        let m = [2, 4, 8, 16, 34][trial % 5];
        let s = spec(rec, Activation::Tanh, Readout::Final, m, 1 + trial % 3, 1.0);
        let base = random_model(s, &mut rng);
        let sqrt_m = (m as f64).sqrt();
        let before = (0..m).map(|i| neuron_dist_sq(&base, i)).fold(0.0, |a, b| a + b).sqrt();
        for rho in [4.0, 0.1, 1.0 / 3.0, 1e-3, 0.7 + trial as f64 * 1e-3] {
            let mut mm = base.clone();
            project(&mut mm, Projection::MaxNorm(rho));
            let max_d2 = (0..m).map(|i| neuron_dist_sq(&mm, i)).fold(0.0, f64::max);
            assert!(
                sqrt_m * max_d2.sqrt() <= rho,
                "maxnorm rho {rho}: {}",
                sqrt_m * max_d2.sqrt()
            );
            let mut mm = base.clone();
            project(&mut mm, Projection::L2(rho));
            let total = (0..m).map(|i| neuron_dist_sq(&mm, i)).fold(0.0, |a, b| a + b).sqrt();
            assert!(total <= rho, "l2 rho {rho}: {total}");
            // f32 quantizes the offsets (to ~1e-5 of rho = 1e-3 near parameters of size 1).
            shrunk += (before > rho && total < rho * (1.0 - 1e-4)) as usize;
        }
    }
    // The extra shrink is a few ulps: the result stays on the boundary.
    assert_eq!(shrunk, 0, "{shrunk} l2 projections ended well inside the ball");
}

#[test]
fn training_decreases_loss_and_records_metrics() {
    let mut rng = Rng(21);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        let s = spec(rec, Activation::Tanh, Readout::Final, 16, 3, 0.8);
        let mut model = random_model(s, &mut rng);
        let mut ws = random_workspace(&model, 20, 6, DATA, &mut rng);
        ws.reserve(50, 0).unwrap();
        let mut probe = model.clone();
        let l0 = ws.loss_grad(&mut probe).unwrap();
        let g0 = probe.grad_norm();
        let done = ws.train(&mut model, 50, 0.5, Projection::MaxNorm(5.0), 0).unwrap();
        assert_eq!(done, 50);
        assert_eq!(ws.losses[0], l0);
        assert_eq!(ws.grad_norms[0], g0);
        assert!(
            ws.losses[49] < 0.8 * ws.losses[0],
            "{} -> {}",
            ws.losses[0],
            ws.losses[49]
        );
        let mut dist = vec![0.0; 16];
        neuron_distances(&model, &mut dist);
        assert!(dist.iter().all(|&x| x <= 5.0 / 4.0 * (1.0 + 1e-6)));
    }
}

#[test]
fn minibatch_step_uses_the_indexed_samples() {
    let mut rng = Rng(4);
    let s = spec(Recurrence::Dense, Activation::Sigmoid, Readout::All, 6, 2, 1.0);
    let mut model = random_model(s, &mut rng);
    let (n, t_len) = (10, 4);
    let mut ws = random_workspace(&model, n, t_len, DATA, &mut rng);
    ws.reserve(2, 3).unwrap();
    ws.batch[..6].copy_from_slice(&[7, 2, 2, 0, 9, 5]);
    // Reference: a workspace holding samples 7, 2, 2 only.
    let mut sub = Workspace::new(&s, 3, t_len).unwrap();
    for (jj, &j) in [7usize, 2, 2].iter().enumerate() {
        sub.x[jj * t_len * 2..(jj + 1) * t_len * 2].copy_from_slice(&ws.x[j * t_len * 2..(j + 1) * t_len * 2]);
        sub.y[jj * t_len..(jj + 1) * t_len].copy_from_slice(&ws.y[j * t_len..(j + 1) * t_len]);
    }
    let mut probe = model.clone();
    let l = sub.loss_grad(&mut probe).unwrap();
    let done = ws.train(&mut model, 2, 0.1, Projection::None, 3).unwrap();
    assert_eq!(done, 2);
    assert_eq!(ws.losses[0], l);
    assert_eq!(ws.grad_norms[0], probe.grad_norm());
    // Out-of-range indices are refused before any step.
    ws.set_n(5).unwrap();
    assert!(ws.train(&mut model, 2, 0.1, Projection::None, 3).is_err());
}

#[test]
fn non_finite_stops_and_keeps_last_finite_params() {
    let mut rng = Rng(8);
    let s = spec(Recurrence::Dense, Activation::Relu, Readout::Final, 8, 2, 1.0);
    let mut model = random_model(s, &mut rng);
    let mut ws = random_workspace(&model, 6, 4, DATA, &mut rng);
    ws.reserve(100, 0).unwrap();
    // Divergent step size: relu has no saturation, so parameters blow up.
    let done = ws.train(&mut model, 100, 1e12, Projection::None, 0).unwrap();
    assert!(done < 100);
    assert!(model.w.iter().chain(&model.u).all(|v| v.is_finite()));
    // A NaN in the data stops before the first step without touching the parameters.
    let before = model.clone();
    ws.x[3] = f32::NAN;
    assert_eq!(ws.train(&mut model, 5, 0.1, Projection::None, 0).unwrap(), 0);
    assert_eq!(model.w, before.w);
}

/// Reference tangent feature phi_T(X_j; theta_i) by central differences of an f64 forward.
fn fd_tangent(s: &Spec, w: f64, u: &[f64], x: &[f32], j: usize, t_len: usize) -> Vec<f64> {
    let d = s.d;
    let h_last = |w: f64, u: &[f64]| {
        let mut h = 0.0;
        for t in 0..t_len {
            let xt = &x[(j * t_len + t) * d..];
            let z = s.alpha as f64 * w * h + (0..d).map(|k| u[k] * xt[k] as f64).sum::<f64>();
            h = sigma64(s.activation, z);
        }
        h
    };
    let eps = 1e-6;
    let mut out = vec![(h_last(w + eps, u) - h_last(w - eps, u)) / (2.0 * eps)];
    for k in 0..d {
        let (mut up, mut um) = (u.to_vec(), u.to_vec());
        up[k] += eps;
        um[k] -= eps;
        out.push((h_last(w, &up) - h_last(w, &um)) / (2.0 * eps));
    }
    out
}

#[test]
fn tangent_features_match_finite_differences() {
    let mut rng = Rng(13);
    for act in [Activation::Tanh, Activation::Sigmoid, Activation::Sin] {
        let s = spec(Recurrence::Diagonal, act, Readout::Final, 6, 3, 1.0);
        let model = random_model(s, &mut rng);
        let (n, t_len) = (5, 7);
        let mut feats = Features::new(&s, n, t_len).unwrap();
        rng.fill(feats.x_mut(), 1.0);
        feats.tangent_features(&model).unwrap();
        for j in 0..n {
            for i in 0..6 {
                let u = to64(&model.u[i * 3..i * 3 + 3]);
                let fd = fd_tangent(&s, model.w[i] as f64, &u, feats.x(), j, t_len);
                for q in 0..4 {
                    let got = feats.tangent[(j * 6 + i) * 4 + q] as f64;
                    assert!(
                        (got - fd[q]).abs() <= 2e-5,
                        "{act:?} j={j} i={i} q={q}: {got} vs {}",
                        fd[q]
                    );
                }
            }
        }
    }
}

#[test]
fn teacher_sum_matches_explicit_features() {
    let mut rng = Rng(17);
    for act in [Activation::Tanh, Activation::Sin] {
        let (big_m, d, n, t_len) = (22, 3, 7, 6);
        let s = spec(Recurrence::Diagonal, act, Readout::Final, big_m, d, 0.9);
        let model = random_model(s, &mut rng);
        let mut teacher = Teacher::new(act, d, 0.9, big_m - 1).unwrap(); // odd count: padded lanes
        let mcount = big_m - 1;
        teacher.w.copy_from_slice(&model.w[..mcount]);
        teacher.u.copy_from_slice(&model.u[..mcount * d]);
        rng.fill(&mut teacher.v, 1.0);
        let mut feats = Features::new(&s, n, t_len).unwrap();
        rng.fill(feats.x_mut(), 1.0);
        feats.tangent_features(&model).unwrap();
        let mut out = vec![0.0f32; n];
        let x = feats.x().to_vec();
        teacher.sum(&x, n, t_len, &mut out).unwrap();
        for j in 0..n {
            let mut want = 0.0f64;
            for k in 0..mcount {
                for q in 0..=d {
                    want += teacher.v[k * (1 + d) + q] as f64 * feats.tangent[(j * big_m + k) * (1 + d) + q] as f64;
                }
            }
            want /= mcount as f64;
            assert!(
                (out[j] as f64 - want).abs() <= 1e-5 * (1.0 + want.abs()),
                "j={j}: {} vs {want}",
                out[j]
            );
        }
    }
}

#[test]
fn teacher_workspace_sums_its_own_inputs() {
    let mut rng = Rng(29);
    let (d, count, n_max, t_len) = (2, 9, 5, 4);
    let mut teacher = Teacher::new(Activation::Sigmoid, d, 0.7, count).unwrap();
    rng.fill(&mut teacher.w, 1.0);
    rng.fill(&mut teacher.u, 1.0);
    rng.fill(&mut teacher.v, 1.0);
    let mut direct = Teacher::new(Activation::Sigmoid, d, 0.7, count).unwrap();
    (direct.w, direct.u, direct.v) = (teacher.w.clone(), teacher.u.clone(), teacher.v.clone());
    let mut tw = TeacherWorkspace::new(teacher, n_max, t_len).unwrap();
    assert_eq!((tw.x.len(), tw.out.len(), tw.n()), (n_max * t_len * d, n_max, n_max));
    rng.fill(&mut tw.x, 1.0);
    tw.set_n(3).unwrap();
    tw.sum().unwrap();
    let mut want = vec![0.0f32; 3];
    direct.sum(&tw.x, 3, t_len, &mut want).unwrap();
    assert_eq!(&tw.out[..3], &want[..]);
    assert!(tw.set_n(0).is_err() && tw.set_n(n_max + 1).is_err());
    let t = Teacher::new(Activation::Tanh, d, 1.0, 1).unwrap();
    assert!(TeacherWorkspace::new(t, 1 << 20, 1 << 10).is_err_and(|e| e.contains("teacher x")));
}

#[test]
fn per_sample_gradients_and_gram() {
    let mut rng = Rng(23);
    for rec in [Recurrence::Dense, Recurrence::Diagonal] {
        for act in [Activation::Tanh, Activation::Relu] {
            let s = spec(rec, act, Readout::Final, 10, 3, 0.9);
            let mut model = random_model(s, &mut rng);
            let (n, t_len) = (9, 5);
            let mut ws = random_workspace(&model, n, t_len, DATA, &mut rng);
            let mut feats = Features::new(&s, n, t_len).unwrap();
            feats.x_mut().copy_from_slice(&ws.x);
            feats.ntk_gram(&model).unwrap();
            let p = s.param_len();
            // sum_j r_j J_j equals the full-data gradient.
            ws.forward(&model).unwrap();
            let pred = ws.pred.clone();
            ws.loss_grad(&mut model).unwrap();
            let grad: Vec<f32> = model.grad_w.iter().chain(&model.grad_u).copied().collect();
            let gmax = grad.iter().fold(0.0f32, |a, &g| a.max(g.abs()));
            for q in 0..p {
                let mut g = 0.0f64;
                for j in 0..n {
                    g += (pred[j] as f64 - ws.y[j] as f64) / n as f64 * feats.jac[j * p + q] as f64;
                }
                assert!(
                    (g - grad[q] as f64).abs() <= 1e-5 * (gmax as f64 + 1e-3),
                    "{s:?} q={q}: {g} vs {}",
                    grad[q]
                );
            }
            // Gram = J J^T, exactly symmetric.
            for j in 0..n {
                for k in 0..n {
                    let want: f64 = (0..p)
                        .map(|q| feats.jac[j * p + q] as f64 * feats.jac[k * p + q] as f64)
                        .sum();
                    let got = feats.gram[j * n + k];
                    assert!((got as f64 - want).abs() <= 1e-5 * (1.0 + want.abs()));
                    assert_eq!(got.to_bits(), feats.gram[k * n + j].to_bits());
                }
            }
        }
    }
}

#[test]
fn invalid_shapes_are_refused() {
    assert!(Model::new(spec(Recurrence::Dense, Activation::Tanh, Readout::Final, 3, 2, 1.0)).is_err());
    assert!(Model::new(spec(Recurrence::Dense, Activation::Tanh, Readout::Final, 0, 2, 1.0)).is_err());
    assert!(Model::new(spec(Recurrence::Dense, Activation::Tanh, Readout::Final, 4, 0, 1.0)).is_err());
    assert!(Model::new(spec(
        Recurrence::Dense,
        Activation::Tanh,
        Readout::Final,
        4,
        2,
        f32::NAN
    ))
    .is_err());
    let s = spec(Recurrence::Dense, Activation::Tanh, Readout::Final, 4, 2, 1.0);
    assert!(Workspace::new(&s, 0, 3).is_err());
    let mut ws = Workspace::new(&s, 4, 3).unwrap();
    assert!(ws.set_n(5).is_err());
    let other = Model::new(spec(Recurrence::Diagonal, Activation::Tanh, Readout::Final, 4, 2, 1.0)).unwrap();
    assert!(ws.forward(&other).is_err());
    let mut m = Model::new(s).unwrap();
    assert!(ws.train(&mut m, 1, 0.1, Projection::None, 0).is_err()); // nothing reserved
}
