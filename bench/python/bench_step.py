#!/usr/bin/env python3
"""Python yardstick for rnn-gd's benchmark (bench/run.mjs): the same full-batch projected GD step in
JAX (jit, grad, lax.scan) and PyTorch (eager autograd, CPU), single-threaded and default-threaded.

    python bench/python/bench_step.py [--inputs DIR] [--out FILE] [--quick] [--cases a,b]

With --inputs (written by `node bench/run.mjs --python EXE`), every case starts from exactly the
parameters and data the JS backends use, and the losses before and after the first step are
reported so the run can check them against the float64 TypeScript reference. Without it, random
inputs of the same shapes are used (timings only). The output JSON has the same `results` rows
as bench/results/latest.json: {case, backend, msPerStep, gflops, reps}.

Each framework x threading mode runs in its own child process (thread settings must be fixed
before the framework is imported); "-1t" children are pinned to one core with
sched_setaffinity and told to use one thread.
"""
import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import time

CASES = {
    "dense-128": dict(kind="step", recurrence="dense", m=128, d=8, T=20, n=256),
    "dense-256": dict(kind="step", recurrence="dense", m=256, d=8, T=50, n=512),
    "diag-512": dict(kind="step", recurrence="diagonal", m=512, d=8, T=50, n=512),
    "ntk-512": dict(kind="gram", recurrence="diagonal", m=1024, d=8, T=20, n=512),
    # rnn-gd's data-parallel case (2 native workers against all threads here).
    "dense-256-n4096": dict(kind="step", recurrence="dense", m=256, d=8, T=50, n=4096),
}
ETA, RHO, ALPHA = 0.2, 1.0, 1.0


def flops(c):
    m, d, T, n = c["m"], c["d"], c["T"], c["n"]
    if c["kind"] == "gram":
        return 6 * n * T * m * (d + 1) + 2 * n * n * m * (d + 1)
    return 6 * n * T * (m * m + m * d) if c["recurrence"] == "dense" else 6 * n * T * m * (d + 1)


