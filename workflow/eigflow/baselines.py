"""The six EIG baselines (paper Methods, "Baselines").

Group-agnostic: ``zero`` and ``encoded-zero`` (the decoder's image of the latent origin,
roughly the mean of the autoencoder's training data). Group-specific, drawn from a
reference class: ``k-means`` centroids, ``median`` (the reference points CLOSEST to the
class's coordinate-wise median), ``close`` (per sample, the nearest reference points after
skipping the single nearest, an outlier guard) and ``random``.
"""
from __future__ import annotations

import numpy as np

from ._checks import as_float_array, check_choice
from .autoencoder import decode_numpy, encode_numpy
from .graph import exact_knn

BASELINES = ("zero", "encoded-zero", "k-means", "median", "close", "random")


def select_baselines(kind: str, reference=None, n: int = 3, samples=None, autoencoder=None,
                     seed: int = 0) -> np.ndarray:
    """Choose baseline points.

    Parameters
    ----------
    kind : str
        One of ``BASELINES``.
    reference : (m, *shape) array, optional
        Points of the reference class; required by the group-specific kinds.
    n : int
        Baseline points per sample (group-agnostic kinds give a single point).
    samples : (s, *shape) array, optional
        Samples to explain; required by ``close`` and used for the point shape otherwise.
    autoencoder : object with ``encode`` and ``decode``, optional
        Required by ``encoded-zero``.
    seed : int
        Seed of ``k-means`` and ``random``.

    Returns
    -------
    ``(b, *shape)`` float32 array of baselines shared by all samples, or, for ``close``,
    ``(s, n, *shape)``: each sample's own baselines.
    """
    check_choice(kind, "baseline", BASELINES)
    if n < 1:
        raise ValueError(f"`n_baselines` must be >= 1; got {n}")
    if kind in ("zero", "encoded-zero"):
        template = reference if reference is not None else samples
        if template is None:
            raise ValueError(f"baseline {kind!r} needs `samples` or `reference` to know the point shape")
        shape = as_float_array(template, "samples" if reference is None else "reference", 2).shape[1:]
        if kind == "zero":
            return np.zeros((1, *shape), dtype=np.float32)
        if autoencoder is None:
            raise ValueError("baseline 'encoded-zero' needs an `autoencoder` (D(0) is the baseline)")
        probe = np.zeros((1, *shape), dtype=np.float32)
        latent = encode_numpy(autoencoder, probe)
        return decode_numpy(autoencoder, np.zeros_like(latent)).reshape(1, *shape)

    if reference is None:
        raise ValueError(f"baseline {kind!r} draws from a reference class: pass `reference`")
    ref = as_float_array(reference, "reference", 2)
    flat = ref.reshape(len(ref), -1)
    needed = n + 1 if kind == "close" else n
    if len(ref) < needed:
        raise ValueError(
            f"`reference` has {len(ref)} point(s) but baseline {kind!r} with n_baselines={n} needs "
            f"at least {needed}; lower n_baselines or enlarge the reference class"
        )
    if kind == "median":
        distance = np.linalg.norm(flat - np.median(flat, axis=0), axis=1)
        # Ascending: the points closest to the median (the authors' package sorts the
        # other way and returns the farthest).
        return ref[np.argsort(distance, kind="stable")[:n]]
    if kind == "random":
        return ref[np.random.default_rng(seed).choice(len(ref), size=n, replace=False)]
    if kind == "k-means":
        from sklearn.cluster import KMeans

        centroids = KMeans(n_clusters=n, n_init=10, random_state=seed).fit(flat).cluster_centers_
        return centroids.astype(np.float32).reshape(n, *ref.shape[1:])
    if samples is None:
        raise ValueError("baseline 'close' is chosen per sample: pass `samples`")
    smp = as_float_array(samples, "samples", 2)
    nearest, _ = exact_knn(smp.reshape(len(smp), -1), flat, n + 1)
    return ref[nearest[:, 1:]]

