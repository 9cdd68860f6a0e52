"""Position-specific matrices from consensus strings and from a meta-feature's k-mers.

Paper Fig. 4a aligns "the PSSM of a significant meta-feature" with RNAcompete motifs. A
significant k-mer meta-feature of :mod:`eigflow_arms.splicing.metafeatures` is a set of k-mer
features (``I2_5:kmer:UAA``, ``I2_5:kmer:AAUU``, ... and possibly the motif density
``I2_5:motif:A1CF``), not a set of aligned sites, so its PSSM is assembled from the k-mers:

1. :func:`align_kmers` assembles the k-mers greedily into one contig: from a seed k-mer,
   each round places the k-mer that agrees with the contig over the most letters (k-mers
   inside it first, since they do not change it; then the heaviest), at its leftmost best
   offset, extending the contig where it overhangs. A k-mer that shares fewer than
   ``min_overlap`` letters with the contig without a mismatch is left out (and logged): it
   is not part of this motif. Every k-mer is tried as the seed; the contig that places the
   most weight is kept.
2. :func:`pssm_from_kmers` lets every placed k-mer vote with its weight for its letters
   where it lies and for the uniform background elsewhere, adds a pseudocount and
   normalises: columns that all k-mers cover are sharp, columns that few reach are flat.

Weights (:func:`kmer_weights`) are the mean |value| of each k-mer's feature over rows of a
matrix: pass the attributions of the class of interest (mean |attribution|, what the paper
ranks by) or, lacking those, the feature matrix (mean k-mer frequency, i.e. occurrences).
Everything is deterministic.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from eigflow_arms.splicing.features import annotate
from eigflow_arms.splicing.sequence import ALPHABET, IUPAC, codes

__all__ = [
    "align_kmers",
    "consensus",
    "consensus_matrix",
    "information_content",
    "kmer_weights",
    "kmers_of",
    "pssm_from_kmers",
]

log = logging.getLogger(__name__)


def consensus_matrix(consensus: str, pseudocount: float = 0.02) -> np.ndarray:
    """(w, 4) probabilities (A C G U) of an IUPAC consensus: each position spreads its mass
    evenly over the letters it allows, then ``pseudocount`` is added to every letter."""
    try:
        allowed = [IUPAC[letter] for letter in consensus.upper()]
    except KeyError as err:
        raise ValueError(f"consensus {consensus!r} has a letter that is not IUPAC: {err.args[0]!r}") from None
    if not allowed:
        raise ValueError("the consensus is empty")
    matrix = np.array([[(b in letters) / len(letters) for b in ALPHABET] for letters in allowed])
    matrix += pseudocount
    return matrix / matrix.sum(axis=1, keepdims=True)


def _kmer_members(meta_table: pd.DataFrame, meta_feature: str, min_k: int) -> pd.DataFrame:
    """Rows (feature, kmer, column) of ``meta_feature``'s k-mer members with k >= min_k."""
    members = meta_table.reset_index(drop=True)
    members = members[members.meta_feature == meta_feature]
    if members.empty:
        raise KeyError(f"meta-feature {meta_feature!r} is not in the meta-feature table")
    annotation = annotate(members.feature)
    keep = (annotation.kind == "kmer").to_numpy() & (annotation.key.str.len() >= min_k).to_numpy()
    return pd.DataFrame({"feature": members.feature.to_numpy()[keep],
                         "kmer": annotation.key.to_numpy()[keep],
                         "column": members.index.to_numpy()[keep]})


def kmers_of(meta_table: pd.DataFrame, meta_feature: str, min_k: int = 3) -> list[str]:
    """The distinct k-mers (k >= ``min_k``) among ``meta_feature``'s members, in table order.

    ``meta_table`` has columns feature, meta_feature (:func:`eigflow_arms.splicing.metafeatures.
    meta_features`); members of other kinds (a motif's density, GC content) are skipped,
    and so are 1- and 2-mers, which say too little to be aligned.
    """
    return list(dict.fromkeys(_kmer_members(meta_table, meta_feature, min_k).kmer))


def kmer_weights(meta_table: pd.DataFrame, meta_feature: str, values: np.ndarray,
                 min_k: int = 3) -> pd.Series:
    """Weight of each k-mer of :func:`kmers_of`: mean |value| of its feature over the rows.

    Parameters
    ----------
    meta_table : DataFrame
        d rows (feature, meta_feature), in the column order of ``values``.
    values : (n, d) array
        Attributions of the class of interest (weights = mean |attribution|), or the
        feature matrix (weights = mean frequency: occurrences).

    Returns
    -------
    Series k-mer -> weight; a k-mer counted in several regions sums its features' weights.
    """
    values = np.asarray(values)
    if values.ndim != 2 or values.shape[1] != len(meta_table):
        raise ValueError(f"`values` has shape {values.shape}; it needs one column per row of the "
                         f"meta-feature table ({len(meta_table)})")
    members = _kmer_members(meta_table, meta_feature, min_k)
    weight = np.abs(values[:, members.column.to_numpy()]).mean(axis=0)
    return pd.Series(weight, index=members.kmer.to_numpy()).groupby(level=0, sort=False).sum()


