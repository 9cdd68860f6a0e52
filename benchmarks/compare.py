"""eigflow side by side with Captum and with the authors' package (``eig==0.1.4``).

    python benchmarks/compare.py                 # moderate sizes, a few minutes on a laptop
    python benchmarks/compare.py --quick         # smoke run, well under a minute
    python benchmarks/compare.py --threads 1     # pin every library to one thread

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
- ``O-N-IG`` and ``H-N-IG``: eigflow vs the authors' NumPy path generators
  (``NeighborsPathGenerator``, ``LatentNeighborsPathGenerator``) and their trapezoid
  integration (``path_integrated_gradients.multiple_paths_integrated_gradients``), driven by
  the same PyTorch gradient function (a NumPy-in, NumPy-out wrapper around the same model
  and :func:`eigflow.integrate.gradients`). Graph build and path + integration are timed
  separately. The ``routes`` note counts pairs whose shortest graph route visits the same
  graph points in both implementations.
- Efficiency: FLOP/s achieved by eigflow's O-L-IG gradient batches on the MLP, divided by
  the FLOP/s of a float32 ``torch.mm`` of the batch's first-layer shape, measured here with
  the same thread count.

Agreement ("max rel diff") is max over samples of max_j |a_j - b_j| / max_j |b_j|: the
largest per-feature difference relative to that sample's largest attribution.

Data: synthetic points in [0, 1]^features on a noisy 8-dimensional manifold with two
classes (``graph points`` are the training set; baselines are eigflow's ``median`` baselines
of class 1 among them; samples are fresh class-0 points). The H-N-IG autoencoder is linear,
from the top 16 principal components of the graph points (closed form: untrained random
weights would reconstruct nothing); it also makes E(D(z)) = z, so eigflow run from D(E(x')) to D(E(x)) -- the ends of
the authors' decoded path, which never joins x' and x -- walks the same route: the H-N-IG
note reports that "ends matched" agreement. Neither needs any download or a workflow run.

The authors' package is downloaded with ``pip download --no-deps eig==0.1.4`` and unpacked
into ``benchmarks/.authors/`` (git-ignored) the first time; it is never imported as a package
(its ``__init__`` imports TensorFlow). Its path modules are loaded under a stub ``eig``
package, with ``eig/paths`` on ``sys.path`` for its top-level ``import path_utils``, and two
removals in today's libraries are patched in this process only: ``np.trapz`` ->
``np.trapezoid`` and ``sklearn.neighbors.DistanceMetric`` -> ``sklearn.metrics.DistanceMetric``.
Its files are never edited. Without network access, put the wheel's ``eig/`` folder in
``benchmarks/.authors/`` by hand, or pass ``--no-authors``.

Paper scale (splicing: 88,752 training points x 1,357 features, 300 samples, 3 median
baselines, 250 steps) -- hours on a laptop CPU, dominated by the authors' per-pair Dijkstra
and by the exact k-NN of both sides (eigflow switches to pynndescent above 8,000 points, so
routes may then differ from the authors' exact graph)::

    python benchmarks/compare.py --features 1357 --graph-points 88752 --samples 300 \\
        --baselines 3 --steps 250 --k 10
"""
from __future__ import annotations

import argparse
import contextlib
import importlib
import io
import os
import platform
import subprocess
import sys
import tarfile
import tempfile
import time
import types
import warnings
import zipfile
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import torch
from torch import nn

import eigflow
from eigflow.autoencoder import decode_numpy, encode_numpy
from eigflow.integrate import gradients as eig_gradients

AUTHORS_SPEC = "eig==0.1.4"
AUTHORS_DIR = Path(__file__).resolve().parent / ".authors"
DEFAULTS = dict(samples=20, baselines=3, steps=250, graph_points=3000, repeats=1)
QUICK = dict(samples=3, baselines=2, steps=50, graph_points=400, repeats=3)


# ----------------------------------------------------------------------------- the authors' code

class AuthorsUnavailable(RuntimeError):
    pass


