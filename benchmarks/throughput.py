"""Attribution throughput (path points per second) per path type on a trained MNIST model.

    python benchmarks/throughput.py --results results [--samples 30] [--steps 250]

Reads a workflow run's data and VAE + FFN model (results/mnist/...), attributes digits of
interest from median baselines along each of the four paths, and prints one row per path:
graph build time (neighbour paths, built once and shared by both) and path points per
second of path construction + gradients + integration.
"""
from __future__ import annotations

import argparse
import time
from pathlib import Path

import eigflow
import numpy as np
import torch
from eigflow_arms.common import io
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import models as digits


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--results", type=Path, default=Path("results"))
    parser.add_argument("--model", default="vae_ffn")
    parser.add_argument("--samples", type=int, default=30)
    parser.add_argument("--baselines", type=int, default=3)
    parser.add_argument("--steps", type=int, default=250)
    parser.add_argument("--graph-points", type=int, default=10000)
    parser.add_argument("--threads", type=int, default=torch.get_num_threads())
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    data = io.load_npz(args.results / "mnist" / "data.npz")
    model, ae, _ = digits.load_model(args.results / "mnist" / "models" / f"{args.model}.pt")
    fives = data["x_train"][data["y_train"] == 5][: args.samples]
    reference = mnist_arm.reference_class(data, 3)
    baselines = eigflow.select_baselines("median", reference, args.baselines)
    train = data["x_train"][: args.graph_points]

    graphs = {}
    for path, space_ae in (("O-N-IG", None), ("H-N-IG", ae)):
        start = time.perf_counter()
        graphs[path] = eigflow.NeighborGraph(train, k=10, autoencoder=space_ae, connect=True)
        graphs[path] = (graphs[path], time.perf_counter() - start)

    points = args.samples * args.baselines * args.steps
    print(f"{args.model}: {args.samples} samples x {args.baselines} baselines x {args.steps} steps "
          f"= {points} path points, {args.threads} thread(s), graph of {len(train)} points")
    print(f"{'path':8} {'graph build s':>14} {'attribution s':>14} {'path points/s':>14} {'completeness err':>17}")
    for path in eigflow.PATHS:
        graph, build = graphs.get(path, (None, float("nan")))
        start = time.perf_counter()
        res = eigflow.attribute(model, fives, path=path, baseline=baselines, n_steps=args.steps,
                                autoencoder=ae, neighbors=graph, target=5)
        seconds = time.perf_counter() - start
        print(f"{path:8} {build:14.2f} {seconds:14.2f} {points / seconds:14.0f} "
              f"{np.median(res.completeness_error):17.2e}")


if __name__ == "__main__":
    main()
