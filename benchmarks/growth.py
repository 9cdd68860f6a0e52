"""How cost grows: eigflow's attribution time against samples and steps, graph build time
against graph size (eigflow's two builders and the authors' constructor), and the figure."""
from __future__ import annotations

from pathlib import Path

import eigflow
import numpy as np
from workloads import clock, manifold_points

PATH_KINDS = ("O-L-IG", "H-L-IG", "O-N-IG")


def path_growth(args, model, autoencoder, sample_counts, step_counts, growth: list) -> None:
    """Seconds of eigflow.attribute for each path kind as samples, then steps, grow."""
    points, labels = manifold_points(5000, args.features, None, args.seed)
    graph = eigflow.NeighborGraph(points, k=args.k, connect=True)
    baselines = eigflow.select_baselines("median", points[labels == 1], args.baselines)
    samples, _ = manifold_points(max(sample_counts + [args.samples]), args.features,
                                 np.zeros(max(sample_counts + [args.samples]), dtype=int), args.seed + 1)

    def timed(kind, s, steps):
        _, t = clock(lambda: eigflow.attribute(model, samples[:s], path=kind, baseline=baselines, n_steps=steps,
                                               autoencoder=autoencoder, neighbors=graph, device="cpu"))
        return t

    for s in sample_counts:
        growth += [("samples", s, f"eigflow {kind}", timed(kind, s, args.steps)) for kind in PATH_KINDS]
    for steps in step_counts:
        growth += [("steps", steps, f"eigflow {kind}", timed(kind, args.samples, steps)) for kind in PATH_KINDS]
    print("  path growth done", flush=True)


def graph_growth(args, authors, sizes, growth: list) -> None:
    """Graph build seconds against graph size: eigflow (both builders) and the authors' constructor.

    pynndescent compiles its numba kernels on its first index in a process; that one-off cost
    is timed first, on a small set, and named in the legend, so the points show how the build
    itself grows (the paper-scale rows, each in a fresh process, include it).
    """
    points, _ = manifold_points(500, args.features, None, args.seed)
    _, jit = clock(lambda: eigflow.NeighborGraph(points, k=args.k, exact=False, connect=True))
    pynndescent = f"eigflow pynndescent (+{jit:.0f} s JIT once per process)"
    for n in sizes:
        points, _ = manifold_points(n, args.features, None, args.seed)
        for exact, name in ((False, pynndescent), (True, "eigflow exact")):
            _, t = clock(lambda: eigflow.NeighborGraph(points, k=args.k, exact=exact, connect=True))
            growth.append(("graph points", n, name, t))
        if authors is not None:
            np.random.seed(args.seed)  # their _estimate_min_npoints draws from the global RNG
            _, t = clock(lambda: authors.Neighbors(points, num_neighbors=args.k))
            growth.append(("graph points", n, "eig 0.1.4", t))
        print(f"  graph growth: {n} points done", flush=True)


def plot(growth: list, title: str, out: Path) -> None:
    """One panel per growing quantity, log-log, one line per implementation."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import FuncFormatter, NullFormatter

    axes_names = [a for a in ("samples", "steps", "graph points") if any(g[0] == a for g in growth)]
    fig, axes = plt.subplots(1, len(axes_names), figsize=(4.6 * len(axes_names), 4.2), squeeze=False)
    for ax, axis in zip(axes[0], axes_names):
        names = list(dict.fromkeys(g[2] for g in growth if g[0] == axis))
        for name in names:
            pts = sorted((x, t) for a, x, n, t in growth if a == axis and n == name)
            xs, ts = zip(*pts)
            style = dict(ls="--", marker="o", mfc="none") if "extrapolated" in name else dict(marker="o")
            ax.plot(xs, ts, label=name, **style)
        ax.set_xscale("log")
        ax.set_yscale("log")
        for which in (ax.xaxis, ax.yaxis):
            which.set_major_formatter(FuncFormatter(lambda v, _: f"{v:g}"))
            which.set_minor_formatter(NullFormatter())
        ax.set_xlabel(axis)
        ax.set_ylabel("seconds")
        ax.grid(True, which="both", alpha=0.3)
        ax.legend(fontsize=7)
    fig.suptitle(title, fontsize=7, wrap=True)
    fig.tight_layout(rect=(0, 0, 1, 0.93))
    out.mkdir(parents=True, exist_ok=True)
    for ext in ("png", "pdf"):
        fig.savefig(out / f"growth.{ext}", dpi=150)
    plt.close(fig)
