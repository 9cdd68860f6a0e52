"""The paper-size rows of ``benchmarks/compare.py``: a k-NN graph over 88,752 training
points x 1,357 features and 300 samples' neighbour paths, with time and peak memory.

Each heavy step runs in a fresh process (``spawn``), so the peak resident memory it reports
is that step's alone (it includes the interpreter, PyTorch and the data: about 0.5 GiB of
float32 points at the paper's size). The steps:

- eigflow's graph, pynndescent and exact (:func:`eigflow.graph.self_knn`), each timed whole
  (k-NN, symmetrisation, connectivity check; pynndescent's JIT compile included, module
  imports left out on both sides); how many of the exact graph's edges the pynndescent
  graph holds is its edge recall.
- The authors' graph: their constructor's brute-force ``NearestNeighbors`` k-NN over all
  points. Its cost is linear in the number of query rows, so by default it is timed on
  ``--scale-authors-rows`` of them and scaled up (labelled "extrapolated"; ``--scale-authors-rows 0``
  times it whole). Their constructor's connectivity check and ``_estimate_min_npoints`` (10
  Dijkstra runs) are then timed whole, on the exact graph, which is the graph they build.
- eigflow O-N-IG for every sample x baseline on the pynndescent graph, loaded from disk as
  each workflow shard loads it (paths, gradients, integration).
- Paths + integration for a given graph, eigflow vs the authors, on a subset of pairs of
  the exact graph (their per-pair Dijkstra over the whole graph would take an hour for all
  900), with the same gradient function; agreement of the attributions.
"""
from __future__ import annotations

import contextlib
import io
import resource
import tempfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context
from pathlib import Path

import numpy as np
from workloads import clock, manifold_points, max_rel_diff


def isolated(fn, threads: int, *args):
    """``fn(*args)`` in a fresh process: (its result, that process's peak RSS in GiB)."""
    with ProcessPoolExecutor(1, mp_context=get_context("spawn"), max_tasks_per_child=1,
                             initializer=_limit_threads, initargs=(threads,)) as pool:
        return pool.submit(_measured, fn, *args).result()


def _limit_threads(threads: int) -> None:
    import torch
    from threadpoolctl import threadpool_limits

    torch.set_num_threads(threads)
    threadpool_limits(threads)


def _measured(fn, *args):
    result = fn(*args)
    return result, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 2**20  # KiB -> GiB


# --------------------------------------------------------------------- steps (run in children)

def build_graph(points_path: str, k: int, exact: bool, out: str) -> float:
    import eigflow
    import pynndescent  # noqa: F401  module imports stay out of every timing, as torch's and sklearn's do

    points = np.load(points_path)
    graph, seconds = clock(lambda: eigflow.NeighborGraph(points, k=k, exact=exact, connect=True))
    graph.save(out)
    return seconds


def authors_graph(authors_dir: str | None, points_path: str, exact_path: str, k: int,
                  rows: int) -> tuple[float, int]:
    """Seconds of the authors' graph constructor: its brute-force k-NN (fit + kneighbors of
    ``rows`` points, scaled to all), then -- with their package -- their own connectivity
    check and ``_estimate_min_npoints`` on the exact graph, which is the graph they build."""
    from scipy.sparse.csgraph import connected_components
    from sklearn.neighbors import NearestNeighbors

    points = np.load(points_path)
    rows = len(points) if rows <= 0 else min(rows, len(points))
    # Their constructor: NearestNeighbors(n_neighbors=k).fit(data).kneighbors_graph(mode="distance"),
    # which queries every point for k + 1 neighbours and drops itself.
    nn_, t_fit = clock(lambda: NearestNeighbors(n_neighbors=k).fit(points))
    _, t_query = clock(lambda: nn_.kneighbors(points[:rows], n_neighbors=k + 1))
    seconds = t_fit + t_query * len(points) / rows
    if authors_dir is not None:
        import eigflow
        from authors import load_authors

        authors = load_authors(Path(authors_dir))
        adjacency = eigflow.NeighborGraph.load(exact_path).adjacency
        np.random.seed(0)  # their _estimate_min_npoints draws from the global RNG
        _, t_rest = clock(lambda: (connected_components(adjacency, directed=False, return_labels=False),
                                   authors.Neighbors._estimate_min_npoints(adjacency)))
        seconds += t_rest
    return seconds, rows


def eigflow_paths(graph_path: str, samples, baselines, n_steps: int, seed: int):
    """eigflow O-N-IG of every sample x baseline on a saved graph: (seconds, attributions)."""
    import eigflow
    from workloads import splicing_mlp

    graph = eigflow.NeighborGraph.load(graph_path)
    model = splicing_mlp(samples.shape[1], seed)
    res, seconds = clock(lambda: eigflow.attribute(model, samples, path="O-N-IG", baseline=baselines,
                                                   n_steps=n_steps, neighbors=graph, device="cpu"))
    return seconds, res.attributions