def _best_offset(contig: str, kmer: str, min_overlap: int) -> tuple[int, int] | None:
    """(offset, overlap) of ``kmer`` against ``contig`` with the most letters in common and
    no mismatch (leftmost on ties); offset may be negative (the k-mer overhangs left)."""
    best = None
    for offset in range(min_overlap - len(kmer), len(contig) - min_overlap + 1):
        lo, hi = max(offset, 0), min(offset + len(kmer), len(contig))
        if contig[lo:hi] == kmer[lo - offset:hi - offset] and (best is None or hi - lo > best[1]):
            best = (offset, hi - lo)
    return best


def _assemble(seed: str, others: list[str], min_overlap: int) -> tuple[str, dict]:
    """Grow a contig from ``seed`` by the k-mers of ``others`` (in weight order) that fit."""
    contig, offsets, remaining = seed, {seed: 0}, list(others)
    while fits := [(kmer, *fit) for kmer in remaining if (fit := _best_offset(contig, kmer, min_overlap))]:
        # Inside the contig first, then the longest overlap; `remaining` is in weight order.
        kmer, offset, _ = max(fits, key=lambda f: (f[2] == len(f[0]), f[2]))
        if offset < 0:
            contig = kmer[:-offset] + contig
            offsets = {k: o - offset for k, o in offsets.items()}
            offset = 0
        contig += kmer[len(contig) - offset:]
        offsets[kmer] = offset
        remaining.remove(kmer)
    return contig, offsets


def align_kmers(kmers, weights=None, min_overlap: int = 2) -> tuple[str, dict]:
    """Assemble k-mers into a contig (see the module docstring).

    Every k-mer is tried as the seed, in weight order (longest, then alphabetical, on
    ties); the contig that places the most weight wins, the earliest seed on ties. So one
    heavy k-mer unrelated to the rest cannot hold the motif hostage.

    Parameters
    ----------
    kmers : sequence of str
        Distinct RNA k-mers.
    weights : sequence of float, optional
        One per k-mer; equal by default.
    min_overlap : int
        Letters a k-mer must share with the contig, without a mismatch, to be placed.

    Returns
    -------
    contig : str
    offsets : dict
        k-mer -> start in the contig, for the placed k-mers only.
    """
    kmers = list(kmers)
    weights = np.ones(len(kmers)) if weights is None else np.asarray(weights, dtype=float)
    if not kmers or len(weights) != len(kmers) or len(set(kmers)) != len(kmers):
        raise ValueError(f"need distinct k-mers and one weight each; got {len(kmers)} k-mers "
                         f"({len(set(kmers))} distinct) and {len(weights)} weights")
    if not (weights >= 0).all() or not weights.sum() > 0:
        raise ValueError("k-mer weights must be non-negative and not all 0 (mean |attribution| "
                         "or occurrences)")
    weight = dict(zip(kmers, weights))
    ranked = sorted(kmers, key=lambda k: (-weight[k], -len(k), k))
    best, best_weight = None, -np.inf
    for seed in ranked:
        contig, offsets = _assemble(seed, [k for k in ranked if k != seed], min_overlap)
        placed = sum(weight[k] for k in offsets)
        if placed > best_weight:
            best, best_weight = (contig, offsets), placed
    contig, offsets = best
    left_out = [k for k in ranked if k not in offsets]
    if left_out:
        log.info("%d k-mer(s) share < %d letters with the contig %s and are left out: %s",
                 len(left_out), min_overlap, contig, ", ".join(left_out))
    return contig, offsets


def pssm_from_kmers(kmers, weights=None, pseudocount: float = 0.01, min_overlap: int = 2) -> np.ndarray:
    """(L, 4) PSSM (probabilities, A C G U) of k-mers assembled by :func:`align_kmers`.

    Each placed k-mer votes with its weight (normalised to sum 1 over the placed k-mers)
    for its letters where it lies and for the uniform background at the contig's other
    columns; ``pseudocount`` is then added to every letter. ``weights``: mean |attribution|
    or occurrences (:func:`kmer_weights`); equal when omitted.
    """
    kmers = list(kmers)
    weights = np.ones(len(kmers)) if weights is None else np.asarray(weights, dtype=float)
    contig, offsets = align_kmers(kmers, weights, min_overlap)
    weight = dict(zip(kmers, weights / weights[[kmers.index(k) for k in offsets]].sum()))
    counts = np.full((len(contig), 4), pseudocount)
    for kmer, offset in offsets.items():
        vote = np.full((len(contig), 4), 0.25)
        vote[offset:offset + len(kmer)] = np.eye(4)[codes(kmer)]
        counts += weight[kmer] * vote
    return counts / counts.sum(axis=1, keepdims=True)


def consensus(pssm: np.ndarray) -> str:
    """The most probable letter of each column."""
    return "".join(ALPHABET[i] for i in np.argmax(pssm, axis=1))


def information_content(pssm: np.ndarray) -> np.ndarray:
    """(L,) information content in bits of each column against a uniform background."""
    p = np.asarray(pssm, dtype=float)
    with np.errstate(divide="ignore", invalid="ignore"):
        entropy = -np.where(p > 0, p * np.log2(p), 0.0).sum(axis=1)
    return 2.0 - entropy
