"""eigflow side by side with Captum and with the authors' package (``eig==0.1.4``), from
small sizes to the paper's: one command, one table, one figure.

    python benchmarks/compare.py                  # the full table, ~10-15 min on 2 CPU cores
    python benchmarks/compare.py --quick          # smoke run of every section, about a minute
    python benchmarks/compare.py --threads 1      # pin every library to one thread

Writes the table (``compare.tsv``), the growth measurements (``growth.tsv``) and the figure
(``growth.png``/``.pdf``) to ``--out`` (default ``benchmarks/output/``, git-ignored).

On a machine that other jobs share, prefer ``--threads 1``: two-thread OpenMP pools (torch,
scikit-learn's distance reductions) stall badly when a core is taken, and timings of a few
milliseconds swing tenfold; ``--repeats N`` keeps the fastest of N runs.

Every row is measured in the same run, on the same model, samples, baselines, step count
and (for neighbour paths) the same graph points, and carries an agreement column so a speed
difference can never come from computing something else:

- ``O-L-IG``: :func:`eigflow.attribute` vs Captum's ``IntegratedGradients`` on an MLP of the
  splicing model's shape (``--features`` inputs -> 512 -> 256 -> 1, random weights, seeded)
  and on an untrained MNIST-shaped VAE + FFN (784 inputs, class-5 probability). Captum is
  run with ``internal_batch_size`` over a few values and the fastest is kept. Captum's
  ``riemann_trapezoid`` evaluates the same ``n`` equally spaced points as eigflow but weights
  them 1/n (ends 1/2n), which sum to (n-1)/n; its attributions are multiplied by n/(n-1),
  which makes them the exact trapezoidal rule eigflow uses, so agreement is at float32
  rounding level.
- ``O-N-IG`` and ``H-N-IG`` at ``--graph-points`` (20,000): eigflow vs the authors' NumPy path
  generators (``NeighborsPathGenerator``, ``LatentNeighborsPathGenerator``) and their
  trapezoid integration (``path_integrated_gradients.multiple_paths_integrated_gradients``),
  driven by the same PyTorch gradient function (a NumPy-in, NumPy-out wrapper around the
  same model and :func:`eigflow.integrate.gradients`). Graph build and paths + integration
  are timed separately. The ``routes`` note counts pairs whose shortest graph route visits
  the same graph points in both implementations.
- Paper scale (``--scale-points`` 88,752 x 1,357, ``--scale-samples`` 300): see
  ``benchmarks/scale.py`` -- graph build by each builder with its peak memory, the whole
  300-sample O-N-IG run, and paths + integration against the authors on a given graph.
- Efficiency: FLOP/s achieved by eigflow's O-L-IG gradient batches on the MLP, divided by
  the FLOP/s of a float32 ``torch.mm`` of the batch's first-layer shape, measured here with
  the same thread count.
- Growth (``benchmarks/growth.py``): time against samples, steps and graph size.

Agreement ("max rel diff") is max over samples of max_j |a_j - b_j| / max_j |b_j|: the
largest per-feature difference relative to that sample's largest attribution.

Data: synthetic points in [0, 1]^features on a noisy 8-dimensional manifold with two
classes (``graph points`` are the training set; baselines are eigflow's ``median`` baselines
of class 1 among them; samples are fresh class-0 points). The H-N-IG autoencoder is linear,
from the top 16 principal components of the graph points (closed form: untrained random
weights would reconstruct nothing); it also makes E(D(z)) = z, so eigflow run from
D(E(x')) to D(E(x)) -- the ends of the authors' decoded path, which never joins x' and x --
walks the same route: the H-N-IG note reports that "ends matched" agreement. Nothing needs
a workflow run; the authors' package is fetched as ``benchmarks/authors.py`` describes.
"""
from __future__ import annotations

import argparse
import contextlib
import io
import sys
import time
import warnings
from pathlib import Path

import eigflow
import numpy as np
import torch
from authors import AUTHORS_DIR, AuthorsUnavailable, fetch_authors, load_authors
from eigflow.autoencoder import decode_numpy, encode_numpy
from growth import graph_growth, path_growth, plot
from scale import paper_scale_rows
from torch import nn
from workloads import (
    PCAAutoencoder,
    best_of,
    clock,
    completeness,
    eigflow_batch_points,
    graph_vertex_sets,
    machine_line,
    manifold_points,
    max_rel_diff,
    mnist_vae_ffn,
    numpy_gradient_function,
    splicing_mlp,
    sync,
)

