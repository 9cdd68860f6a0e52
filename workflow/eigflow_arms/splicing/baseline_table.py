"""Where each EIG baseline lies for the splicing model: its output and its place in the data.

The paper reads the encoded-zero baseline as "the mean of the data on which the autoencoder
was trained" and the group-specific baselines as typical points of the reference class.
:func:`baseline_table` measures both readings for every baseline the arm runs
(:func:`eigflow_arms.common.methods.baselines`), drawn by :func:`eigflow.select_baselines`
exactly as attribution draws them.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch
from eigflow import select_baselines
from eigflow.autoencoder import module_device
from eigflow.graph import exact_knn

from eigflow_arms.common import methods

COLUMNS = ["baseline", "n_points", "output", "output_percentile", "distance_to_mean",
           "distance_to_nearest_event", "event_distance_to_mean"]


@torch.no_grad()
def _outputs(model, x: np.ndarray, batch_size: int = 4096) -> np.ndarray:
    dev = module_device(model)
    return np.concatenate([model(torch.as_tensor(x[i:i + batch_size], device=dev)).cpu().numpy()
                           for i in range(0, len(x), batch_size)])


def baseline_table(model, autoencoder, events, train, samples, reference, n_baselines: int,
                   seed: int) -> pd.DataFrame:
    """F(baseline) and distances of every baseline kind, beside the same for the events.

    Parameters
    ----------
    model : nn.Module
        F, mapping (m, d) tensors to (m,) (the joined splicing model).
    autoencoder : Autoencoder
        For ``encoded-zero``.
    events : (n, d) array
        Every event: F's percentiles and the nearest events are taken over them.
    train : (n,) bool array
        The autoencoder's training events, whose mean is "the mean of the data".
    samples : (s, d) array
        The class of interest's samples that baselines are drawn for (``close`` draws per sample).
    reference : (m, d) array
        The reference class of the group-specific baselines.
    n_baselines : int
    seed : int
        As attribution's seed.

    Returns
    -------
    DataFrame
        One row per baseline kind: ``n_points`` (points drawn, all samples together),
        ``output`` (mean F over them), ``output_percentile`` (percent of events with F below
        it, ties counted half), ``distance_to_mean`` and ``distance_to_nearest_event``
        (Euclidean, mean over the points), and ``event_distance_to_mean`` (the median event's
        distance to the mean, the scale to read the distances on).
    """
    model.eval()
    events = np.asarray(events, dtype=np.float32)
    mean = events[np.asarray(train, dtype=bool)].mean(axis=0)
    event_output = _outputs(model, events)
    scale = float(np.median(np.linalg.norm(events - mean, axis=1)))
    rows = []
    for kind in methods.baselines():
        points = select_baselines(kind, reference, n_baselines, samples=samples, autoencoder=autoencoder,
                                  seed=seed).reshape(-1, events.shape[1])
        output = float(_outputs(model, points).mean())
        nearest = exact_knn(points, events, 1)[1][:, 0]
        percentile = 100 * ((event_output < output).mean() + 0.5 * (event_output == output).mean())
        rows.append((kind, len(points), output, float(percentile),
                     float(np.linalg.norm(points - mean, axis=1).mean()), float(nearest.mean()), scale))
    return pd.DataFrame(rows, columns=COLUMNS)