def fetch_authors(dest: Path) -> None:
    """Download eig==0.1.4 (no dependencies) and unpack its ``eig/`` folder into ``dest``."""
    if (dest / "eig" / "paths" / "path_utils.py").exists():
        return
    print(f"fetching the authors' package {AUTHORS_SPEC} into {dest} ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        cmd = [sys.executable, "-m", "pip", "download", "--no-deps", "--disable-pip-version-check",
               AUTHORS_SPEC, "-d", tmp]
        try:
            run = subprocess.run(cmd, capture_output=True, text=True, timeout=300)
        except (OSError, subprocess.TimeoutExpired) as err:
            raise AuthorsUnavailable(f"could not run pip ({err})") from err
        if run.returncode != 0:
            tail = "\n    ".join((run.stderr or run.stdout).strip().splitlines()[-4:])
            raise AuthorsUnavailable(
                f"`{' '.join(cmd[2:])}` failed (no access to the package registry?):\n    {tail}\n"
                f"  Download {AUTHORS_SPEC} elsewhere and unpack its eig/ folder into {dest}, "
                "or run with --no-authors.")
        archives = sorted(Path(tmp).iterdir())
        if not archives:
            raise AuthorsUnavailable("pip download produced no file")
        dest.mkdir(parents=True, exist_ok=True)
        archive = archives[0]
        if archive.suffix == ".whl":
            with zipfile.ZipFile(archive) as zf:
                for name in zf.namelist():
                    if name.startswith("eig/"):
                        zf.extract(name, dest)
        else:  # sdist: <name>-<version>/eig/...
            with tarfile.open(archive) as tf:
                for member in tf.getmembers():
                    parts = Path(member.name).parts
                    if "eig" in parts and member.isfile():
                        rel = Path(*parts[parts.index("eig"):])
                        target = dest / rel
                        target.parent.mkdir(parents=True, exist_ok=True)
                        target.write_bytes(tf.extractfile(member).read())
    if not (dest / "eig" / "paths" / "path_utils.py").exists():
        raise AuthorsUnavailable(f"{archive.name} has no eig/paths/path_utils.py")


def load_authors(dest: Path) -> SimpleNamespace:
    """The authors' NumPy path modules, without running ``eig/__init__.py`` (TensorFlow)."""
    import sklearn.metrics
    import sklearn.neighbors

    if not hasattr(np, "trapz"):  # removed in NumPy 2.4
        np.trapz = np.trapezoid
    if not hasattr(sklearn.neighbors, "DistanceMetric"):  # moved to sklearn.metrics in 1.3
        sklearn.neighbors.DistanceMetric = sklearn.metrics.DistanceMetric
    pkg = dest / "eig"
    stub = types.ModuleType("eig")
    stub.__path__ = [str(pkg)]
    sys.modules["eig"] = stub
    sys.path.insert(0, str(pkg / "paths"))  # path_integrated_gradients does `from path_utils import ...`
    return SimpleNamespace(
        Neighbors=importlib.import_module("eig.paths.PathGeneratorNeighbors").NeighborsPathGenerator,
        LatentNeighbors=importlib.import_module(
            "eig.paths.PathGeneratorLatentNeighbors").LatentNeighborsPathGenerator,
        pig=importlib.import_module("path_integrated_gradients"),
    )


# ------------------------------------------------------------------------------ models and data

def splicing_mlp(features: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 1)).eval()


class PCAAutoencoder(nn.Module):
    """Linear autoencoder from the top principal components of the training points (closed
    form, no training): encode (x - mean) V, decode z V^T + mean. A random-weight network
    would reconstruct nothing, and H-N-IG's joins x' -> D(E(x')), D(E(x)) -> x would then
    dominate every comparison."""

    def __init__(self, points: np.ndarray, latent: int = 16):
        super().__init__()
        mean = points.mean(axis=0, dtype=np.float64)
        _, _, vt = np.linalg.svd(points - mean, full_matrices=False)
        self.enc = nn.Linear(points.shape[1], latent)
        self.dec = nn.Linear(latent, points.shape[1])
        v = torch.as_tensor(vt[:latent], dtype=torch.float32)
        m = torch.as_tensor(mean, dtype=torch.float32)
        with torch.no_grad():
            self.enc.weight.copy_(v)
            self.enc.bias.copy_(-(v @ m))
            self.dec.weight.copy_(v.T)
            self.dec.bias.copy_(m)
        self.requires_grad_(False)

    def encode(self, x):
        return self.enc(x.reshape(len(x), -1))

    def decode(self, z):
        return self.dec(z)


def mnist_vae_ffn(seed: int):
    from eigflow.models import digits

    torch.manual_seed(seed)
    vae = digits.VAE(16)
    model = digits.ClassProbability(digits.JointModel(vae, digits.LatentClassifier(16))).eval()
    return model, vae.eval()