DEFAULTS = dict(samples=20, baselines=3, steps=250, graph_points=20000, repeats=3, scale_points=88752,
                scale_samples=300, scale_authors_rows=8000, scale_authors_samples=10,
                growth_samples=[10, 30, 100, 300], growth_steps=[32, 64, 128, 256, 512],
                growth_graph=[2500, 5000, 10000])
QUICK = dict(samples=3, baselines=2, steps=50, graph_points=400, repeats=3, scale_points=3000,
             scale_samples=10, scale_authors_rows=0, scale_authors_samples=2,
             growth_samples=[2, 4], growth_steps=[16, 32], growth_graph=[300, 600])


# ------------------------------------------------------------------------------------ the rows

def olig_rows(model, samples, baselines, n_steps, target, device, label, repeats, rows):
    """eigflow vs Captum IntegratedGradients on a straight path; returns eigflow's seconds."""
    from captum.attr import IntegratedGradients

    s, b = len(samples), len(baselines)
    model.to(device)
    with warnings.catch_warnings():  # warm-up (first-call allocations, thread pools)
        warnings.simplefilter("ignore")
        eigflow.attribute(model, samples[:1], baseline=baselines[:1], n_steps=n_steps, target=target,
                          device=device)
    res, t_eig = best_of(lambda: eigflow.attribute(model, samples, path="O-L-IG", baseline=baselines,
                                                    n_steps=n_steps, target=target, device=device), repeats)
    ig = IntegratedGradients(model)
    inputs = torch.as_tensor(np.repeat(samples, b, axis=0), device=device)
    bases = torch.as_tensor(np.tile(baselines, (s, 1)), device=device)
    total = s * b * n_steps
    candidates = [n_steps * m for m in (1, 4, 16, 64) if n_steps * m < total] + [None]
    best = None
    for ibs in candidates:
        def run():
            out = ig.attribute(inputs, baselines=bases, target=target, n_steps=n_steps,
                               method="riemann_trapezoid", internal_batch_size=ibs)
            sync(device)
            return out
        attr, t = best_of(run, repeats)
        if best is None or t < best[1]:
            best = (attr, t, ibs)
    attr, t_cap, ibs = best
    # Captum's trapezoid weights sum to (n-1)/n: rescale to the exact trapezoidal rule.
    cap = (attr.detach().cpu().numpy() * (n_steps / (n_steps - 1))).reshape(s, b, -1).mean(axis=1)
    rows.append((f"O-L-IG {label}", "Captum", t_eig, t_cap, max_rel_diff(res.attributions, cap),
                 f"best internal_batch_size={ibs or 'all'} of {[c or 'all' for c in candidates]}; "
                 f"completeness eigflow {completeness(res.attributions, res.output, res.baseline_output):.1e}, "
                 f"Captum {completeness(cap, res.output, res.baseline_output):.1e}"))
    return t_eig, res


