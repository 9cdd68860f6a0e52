"""What every arm's attribution stage shares: Algorithm 1's sample sets, the attributions
computed for them, one shard of attributions as arrays to save, and the merge of shards.

A shard file holds ``index`` (rows of the sample pool), ``attributions`` (s, *shape),
``completeness_error`` (s,), ``output`` (s,), ``baseline_output`` (s, b) and ``baselines``
(s, b, *shape); methods without a path (simple gradients, Deep SHAP) store what they have.
"""
from __future__ import annotations

from dataclasses import dataclass
from itertools import product

import numpy as np
from eigflow.attribute import attribute

from .jobs import shard_indices

SAMPLE_SETS = ("interest", "null", "null2")
# Which output a null set's attributions explain (significance reading ``null_target``): the
# class of interest's, as the paper's Algorithm 1 is written, or each sample's own class,
# where the model has one output per class.
NULL_TARGETS = ("interest", "own")


@dataclass(frozen=True)
class AttributedSet:
    """Attributions of the rows of sample set ``rows``, explaining the ``target`` output."""

    rows: str
    target: str


def attributed_name(rows: str, target: str) -> str:
    """The name of a set's attributions in shard files: the sample set's own name for the class
    of interest's output (what every arm computes), suffixed with any other target."""
    return rows if target == "interest" else f"{rows}_{target}"


# Every attributed set a shard may hold, by name.
ATTRIBUTED = {attributed_name(rows, target): AttributedSet(rows, target)
              for rows, target in product(SAMPLE_SETS, NULL_TARGETS) if rows != "interest" or target == "interest"}


def sample_sets(candidates: np.ndarray, pool_size: int, n_samples: int, seed: int,
                what: str = "samples of the class of interest", fix: str = "lower n_samples") -> dict:
    """Indices of the class of interest and of two disjoint random sets (null, null2).

    ``candidates`` are the pool rows in the class of interest; ``n_samples`` of them are
    drawn, and the null sets are drawn from the rest of the pool (all classes), as
    Algorithm 1's "random set of samples"; null2 exists for the random-vs-random check.
    """
    rng = np.random.default_rng(seed)
    candidates = np.asarray(candidates)
    if len(candidates) < n_samples:
        raise ValueError(f"only {len(candidates)} {what} but n_samples={n_samples}; {fix}")
    interest = rng.choice(candidates, n_samples, replace=False)
    rest = np.setdiff1d(np.arange(pool_size), interest)
    if len(rest) < 2 * n_samples:
        raise ValueError(f"the sample pool has {pool_size} rows: too few for two random sets of "
                         f"{n_samples} beside the class of interest; {fix}")
    nulls = rng.choice(rest, 2 * n_samples, replace=False)
    return {"interest": np.sort(interest), "null": np.sort(nulls[:n_samples]),
            "null2": np.sort(nulls[n_samples:])}


def shard_rows(sets: dict, sampleset: str, shards: int, shard: int) -> np.ndarray:
    """Pool rows of shard ``shard`` of ``shards`` of one sample set."""
    return sets[sampleset][shard_indices(len(sets[sampleset]), shards, shard)]


def attribute_shard(model, pool: np.ndarray, index: np.ndarray, path: str, baseline: str,
                    reference: np.ndarray | None, n_baselines: int, n_steps: int, autoencoder=None,
                    graph=None, target=None, seed: int = 0, batch_size: int | None = None,
                    device: str = "cpu", label: str = "") -> dict:
    """EIG attributions of ``pool[index]``, as the arrays of a shard file."""
    res = attribute(model, pool[index], path=path, baseline=baseline, reference=reference,
                    n_baselines=n_baselines, n_steps=n_steps, autoencoder=autoencoder,
                    neighbors=graph, target=target, batch_size=batch_size, device=device,
                    seed=seed, label=label)
    return {"index": index, "attributions": res.attributions,
            "completeness_error": res.completeness_error, "output": res.output,
            "baseline_output": res.baseline_output, "baselines": res.baselines}


def merge_shards(shards: list[dict]) -> dict:
    """Concatenate shards (in shard order) along the sample axis."""
    return {key: np.concatenate([s[key] for s in shards]) for key in shards[0]}