def manifold_points(n: int, d: int, labels: np.ndarray | None, seed: int, chunk: int = 8192):
    """n points in [0, 1]^d near an 8-dimensional manifold, two classes; (points, labels)."""
    rng = np.random.default_rng(seed)
    basis_rng = np.random.default_rng(12345)  # the manifold is shared by every call
    centers = basis_rng.normal(size=(2, 8)) * 0.5
    basis = basis_rng.normal(size=(8, d)) / np.sqrt(8)
    labels = rng.integers(0, 2, n) if labels is None else labels
    out = np.empty((n, d), dtype=np.float32)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        z = centers[labels[lo:hi]] + rng.normal(size=(hi - lo, 8))
        out[lo:hi] = 1 / (1 + np.exp(-(z @ basis + 0.3 * rng.normal(size=(hi - lo, d)))))
    return out, labels


# --------------------------------------------------------------------------------------- helpers

def clock(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def best_of(fn, repeats: int):
    """(result, fastest seconds) over ``repeats`` calls."""
    best = None
    for _ in range(max(1, repeats)):
        result, seconds = clock(fn)
        best = seconds if best is None else min(best, seconds)
    return result, best


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    a = a.reshape(len(a), -1).astype(np.float64)
    b = b.reshape(len(b), -1).astype(np.float64)
    scale = np.maximum(np.abs(b).max(axis=1), 1e-30)
    return float((np.abs(a - b).max(axis=1) / scale).max())


def completeness(attr: np.ndarray, output: np.ndarray, baseline_output: np.ndarray) -> float:
    """Median |sum(attr) - (F(x) - mean_b F(x'_b))| relative to median |F(x) - mean_b F(x'_b)|."""
    gap = output - baseline_output.mean(axis=1)
    err = np.abs(attr.reshape(len(attr), -1).sum(axis=1, dtype=np.float64) - gap)
    return float(np.median(err) / max(np.median(np.abs(gap)), 1e-30))


def numpy_gradient_function(model, target, shape, batch: int, device):
    """The authors' gradient_function contract: (m, *shape) array -> (m, *shape) gradients."""
    def grad(points):
        flat = np.asarray(points).reshape(len(points), -1)
        out = np.empty(flat.shape, dtype=np.float32)
        for lo in range(0, len(flat), batch):
            pts = torch.as_tensor(np.ascontiguousarray(flat[lo:lo + batch], dtype=np.float32), device=device)
            g, _ = eig_gradients(model, pts, target, shape)
            out[lo:lo + len(pts)] = g.cpu().numpy()
        return out.reshape(np.shape(points))
    return grad


def eigflow_batch_points(n_steps: int, d: int, pairs: int) -> int:
    from eigflow.attribute import DEFAULT_BATCH_BYTES

    batch = max(n_steps, DEFAULT_BATCH_BYTES // (4 * d))
    return min(max(1, batch // n_steps), pairs) * n_steps


def graph_vertex_sets(rows: np.ndarray, lookup: dict) -> frozenset:
    """Indices of the graph points (exact float32 match) among a path's rows."""
    rows = np.ascontiguousarray(np.asarray(rows, dtype=np.float32).reshape(len(rows), -1))
    return frozenset(lookup[r.tobytes()] for r in rows if r.tobytes() in lookup)


def machine_line(threads: int, device) -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import captum
    import scipy
    import sklearn

    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.device(device).type == "cuda" else ""
    return (f"machine: {cpu} ({os.cpu_count()} logical CPUs){gpu}; {threads} thread(s); "
            f"torch {torch.__version__}, captum {captum.__version__}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
            f"python {platform.python_version()}")


def sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()


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
             repeats, rows):
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
    rows.append((f"{kind} graph build", "eig 0.1.4", t_graph_eig, t_graph_auth, float("nan"),
                 f"{len(graph_points)} points, k={k}, "
                 f"{'exact' if graph.exact else 'pynndescent'} vs sklearn exact"
                 + (", latent 16" if ae is not None else "")))
    rows.append((f"{kind} paths+integration", "eig 0.1.4", t_eig, t_auth, max_rel_diff(res.attributions, auth),
                 f"authors: paths {t_paths:.2f} s + gradients/trapz {t_int:.2f} s; same route "
                 f"{same}/{pairs} pairs ({vertices:.1f} graph points each); completeness eigflow "
                 f"{comp_e:.1e}, authors {comp_a:.1e}{note_extra}"))


def efficiency_line(model, t_eig, points, n_steps, d, pairs, reps, device) -> str:
    weights = sum(m.in_features * m.out_features for m in model.modules() if isinstance(m, nn.Linear))
    achieved4 = 4 * weights * points / t_eig  # forward 2W + input-gradient backward 2W
    achieved6 = 6 * weights * points / t_eig  # the 6 x params convention (adds weight gradients)
    m = eigflow_batch_points(n_steps, d, pairs)
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
    return (f"efficiency (MLP O-L-IG, {points} path points in batches of {m}): eigflow "
            f"{achieved4 / 1e9:.1f} GFLOP/s counting 4*W FLOPs/point (forward + input gradients; "
            f"{achieved6 / 1e9:.1f} with the 6*W convention); float32 GEMM {m}x{d} @ {d}x512 "
            f"{gemm / 1e9:.1f} GFLOP/s -> {achieved4 / gemm:.0%} of GEMM ({achieved6 / gemm:.0%} with 6*W)")


# -------------------------------------------------------------------------------------- main

def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--samples", type=int, help=f"default {DEFAULTS['samples']} ({QUICK['samples']} with --quick)")
    parser.add_argument("--baselines", type=int,
                        help=f"default {DEFAULTS['baselines']} ({QUICK['baselines']} with --quick)")
    parser.add_argument("--steps", type=int, help=f"default {DEFAULTS['steps']} ({QUICK['steps']} with --quick)")
    parser.add_argument("--graph-points", type=int,
                        help=f"default {DEFAULTS['graph_points']} ({QUICK['graph_points']} with --quick)")
    parser.add_argument("--features", type=int, default=1357)
    parser.add_argument("--k", type=int, default=10, help="neighbours per graph point (both implementations)")
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    parser.add_argument("--device", default="cpu", help="torch device of every gradient (default cpu)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeats", type=int, default=None,
                        help="timings are the fastest of this many runs (default 1; 3 with --quick)")
    parser.add_argument("--quick", action="store_true",
                        help="tiny sizes for a smoke run (sizes given explicitly still win)")
    parser.add_argument("--no-mnist", action="store_true", help="skip the VAE + FFN O-L-IG row")
    parser.add_argument("--no-authors", action="store_true", help="skip the rows against eig==0.1.4")
    parser.add_argument("--authors-dir", type=Path, default=AUTHORS_DIR)
    args = parser.parse_args(argv)
    for key, value in (QUICK if args.quick else DEFAULTS).items():
        if getattr(args, key) is None:
            setattr(args, key, value)

    torch.set_num_threads(args.threads)
    from threadpoolctl import threadpool_limits
    threadpool_limits(args.threads)  # NumPy / SciPy / scikit-learn BLAS and OpenMP pools

    print(machine_line(args.threads, args.device))
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
    reference = train[labels == 1]
    baselines = eigflow.select_baselines("median", reference, args.baselines)
    mlp = splicing_mlp(d, args.seed)
    print(f"sizes: {args.samples} samples x {args.baselines} median baselines x {args.steps} steps; "
          f"MLP {d}-512-256-1; graph {args.graph_points} points, k={args.k}")

    rows = []
    t_mlp, _ = olig_rows(mlp, samples, baselines, args.steps, None, args.device, f"MLP {d}-512-256-1",
                         args.repeats, rows)
    if not args.no_mnist:
        model, vae = mnist_vae_ffn(args.seed)
        with torch.no_grad():
            gen = torch.Generator().manual_seed(args.seed)
            digits = vae.decode(torch.randn(args.samples + args.baselines, 16, generator=gen)).numpy()
        olig_rows(model, digits[:args.samples], digits[args.samples:], args.steps, 5, args.device,
                  "VAE+FFN 784 (p5)", args.repeats, rows)
    if authors is not None:
        nig_rows("O-N-IG", authors, mlp, samples, baselines, train, args.steps, args.k, None,
                 args.device, args.seed, args.repeats, rows)
        ae = PCAAutoencoder(train[: min(len(train), 20000)]).eval()
        nig_rows("H-N-IG", authors, mlp, samples, baselines, train, args.steps, args.k, ae,
                 args.device, args.seed, args.repeats, rows)

    print()
    head = f"{'row':32} {'vs':10} {'eigflow s':>10} {'other s':>10} {'eig/other':>10} {'max rel diff':>13}  notes"
    print(head)
    print("-" * len(head))
    for name, other, t_e, t_o, diff, note in rows:
        diff_s = "-" if np.isnan(diff) else f"{diff:.1e}"
        print(f"{name:32} {other:10} {t_e:10.3f} {t_o:10.3f} {t_e / t_o:10.3f} {diff_s:>13}  {note}")
    print()
    points = args.samples * args.baselines * args.steps
    print(efficiency_line(mlp, t_mlp, points, args.steps, d, args.samples * args.baselines,
                          3 if args.quick else 10, args.device))
    print("max rel diff: max over samples of max_j |a_j - b_j| / max_j |b_j| (b = the other implementation); "
          "completeness: median |sum attr - (F(x) - mean F(x'))| / median |F(x) - mean F(x')|")


if __name__ == "__main__":
    main()
