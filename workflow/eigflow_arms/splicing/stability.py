"""Stability of latent embeddings (paper supp. S3, Methods "Evaluation of latent space stability").

Two embeddings agree when they keep the same relative distances between training points: for
a fixed subsample of training events, each embedding's condensed pairwise Euclidean distances
are ranked and every two embeddings are compared by the Spearman correlation of those
distances. The input feature space itself is the first embedding, for comparison.
"""
from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
from eigflow.autoencoder import encode_numpy
from scipy.spatial.distance import pdist
from scipy.stats import rankdata

from .models import train_autoencoder

__all__ = ["INPUT", "latent_stability", "stability_table"]

INPUT = "input features"

# Training settings a variant may leave out.
_FIT_DEFAULTS = {"batch_size": 128, "lr": 1e-3}


def _spearman_matrix(distances: list[np.ndarray]) -> np.ndarray:
    """Spearman correlation between every two equally long vectors: (v,) list -> (v, v)."""
    ranks = np.stack([rankdata(d) for d in distances])
    ranks -= ranks.mean(axis=1, keepdims=True)
    ranks /= np.linalg.norm(ranks, axis=1, keepdims=True)
    corr = ranks @ ranks.T
    np.fill_diagonal(corr, 1.0)
    return corr


def latent_stability(
    x_train,
    variants: list[dict],
    n_points: int,
    seed: int,
    train: Callable = train_autoencoder,
) -> tuple[list[str], np.ndarray]:
    """Spearman correlations of pairwise distances between the input space and each variant's embedding.

    Parameters
    ----------
    x_train : (n, d) array
        Training features in [0, 1].
    variants : list of dict
        One autoencoder each, with keys ``name``, ``hidden``, ``latent_dim``, ``variational``,
        ``epochs``, ``seed``, ``bootstrap`` and optionally ``batch_size`` and ``lr``. With
        ``bootstrap`` the autoencoder trains on n rows drawn with replacement (using ``seed``).
    n_points : int
        Training events whose distances are compared (n_points * (n_points - 1) / 2 distances).
    seed : int
        Draws the subsample, the same for every variant.
    train : callable
        ``train(x, hidden=, latent_dim=, variational=, epochs=, batch_size=, lr=, seed=)``
        returning an object with ``encode``; :func:`~eigflow_arms.splicing.models.train_autoencoder`
        by default.

    Returns
    -------
    names : list of str
        ``"input features"``, then the variants' names.
    spearman : (v + 1, v + 1) array
        Symmetric, unit diagonal.
    """
    x = np.asarray(x_train, dtype=np.float32)
    if not 2 <= n_points <= len(x):
        raise ValueError(f"n_points must be between 2 and the {len(x)} training rows; got {n_points}")
    points = x[np.random.default_rng(seed).choice(len(x), n_points, replace=False)]
    names, distances = [INPUT], [pdist(points)]
    for variant in variants:
        fit = {**_FIT_DEFAULTS, **{k: v for k, v in variant.items() if k not in ("name", "bootstrap")}}
        rows = (np.random.default_rng(fit["seed"]).integers(0, len(x), len(x))
                if variant["bootstrap"] else slice(None))
        autoencoder = train(x[rows], **fit)
        names.append(variant["name"])
        distances.append(pdist(encode_numpy(autoencoder, points)))
    return names, _spearman_matrix(distances)


def stability_table(names: list[str], spearman: np.ndarray) -> pd.DataFrame:
    """Long form of :func:`latent_stability`'s matrix: one row per ordered pair (variant_a, variant_b, spearman)."""
    v = len(names)
    return pd.DataFrame({"variant_a": np.repeat(names, v), "variant_b": np.tile(names, v),
                         "spearman": np.asarray(spearman).reshape(-1)})