def nig_rows(kind, authors, model, samples, baselines, graph_points, n_steps, k, ae, device, seed,
             repeats, rows, growth):
    """eigflow vs the authors' package for O-N-IG (ae None) or H-N-IG."""
    s, b = len(samples), len(baselines)
    d = samples.shape[1]
    pairs = s * b
    base_pairs = np.tile(baselines, (s, 1))           # pair p: baseline p % b, sample p // b
    sample_pairs = np.repeat(samples, b, axis=0)
    pair_start, pair_end = np.tile(np.arange(b), s), np.repeat(np.arange(s), b)

    # ---- eigflow
    graph, t_graph_eig = best_of(
        lambda: eigflow.NeighborGraph(graph_points, k=k, autoencoder=ae, connect=True), repeats)
    res, t_eig = best_of(lambda: eigflow.attribute(model, samples, path=kind, baseline=baselines,
                                                    n_steps=n_steps, autoencoder=ae, neighbors=graph,
                                                    device=device), repeats)

    # ---- the authors' package, same points, same gradient function
    batch = eigflow_batch_points(n_steps, d, pairs)
    grad_fn = numpy_gradient_function(model, None, (d,), batch, device)
    np.random.seed(seed)  # their _estimate_min_npoints draws from the global RNG
    latent_routes = []
    if ae is None:
        gen, t_graph_auth = best_of(lambda: authors.Neighbors(graph_points, num_neighbors=k), repeats)
        make_path = lambda p: gen.get_path(base_pairs[p], sample_pairs[p], n_steps)  # noqa: E731
    else:
        def encoder(data_list):
            x = data_list[0] if isinstance(data_list, list) else data_list
            return encode_numpy(ae, np.asarray(x, dtype=np.float32).reshape(len(x), -1))

        def decoder(data_list):
            z = data_list[0] if isinstance(data_list, list) else data_list
            latent_routes.append(np.asarray(z))
            return decode_numpy(ae, np.asarray(z, dtype=np.float32))

        gen, t_graph_auth = best_of(lambda: authors.LatentNeighbors(graph_points, encoder=encoder,
                                                                    decoder=decoder, num_neighbors=k),
                                    repeats)
        shortcuts = [0]  # counted over all repeats

        def make_path(p):
            path = gen.get_path_decode([base_pairs[p], None, None], [sample_pairs[p], None, None],
                                       None, n_steps)
            if path.shape[-1] != d:  # their straight-line shortcut returns the undecoded latent path
                shortcuts[0] += 1
                latent_routes.append(path)
                path = decode_numpy(ae, path.astype(np.float32))
            return path

    def run_authors():
        latent_routes.clear()
        attr_auth = np.empty((pairs, d))
        t_paths = t_int = 0.0
        chunk = max(1, batch // n_steps)  # pairs per call: eigflow's batch, bounds memory
        sink = io.StringIO()
        for lo in range(0, pairs, chunk):
            hi = min(pairs, lo + chunk)
            paths, t = clock(lambda: np.stack([make_path(p) for p in range(lo, hi)]))
            t_paths += t
            with contextlib.redirect_stdout(sink):  # it prints array shapes
                out, t = clock(lambda: authors.pig.multiple_paths_integrated_gradients(grad_fn, paths))
            t_int += t
            attr_auth[lo:hi] = out.reshape(hi - lo, d)
            if ae is None:
                latent_routes.extend(paths)  # (input-space) routes, for the vertex comparison
        return attr_auth.reshape(s, b, d).mean(axis=1), t_paths, t_int

    runs = [run_authors() for _ in range(max(1, repeats))]
    auth, t_paths, t_int = min(runs, key=lambda r: r[1] + r[2])
    t_auth = t_paths + t_int

    # ---- same route? graph vertices visited by each pair, by exact match on graph points
    lookup = {row.tobytes(): i for i, row in enumerate(np.ascontiguousarray(graph.embedding))}
    eig_routes = graph.shortest_paths(graph.embed(baselines), graph.embed(samples), pair_start, pair_end)
    same = sum(graph_vertex_sets(eig_routes[p], lookup) == graph_vertex_sets(latent_routes[p], lookup)
               for p in range(pairs))
    vertices = np.mean([len(graph_vertex_sets(eig_routes[p], lookup)) for p in range(pairs)])

    comp_e = completeness(res.attributions, res.output, res.baseline_output)
    comp_a = completeness(auth, res.output, res.baseline_output)
    note_extra = ""
    if ae is not None:
        # Their decoded path ends at D(E(x')) and D(E(x)): completeness against those ends.
        with torch.no_grad():
            rec = lambda x: decode_numpy(ae, encode_numpy(ae, x))  # noqa: E731
            f = lambda x: model(torch.as_tensor(x, device=device)).reshape(-1).cpu().numpy()  # noqa: E731
            out_rec = f(rec(samples))
            base_rec = np.tile(f(rec(baselines)), (s, 1))
        # Same ends for both: eigflow from D(E(x')) to D(E(x)). E(D(z)) = z for the PCA
        # autoencoder, so eigflow's joins vanish and both walk the same decoded route.
        rec_s = decode_numpy(ae, encode_numpy(ae, samples))
        rec_b = decode_numpy(ae, encode_numpy(ae, baselines))
        matched = eigflow.attribute(model, rec_s, path=kind, baseline=rec_b, n_steps=n_steps,
                                    autoencoder=ae, neighbors=graph, device=device)
        note_extra = (f", authors vs their own ends D(E(.)) {completeness(auth, out_rec, base_rec):.1e}"
                      f"; ends matched (eigflow D(E(x')) -> D(E(x))) max rel diff "
                      f"{max_rel_diff(matched.attributions, auth):.1e}; straight-line shortcuts {shortcuts[0]}")
    if ae is None:
        growth += [("graph points", len(graph_points), f"eigflow {'exact' if graph.exact else 'pynndescent'}",
                    t_graph_eig), ("graph points", len(graph_points), "eig 0.1.4", t_graph_auth)]
    rows.append((f"{kind} graph build {len(graph_points)}", "eig 0.1.4", t_graph_eig, t_graph_auth, float("nan"),
                 f"{len(graph_points)} points, k={k}, "
                 f"{'exact' if graph.exact else 'pynndescent'} vs sklearn exact"
                 + (", latent 16" if ae is not None else "")))
    rows.append((f"{kind} paths+integration {len(graph_points)}", "eig 0.1.4", t_eig, t_auth, max_rel_diff(res.attributions, auth),
                 f"authors: paths {t_paths:.2f} s + gradients/trapz {t_int:.2f} s; same route "
                 f"{same}/{pairs} pairs ({vertices:.1f} graph points each); completeness eigflow "
                 f"{comp_e:.1e}, authors {comp_a:.1e}{note_extra}"))


def gradient_seconds(model, samples, baselines, n_steps, device, repeats) -> float:
    """Seconds eigflow.attribute spends inside its gradient batches (fastest of ``repeats``):
    :func:`eigflow.integrate.gradients` timed from within, paths and integration left out."""
    module = sys.modules["eigflow.attribute"]  # the package's ``attribute`` is the function
    original, spent = module.gradients, []

    def timed(*args, **kwargs):
        start = time.perf_counter()
        out = original(*args, **kwargs)
        sync(device)
        spent[-1] += time.perf_counter() - start
        return out

    module.gradients = timed
    try:
        for _ in range(max(1, repeats)):
            spent.append(0.0)
            eigflow.attribute(model, samples, path="O-L-IG", baseline=baselines, n_steps=n_steps, device=device)
    finally:
        module.gradients = original
    return min(spent)


def efficiency_line(model, samples, baselines, n_steps, t_eig, reps, device) -> str:
    """FLOP/s of eigflow's gradient batches (and of its whole O-L-IG call) against a GEMM of
    the batch's first-layer shape, timed here with the same threads and dtype."""
    points = len(samples) * len(baselines) * n_steps
    d = samples.shape[1]
    flops = 4 * points * sum(m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))
    t_grad = gradient_seconds(model, samples, baselines, n_steps, device, reps)
    m = eigflow_batch_points(n_steps, d, len(samples) * len(baselines))
    a = torch.randn(m, d, device=device)
    w = torch.randn(d, 512, device=device)
    torch.mm(a, w)
    sync(device)
    best = float("inf")
    for _ in range(reps):
        start = time.perf_counter()
        torch.mm(a, w)
        sync(device)
        best = min(best, time.perf_counter() - start)
    gemm = 2 * m * d * 512 / best
    return (f"efficiency (MLP O-L-IG, {points} path points in batches of {m}; 4 FLOPs per weight per point: "
            f"forward + input gradients): gradient batches {flops / t_grad / 1e9:.1f} GFLOP/s = "
            f"{flops / t_grad / gemm:.0%} of a float32 GEMM {m}x{d} @ {d}x512 at {gemm / 1e9:.1f} GFLOP/s; "
            f"the whole attribute call (paths, integration) {flops / t_eig / 1e9:.1f} GFLOP/s = {flops / t_eig / gemm:.0%}")