def load_inputs(name, c, inputs):
    """W, U, c, X [n,T,d], Y [n] as float32 numpy arrays (from the JS run, or random)."""
    import numpy as np
    if inputs and os.path.exists(os.path.join(inputs, name, "W.npy")):
        get = lambda k: np.load(os.path.join(inputs, name, f"{k}.npy")).astype(np.float32)
        return dict(W=get("W"), U=get("U"), c=get("c"), X=get("X"), Y=get("Y")), True
    rng = np.random.default_rng(0)
    m, d, T, n = c["m"], c["d"], c["T"], c["n"]
    W = rng.standard_normal((m, m) if c["recurrence"] == "dense" else (m,)).astype(np.float32)
    U = rng.standard_normal((m, d)).astype(np.float32)
    X = rng.standard_normal((n, T, d)).astype(np.float32)
    X /= np.maximum(1, np.linalg.norm(X, axis=2, keepdims=True))
    sign = np.concatenate([np.ones(m // 2), -np.ones(m // 2)]).astype(np.float32)
    return dict(W=W, U=U, c=sign, X=X, Y=(0.5 * rng.standard_normal(n)).astype(np.float32)), False


def timed(run, k):
    t = time.perf_counter()
    run(k)
    return (time.perf_counter() - t) * 1000 / k


def measure(run, reps, budget_ms, sample_ms, warm_ms):
    """Warm-up, calibrate k runs per sample, then the median of up to `reps` samples within the budget."""
    per = timed(run, 1)
    warm = per
    while warm < warm_ms:
        k = max(1, int((warm_ms - warm) / max(per, 0.01) / 2))
        per = timed(run, k)
        warm += per * k
    k = max(1, min(1000, round(sample_ms / per)))
    n = max(1, min(reps, int(budget_ms / (k * per))))
    samples = [timed(run, k) for _ in range(n)]
    return statistics.median(samples), n


# ---------------------------------------------------------------------------------------- JAX
def jax_case(c, a):
    import jax
    import jax.numpy as jnp
    from jax import lax
    import numpy as np
    dense = c["recurrence"] == "dense"
    m = c["m"]
    scale = ALPHA / np.sqrt(m) if dense else ALPHA
    radius = RHO / np.sqrt(m)
    W0, U0, cv = jnp.asarray(a["W"]), jnp.asarray(a["U"]), jnp.asarray(a["c"])
    Xt = jnp.asarray(np.transpose(a["X"], (1, 0, 2)))  # [T, n, d]
    Y = jnp.asarray(a["Y"])

    def hidden(W, U, X):  # X [T, n, d] -> h_{T-1} [n, m]
        def body(h, x):
            z = x @ U.T + (scale * (h @ W.T) if dense else scale * h * W)
            return jnp.tanh(z), None
        h, _ = lax.scan(body, jnp.zeros((X.shape[1], m), jnp.float32), X)
        return h

    def loss(p):
        W, U = p
        f = hidden(W, U, Xt) @ cv / np.sqrt(m)
        return 0.5 * jnp.mean((f - Y) ** 2)

    if c["kind"] == "gram":
        def f_one(p, x):  # x [T, d]
            return (hidden(p[0], p[1], x[:, None, :]) @ cv)[0] / np.sqrt(m)

        @jax.jit
        def gram(p):
            gW, gU = jax.vmap(jax.grad(f_one), in_axes=(None, 0))(p, jnp.asarray(a["X"]))
            J = jnp.concatenate([gW.reshape(gW.shape[0], -1), gU.reshape(gU.shape[0], -1)], axis=1)
            return J @ J.T
        p = (W0, U0)
        return None, lambda k: [gram(p).block_until_ready() for _ in range(k)]

    @jax.jit
    def step(W, U):
        l, (gW, gU) = jax.value_and_grad(loss)((W, U))
        dW, dU = W - ETA * gW - W0, U - ETA * gU - U0
        dist2 = (jnp.sum(dW ** 2, 1) if dense else dW ** 2) + jnp.sum(dU ** 2, 1)
        fac = jnp.minimum(1.0, radius / jnp.maximum(jnp.sqrt(dist2), 1e-30))
        return W0 + dW * (fac[:, None] if dense else fac), U0 + dU * fac[:, None], l

    state = {"W": W0, "U": U0}
    loss_jit = jax.jit(loss)
    l0 = float(loss_jit((W0, U0)))
    W1, U1, _ = step(W0, U0)
    l1 = float(loss_jit((W1, U1)))

    def run(k):
        W, U = state["W"], state["U"]
        for _ in range(k):
            W, U, l = step(W, U)
        l.block_until_ready()
        state["W"], state["U"] = W, U
    return (l0, l1), run


# -------------------------------------------------------------------------------------- PyTorch
def torch_case(c, a):
    import torch
    import numpy as np
    dense = c["recurrence"] == "dense"
    m, T = c["m"], c["T"]
    scale = ALPHA / np.sqrt(m) if dense else ALPHA
    radius = RHO / np.sqrt(m)
    W0, U0, cv = (torch.from_numpy(a[k].copy()) for k in ("W", "U", "c"))
    X = torch.from_numpy(a["X"].copy())
    Xt = X.transpose(0, 1).contiguous()  # [T, n, d]
    Y = torch.from_numpy(a["Y"].copy())

    def hidden(W, U, Xs):
        h = None
        for t in range(Xs.shape[0]):
            z = Xs[t] @ U.T
            if h is not None:
                z = z + (h @ (scale * W).T if dense else h * (scale * W))
            h = torch.tanh(z)
        return h

    def loss(W, U):
        f = hidden(W, U, Xt) @ cv / np.sqrt(m)
        return 0.5 * torch.mean((f - Y) ** 2)

    if c["kind"] == "gram":
        from torch.func import grad, vmap

        def f_one(W, U, x):
            return (hidden(W, U, x[:, None, :]) @ cv)[0] / np.sqrt(m)

        def gram():
            gW, gU = vmap(grad(f_one, argnums=(0, 1)), in_dims=(None, None, 0))(W0, U0, X)
            J = torch.cat([gW.reshape(gW.shape[0], -1), gU.reshape(gU.shape[0], -1)], dim=1)
            return J @ J.T
        return None, lambda k: [gram() for _ in range(k)]

    W = W0.clone().requires_grad_(True)
    U = U0.clone().requires_grad_(True)

    def step():
        W.grad = U.grad = None
        l = loss(W, U)
        l.backward()
        with torch.no_grad():
            dW, dU = W - ETA * W.grad - W0, U - ETA * U.grad - U0
            dist2 = (dW.square().sum(1) if dense else dW.square()) + dU.square().sum(1)
            fac = torch.clamp(radius / torch.clamp(dist2.sqrt(), min=1e-30), max=1.0)
            W.copy_(W0 + dW * (fac[:, None] if dense else fac))
            U.copy_(U0 + dU * fac[:, None])
        return l

    with torch.no_grad():
        l0 = float(loss(W, U))
    step()
    with torch.no_grad():
        l1 = float(loss(W, U))

    def run(k):
        for _ in range(k):
            step()
    return (l0, l1), run


def child(args):
    if args.threads == 1:
        os.sched_setaffinity(0, {sorted(os.sched_getaffinity(0))[0]})
        os.environ["XLA_FLAGS"] = "--xla_cpu_multi_thread_eigen=false intra_op_parallelism_threads=1"
        os.environ["OMP_NUM_THREADS"] = "1"
    if args.child == "jax":
        import jax
        jax.config.update("jax_platforms", "cpu")
        version, make = jax.__version__, jax_case
    else:
        import torch
        if args.threads == 1:
            torch.set_num_threads(1)
        version, make = torch.__version__, torch_case
    name = args.child + ("-1t" if args.threads == 1 else "")
    reps, budget = (3, min(4000, 1000 * args.budget)) if args.quick else (5, 1000 * args.budget)
    sample, warm = (150, 150) if args.quick else (400, 500)
    out = {"version": version, "results": [], "checks": []}
    for case in args.cases.split(","):
        c = CASES[case]
        a, shared = load_inputs(case, c, args.inputs)
        losses, run = make(c, a)
        ms, n = measure(run, reps, budget, sample, warm)
        out["results"].append({"case": case, "backend": name, "msPerStep": ms, "gflops": flops(c) / (ms * 1e6), "reps": n})
        if losses and shared:
            out["checks"].append({"case": case, "backend": name, "loss0": losses[0], "loss1": losses[1]})
        print(f"[python] {case:10s} {name:9s} {ms:9.2f} ms/step", file=sys.stderr, flush=True)
    print(json.dumps(out))


def cpu_model():
    try:
        with open("/proc/cpuinfo") as f:
            for line in f:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor()


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--inputs", help="directory of per-case .npy inputs written by bench/run.mjs")
    ap.add_argument("--out", default=os.path.join(os.path.dirname(__file__), "..", "results", "python-latest.json"))
    ap.add_argument("--quick", action="store_true")
    ap.add_argument("--cases", default=",".join(CASES))
    ap.add_argument("--frameworks", default="jax,torch")
    ap.add_argument("--budget", type=float, default=10.0, help="seconds of timed samples per case (at least one sample)")
    ap.add_argument("--child", choices=["jax", "torch"], help=argparse.SUPPRESS)
    ap.add_argument("--threads", type=int, default=0, help=argparse.SUPPRESS)
    args = ap.parse_args()
    args.cases = ",".join(c for c in args.cases.split(",") if c in CASES)
    if args.child:
        return child(args)

    report = {"machine": {"cpu": cpu_model(), "cores": os.cpu_count(), "python": platform.python_version(), "versions": {}},
              "results": [], "checks": [], "notes": []}
    for fw in args.frameworks.split(","):
        try:
            __import__("jax" if fw == "jax" else "torch")
        except ImportError:
            report["notes"].append(f"{fw} is not installed: skipped.")
            continue
        for threads in (1, 0):
            cmd = [sys.executable, __file__, "--child", fw, "--threads", str(threads), "--cases", args.cases]
            if args.inputs:
                cmd += ["--inputs", args.inputs]
            if args.quick:
                cmd.append("--quick")
            cmd += ["--budget", str(args.budget)]
            r = subprocess.run(cmd, stdout=subprocess.PIPE, text=True)
            if r.returncode != 0:
                report["notes"].append(f"{fw} (threads={threads or 'default'}) failed with exit code {r.returncode}.")
                continue
            res = json.loads(r.stdout.strip().splitlines()[-1])
            report["machine"]["versions"][fw] = res["version"]
            report["results"] += res["results"]
            report["checks"] += res["checks"]
    report["notes"].append("'-1t' = pinned to one core, one thread; no suffix = the framework's default threading on all cores.")
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w") as f:
        json.dump(report, f, indent=2)
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