def authors_paths(authors_dir: str, graph_path: str, samples, baselines, n_steps: int, seed: int,
                  batch: int):
    """The authors' get_path + trapezoid on a saved graph, same gradients: (seconds, attributions)."""
    import eigflow
    from authors import generator_on_graph, load_authors
    from workloads import numpy_gradient_function, splicing_mlp

    authors = load_authors(Path(authors_dir))
    graph = eigflow.NeighborGraph.load(graph_path)
    gen = generator_on_graph(authors, graph.embedding, graph.adjacency, graph.k)
    model = splicing_mlp(samples.shape[1], seed)
    grad_fn = numpy_gradient_function(model, None, (samples.shape[1],), batch, "cpu")
    s, b = len(samples), len(baselines)

    def run():
        out = np.empty((s * b, samples.shape[1]))
        for p in range(s * b):  # their API: one pair per get_path call
            path = gen.get_path(baselines[p % b], samples[p // b], n_steps)
            with contextlib.redirect_stdout(io.StringIO()):  # it prints array shapes
                out[p] = authors.pig.multiple_paths_integrated_gradients(grad_fn, path[None])[0]
        return out.reshape(s, b, -1).mean(axis=1)

    attributions, seconds = clock(run)
    return seconds, attributions


def edge_recall(approx_path: str, exact_path: str) -> float:
    """Share of the exact graph's edges that the approximate graph also has."""
    import eigflow

    approx = eigflow.NeighborGraph.load(approx_path).adjacency.astype(bool)
    exact = eigflow.NeighborGraph.load(exact_path).adjacency.astype(bool)
    return exact.multiply(approx).nnz / exact.nnz


# ------------------------------------------------------------------------------------ the rows

def paper_scale_rows(args, authors_available: bool, rows: list, growth: list) -> None:
    """Append the paper-size rows to ``rows`` and graph-size points to ``growth``."""
    import eigflow

    n, d = args.scale_points, args.features
    print(f"paper scale: {n} graph points x {d} features, {args.scale_samples} samples x "
          f"{args.baselines} baselines x {args.steps} steps, k={args.k} ...", flush=True)
    with tempfile.TemporaryDirectory() as tmp:
        points_path, approx, exact = (str(Path(tmp) / name) for name in ("points.npy", "approx.npz", "exact.npz"))
        train, labels = manifold_points(n, d, None, args.seed)
        np.save(points_path, train)
        baselines = eigflow.select_baselines("median", train[labels == 1][:20000], args.baselines)
        del train, labels
        samples, _ = manifold_points(args.scale_samples, d, np.zeros(args.scale_samples, dtype=int),
                                     args.seed + 1)

        t_approx, mem_approx = isolated(build_graph, args.threads, points_path, args.k, False, approx)
        print(f"  eigflow pynndescent graph {t_approx:.0f} s", flush=True)
        t_exact, mem_exact = isolated(build_graph, args.threads, points_path, args.k, True, exact)
        print(f"  eigflow exact graph {t_exact:.0f} s", flush=True)
        recall, _ = isolated(edge_recall, args.threads, approx, exact)
        (t_auth_graph, auth_rows), mem_auth = isolated(
            authors_graph, args.threads, str(args.authors_dir) if authors_available else None, points_path,
            exact, args.k, args.scale_authors_rows)
        print(f"  authors' exact graph {t_auth_graph:.0f} s", flush=True)
        how = ("k-NN timed whole" if auth_rows >= n else f"k-NN extrapolated from {auth_rows} of {n} query rows")
        how += ", their connectivity check and 10 Dijkstra runs timed" if authors_available else ""
        rows.append((f"O-N-IG graph build {n}", "eig 0.1.4", t_approx, t_auth_graph, float("nan"),
                     f"eigflow pynndescent (peak {mem_approx:.1f} GiB; edge recall {recall:.3f} of the exact "
                     f"graph; fresh process, JIT compile included) vs their constructor ({how}; peak "
                     f"{mem_auth:.1f} GiB)"))
        rows.append((f"O-N-IG exact graph {n}", "eig 0.1.4", t_exact, t_auth_graph, float("nan"),
                     f"eigflow exact, symmetric blocks (peak {mem_exact:.1f} GiB) vs the same constructor time"))
        growth += [("graph points", n, "eigflow pynndescent, fresh process (JIT included)", t_approx),
                   ("graph points", n, "eigflow exact", t_exact),
                   ("graph points", n, "eig 0.1.4 (extrapolated)" if auth_rows < n else "eig 0.1.4", t_auth_graph)]

        (t_paths, _), mem_paths = isolated(eigflow_paths, args.threads, approx, samples, baselines,
                                           args.steps, args.seed)
        pairs = len(samples) * len(baselines)
        total = t_approx + t_paths
        rows.append((f"O-N-IG {pairs} paths {n}", "target", total, 600.0, float("nan"),
                     f"pynndescent graph {t_approx:.0f} s + {pairs} paths, gradients, integration "
                     f"{t_paths:.0f} s (graph loaded from disk); peak memory {max(mem_approx, mem_paths):.1f} GiB "
                     f"(target: < 600 s and < 8 GiB)"))
        print(f"  eigflow {pairs} paths {t_paths:.0f} s", flush=True)

        if authors_available:
            sub = samples[:args.scale_authors_samples]
            from workloads import eigflow_batch_points

            batch = eigflow_batch_points(args.steps, d, len(sub) * len(baselines))
            (t_e, a_e), _ = isolated(eigflow_paths, args.threads, exact, sub, baselines, args.steps, args.seed)
            (t_a, a_a), _ = isolated(authors_paths, args.threads, str(args.authors_dir), exact, sub, baselines,
                                     args.steps, args.seed, batch)
            rows.append((f"O-N-IG paths+integration {n}", "eig 0.1.4", t_e, t_a, max_rel_diff(a_e, a_a),
                         f"{len(sub)} samples x {len(baselines)} baselines on the same exact graph "
                         "(given to both), same gradient function"))
            print(f"  paths + integration on {len(sub) * len(baselines)} pairs: eigflow {t_e:.1f} s, "
                  f"authors {t_a:.1f} s", flush=True)