# -------------------------------------------------------------------------------------- main

def parse(argv):
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sizes = parser.add_argument_group("sizes (defaults: the full table; --quick: a smoke run)")
    for key, help_ in (("samples", "samples of the Captum and 20,000-point rows"), ("baselines", "median baselines"),
                       ("steps", "points per path"), ("graph-points", "graph of the N-IG rows against the authors"),
                       ("scale-points", "graph of the paper-scale rows (the paper: 88,752)"),
                       ("scale-samples", "samples of the paper-scale O-N-IG run (the paper: 300)"),
                       ("scale-authors-rows", "query rows behind the authors' paper-size graph time (0: all)"),
                       ("scale-authors-samples", "samples of the paper-scale paths against the authors")):
        key_ = key.replace("-", "_")
        sizes.add_argument(f"--{key}", type=int, help=f"{help_} (default {DEFAULTS[key_]}, quick {QUICK[key_]})")
    parser.add_argument("--features", type=int, default=1357)
    parser.add_argument("--k", type=int, default=10, help="neighbours per graph point (both implementations)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--device", default="cpu", help="torch device of every gradient (default cpu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=None,
                        help="timings are the fastest of this many runs (default 3)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for a smoke run (sizes given explicitly still win)")
    parser.add_argument("--no-mnist", action="store_true", help="skip the VAE + FFN O-L-IG row")
    parser.add_argument("--no-authors", action="store_true", help="skip the rows against eig==0.1.4")
    parser.add_argument("--no-scale", action="store_true", help="skip the paper-scale rows")
    parser.add_argument("--no-growth", action="store_true", help="skip the growth curves and figure")
    parser.add_argument("--authors-dir", type=Path, default=AUTHORS_DIR)
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent / "output")
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key, None) is None:
            setattr(args, key, value)
    return args


