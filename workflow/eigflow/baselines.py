"""The six EIG baselines (paper Methods, "Baselines") and two of sequence models, as a
registry of baseline functions.

Group-agnostic: ``zero`` and ``encoded-zero`` (the decoder's image of the latent origin,
roughly the mean of the autoencoder's training data). Group-specific, drawn from a
reference class: ``k-means`` centroids, ``median`` (the reference points CLOSEST to the
class's coordinate-wise median), ``close`` (per sample, the nearest reference points after
skipping the single nearest, an outlier guard) and ``random``. For one-hot sequences, the
two that sequence models are attributed with: ``uniform`` (every letter 1/alphabet, the
"0.25 baseline" of DNA and RNA models) and ``dinucleotide-shuffle`` (per sample, shuffles
that keep every dinucleotide count, Altschul and Erickson's, drawn by tangermeme).

Each is a :class:`BaselineSpec` in :data:`BASELINES`: a function of one signature,
``fn(reference, n, samples, autoencoder, seed)``, and what it needs.
:func:`select_baselines` checks those needs and calls it; :func:`register_baseline` adds
another.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import torch

from ._checks import (as_float_array, check_choice, check_count, check_spec, check_spec_choice, import_extra,
                      register)
from .autoencoder import decode_numpy, encode_numpy
from .graph import exact_knn

INPUTS = ("any", "one-hot")


@dataclass(frozen=True)
class BaselineSpec:
    """A baseline function and what it needs.

    Parameters
    ----------
    name : str
        The ``baseline=`` name that :func:`eigflow.attribute` looks up in :data:`BASELINES`.
    fn : callable
        ``fn(reference, n, samples, autoencoder, seed)`` -> ``(b, *shape)`` baselines shared
        by all samples, or, if ``per_sample``, ``(s, b, *shape)``. ``reference`` (m, *shape)
        and ``samples`` (s, *shape) arrive as float32 arrays or None; what the spec says it
        needs is never None.
    needs_reference : bool
        Drawn from a reference class: ``reference`` must hold at least ``n +
        extra_reference`` points.
    needs_autoencoder : bool
    per_sample : bool
        Chosen for each sample: ``samples`` is required.
    extra_reference : int
        Reference points needed beyond ``n`` (``close`` skips the nearest one).
    inputs : str
        The inputs the baseline is made for: ``"any"``, or ``"one-hot"``: one-hot sequences
        (s, alphabet, length) of 0s and 1s, such as (s, 4, L) for RNA's A, C, G, U, where a
        position of all zeros is an N. :func:`select_baselines` refuses other points.
    """

    name: str
    fn: Callable
    needs_reference: bool = False
    needs_autoencoder: bool = False
    per_sample: bool = False
    extra_reference: int = 0
    inputs: str = "any"

    def __post_init__(self):
        check_spec(self, fn=self.fn)
        check_spec_choice(self, "inputs", INPUTS)


def _point_shape(reference, samples) -> tuple:
    return (reference if reference is not None else samples).shape[1:]


def _zero(reference, n, samples, autoencoder, seed):
    return np.zeros((1, *_point_shape(reference, samples)), dtype=np.float32)


def _encoded_zero(reference, n, samples, autoencoder, seed):
    shape = _point_shape(reference, samples)
    latent = encode_numpy(autoencoder, np.zeros((1, *shape), dtype=np.float32))
    return decode_numpy(autoencoder, np.zeros_like(latent)).reshape(1, *shape)


def _k_means(reference, n, samples, autoencoder, seed):
    KMeans = import_extra("sklearn.cluster", "scikit-learn", "kmeans", "the 'k-means' baseline").KMeans
    flat = reference.reshape(len(reference), -1)
    centroids = KMeans(n_clusters=n, n_init=10, random_state=seed).fit(flat).cluster_centers_
    return centroids.astype(np.float32).reshape(n, *reference.shape[1:])


def _median(reference, n, samples, autoencoder, seed):
    flat = reference.reshape(len(reference), -1)
    distance = np.linalg.norm(flat - np.median(flat, axis=0), axis=1)
    # Ascending: the points closest to the median (the authors' package sorts the
    # other way and returns the farthest).
    return reference[np.argsort(distance, kind="stable")[:n]]


def _close(reference, n, samples, autoencoder, seed):
    nearest, _ = exact_knn(samples.reshape(len(samples), -1), reference.reshape(len(reference), -1), n + 1)
    return reference[nearest[:, 1:]]


def _random(reference, n, samples, autoencoder, seed):
    return reference[np.random.default_rng(seed).choice(len(reference), size=n, replace=False)]


def _uniform(reference, n, samples, autoencoder, seed):
    alphabet, length = _point_shape(reference, samples)
    return np.full((1, alphabet, length), 1 / alphabet, dtype=np.float32)


def _dinucleotide_shuffle(reference, n, samples, autoencoder, seed):
    ersatz = import_extra("tangermeme.ersatz", "tangermeme", "sequence", "the 'dinucleotide-shuffle' baseline")
    shuffles = np.repeat(samples[:, None], n, axis=1)
    # tangermeme shuffles an N as a letter of its own, so Ns would move. Each run of letters
    # between Ns is shuffled alone instead: the Ns stay put, and every dinucleotide, all of
    # which lie inside runs, keeps its count.
    for i, sample in enumerate(samples):
        for start, end in _letter_runs(sample.any(axis=0)):
            # The shuffle keeps a run's first and last letters: three or fewer have one order.
            if end - start <= 3:
                continue
            # n copies shuffled once each, each with its own seed: asked for n shuffles of one
            # run, tangermeme raises when they all agree, as they must for a run whose
            # dinucleotides allow a single order.
            copies = torch.from_numpy(np.repeat(sample[None, :, start:end], n, axis=0))
            seeds = np.random.default_rng([seed, i, start]).integers(2**31, size=n)
            shuffled = ersatz.dinucleotide_shuffle(copies, n=1, random_state=seeds)
            shuffles[i, :, :, start:end] = shuffled[:, 0].numpy()
    return shuffles


def _letter_runs(is_letter: np.ndarray):
    """(start, end) of each run of True in ``is_letter``."""
    edges = np.diff(np.concatenate([[0], is_letter.astype(np.int8), [0]]))
    return zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1))


def _check_one_hot(points: np.ndarray, name: str, kind: str) -> None:
    if points.ndim != 3:
        problem = f"has points of shape {points.shape[1:]}"
    elif not np.isin(points, (0, 1)).all() or (points.sum(axis=1) > 1).any():
        problem = "holds a value other than 0 and 1, or two 1s at one position"
    else:
        return
    raise ValueError(f"baseline {kind!r} is made for one-hot sequences, (m, alphabet, length) of 0s and 1s "
                     f"with at most one 1 at each position (none: an N); `{name}` {problem}")


BASELINES: dict[str, BaselineSpec] = {spec.name: spec for spec in (
    BaselineSpec("zero", _zero),
    BaselineSpec("encoded-zero", _encoded_zero, needs_autoencoder=True),
    BaselineSpec("k-means", _k_means, needs_reference=True),
    BaselineSpec("median", _median, needs_reference=True),
    BaselineSpec("close", _close, needs_reference=True, per_sample=True, extra_reference=1),
    BaselineSpec("random", _random, needs_reference=True),
    BaselineSpec("uniform", _uniform, inputs="one-hot"),
    BaselineSpec("dinucleotide-shuffle", _dinucleotide_shuffle, per_sample=True, inputs="one-hot"),
)}


def register_baseline(spec: BaselineSpec, replace: bool = False) -> BaselineSpec:
    """Add ``spec`` to :data:`BASELINES`, so that ``attribute(baseline=spec.name)`` finds it.

    A name already registered is an error unless ``replace``; remove a baseline again with
    ``BASELINES.pop(name)``.
    """
    return register(BASELINES, spec, BaselineSpec, "baseline", replace)


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
        Samples to explain; required by the per-sample kinds (``close``,
        ``dinucleotide-shuffle``) and used for the point shape otherwise.
    autoencoder : object with ``encode`` and ``decode``, optional
        Required by ``encoded-zero``.
    seed : int
        Seed of ``k-means``, ``random`` and ``dinucleotide-shuffle`` (whose sample i is
        shuffled by ``seed`` and i).

    Returns
    -------
    ``(b, *shape)`` float32 array of baselines shared by all samples, or, for per-sample
    kinds, ``(s, n, *shape)``: each sample's own baselines.
    """
    spec = BASELINES[check_choice(kind, "baseline", BASELINES)]
    n = check_count(n, "n_baselines", 1)
    if spec.needs_reference and reference is None:
        raise ValueError(f"baseline {kind!r} draws from a reference class: pass `reference`")
    ref = None if reference is None else as_float_array(reference, "reference", 2)
    if spec.needs_reference and len(ref) < n + spec.extra_reference:
        raise ValueError(
            f"`reference` has {len(ref)} point(s) but baseline {kind!r} with n_baselines={n} needs "
            f"at least {n + spec.extra_reference}; lower n_baselines or enlarge the reference class"
        )
    if ref is None and samples is None:
        raise ValueError(f"baseline {kind!r} needs `samples` or `reference` to know the point shape")
    if spec.needs_autoencoder and autoencoder is None:
        raise ValueError(f"baseline {kind!r} needs an `autoencoder`")
    if spec.per_sample and samples is None:
        raise ValueError(f"baseline {kind!r} is chosen per sample: pass `samples`")
    smp = None if samples is None else as_float_array(samples, "samples", 2)
    if spec.inputs == "one-hot":
        for name, points in (("reference", ref), ("samples", smp)):
            if points is not None:
                _check_one_hot(points, name, kind)
    return as_float_array(spec.fn(ref, n, smp, autoencoder, seed), f"baseline {kind!r}", 2)