def main(argv=None) -> None:
    args = parse(argv)
    torch.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)  # NumPy / SciPy / scikit-learn BLAS and OpenMP pools

    machine = machine_line(args.threads, args.device)
    print(machine, flush=True)
    authors = None
    if not args.no_authors:
        try:
            fetch_authors(args.authors_dir)
            authors = load_authors(args.authors_dir)
        except AuthorsUnavailable as err:
            print(f"authors' package unavailable, skipping its rows: {err}")

    d = args.features
    train, labels = manifold_points(args.graph_points, d, None, args.seed)
    samples, _ = manifold_points(args.samples, d, np.zeros(args.samples, dtype=int), args.seed + 1)
    baselines = eigflow.select_baselines("median", train[labels == 1], args.baselines)
    mlp = splicing_mlp(d, args.seed)
    print(f"sizes: {args.samples} samples x {args.baselines} median baselines x {args.steps} steps; "
          f"MLP {d}-512-256-1; graph {args.graph_points} points, k={args.k}", flush=True)

    rows, growth = [], []
    t_mlp, _ = olig_rows(mlp, samples, baselines, args.steps, None, args.device, f"MLP {d}-512-256-1",
                         args.repeats, rows)
    if not args.no_mnist:
        model, vae = mnist_vae_ffn(args.seed)
        with torch.no_grad():
            gen = torch.Generator().manual_seed(args.seed)
            digits = vae.decode(torch.randn(args.samples + args.baselines, 16, generator=gen)).numpy()
        olig_rows(model, digits[:args.samples], digits[args.samples:], args.steps, 5, args.device,
                  "VAE+FFN 784 (p5)", args.repeats, rows)
    ae = PCAAutoencoder(train[: min(len(train), 20000)]).eval()
    if authors is not None:
        nig_rows("O-N-IG", authors, mlp, samples, baselines, train, args.steps, args.k, None,
                 args.device, args.seed, args.repeats, rows, growth)
        nig_rows("H-N-IG", authors, mlp, samples, baselines, train, args.steps, args.k, ae,
                 args.device, args.seed, args.repeats, rows, growth)
    del train
    if not args.no_scale:
        paper_scale_rows(args, authors is not None, rows, growth)
    if not args.no_growth:
        path_growth(args, mlp, ae, args.growth_samples, args.growth_steps, growth)
        graph_growth(args, authors, args.growth_graph, growth)

    efficiency = efficiency_line(mlp, samples, baselines, args.steps, t_mlp, 3 if args.quick else 10, args.device)
    report(machine, rows, efficiency, growth, args.out)


def report(machine: str, rows: list, efficiency: str, growth: list, out: Path) -> None:
    """Print the table and write it, the growth measurements and the figure to ``out``."""
    head = f"{'row':36} {'vs':10} {'eigflow s':>10} {'other s':>10} {'speed-up':>9} {'max rel diff':>13}  notes"
    lines = [head, "-" * len(head)]
    for name, other, t_e, t_o, diff, note in rows:
        diff_s = "-" if np.isnan(diff) else f"{diff:.1e}"
        lines.append(f"{name:36} {other:10} {t_e:10.3f} {t_o:10.3f} {t_o / t_e:8.2f}x {diff_s:>13}  {note}")
    print()
    print("\n".join(lines))
    print()
    print(efficiency)
    print("speed-up: the other's seconds / eigflow's (for 'target', the target's seconds / eigflow's: > 1 meets it); "
          "max rel diff: max over samples of max_j |a_j - b_j| / max_j |b_j| (b = the other implementation); "
          "completeness: median |sum attr - (F(x) - mean F(x'))| / median |F(x) - mean F(x')|")
    out.mkdir(parents=True, exist_ok=True)
    with open(out / "compare.tsv", "w") as fh:
        fh.write("row\tvs\teigflow_s\tother_s\tspeed_up\tmax_rel_diff\tnotes\n")
        for name, other, t_e, t_o, diff, note in rows:
            fh.write(f"{name}\t{other}\t{t_e:.4f}\t{t_o:.4f}\t{t_o / t_e:.3f}\t{diff:.3e}\t{note}\n")
        fh.write(f"# {machine}\n# {efficiency}\n")
    if growth:
        with open(out / "growth.tsv", "w") as fh:
            fh.write("axis\tvalue\timplementation\tseconds\n")
            fh.writelines(f"{a}\t{x}\t{name}\t{t:.4f}\n" for a, x, name, t in growth)
        plot(growth, machine, out)
    print(f"table, growth measurements and figure in {out}/")


if __name__ == "__main__":
    main()
