"""Meta-features: groups of features that stand for one regulatory entity.

The paper groups its 1,357 features into 781 meta-features "of highly correlated features
(e.g., different versions of the Rbfox splicing factor binding motif)" so that attribution
is not spread over near-copies; a meta-feature's attribution is the sum of its members'
(:func:`eigflow.significance.group_features`). Two rules, applied in order:

1. Family rule. Within one region, a known motif's density feature and every k-mer feature
   (k >= 3) that occurs inside one of the motif's concrete instances (IUPAC expanded) form
   one meta-feature, ``{region}:family:{MOTIF}``: A1CF's UAAUUA takes UAA, AAU, AUU, UUA,
   UAAU, AAUU, AUUA. A k-mer inside several motifs goes to the one listed first in the known
   motifs (:func:`eigflow_arms.splicing.features.known_motifs`: the program's regulators before
   the decoys; e.g. CAU belongs to NOVA's YCAY, not RBFOX's UGCAUG), so every feature has
   exactly one meta-feature; k-mers of a motif whose density feature the annotation lacks
   (a real matrix) fall to rule 2. A significant family is therefore a motif together with its
   k-mers, from which a later stage can build a PSSM (paper Fig. 4a).
2. Correlation rule. The remaining features are clustered by average-linkage hierarchical
   clustering on 1 - |Pearson r| over the given rows, cut at 1 - ``min_correlation``: a
   group's members correlate with each other by at least ``min_correlation`` on average.
   A group is named after its member with the highest variance (the first such in feature
   order on ties), suffixed ``+{n - 1}`` when it has n > 1 members. Features constant over
   the rows stay singletons.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import fcluster, linkage
from scipy.spatial.distance import squareform

from .features import kmer_in_motif

log = logging.getLogger(__name__)

FAMILY_MIN_K = 3
_ROWS_PER_PASS = 8192  # rows per pass of the correlation: bounds the float64 copy in memory


def family_groups(annotation: pd.DataFrame, known) -> pd.Series:
    """``{region}:family:{MOTIF}`` for the features the family rule groups with the ``known``
    motifs (:func:`eigflow_arms.splicing.features.known_motifs`), indexed like ``annotation``
    (rows it leaves alone are absent)."""
    motifs = annotation[(annotation.kind == "motif") & annotation.key.isin([m.name for m in known])]
    present = set(zip(motifs.region, motifs.key))
    groups = {i: f"{region}:family:{name}" for i, region, name in zip(motifs.index, motifs.region, motifs.key)}
    kmers = annotation[(annotation.kind == "kmer") & (annotation.key.str.len() >= FAMILY_MIN_K)]
    for i, region, kmer in zip(kmers.index, kmers.region, kmers.key):
        owner = next((m.name for m in known
                      if (region, m.name) in present and kmer_in_motif(kmer, m.motif)), None)
        if owner is not None:
            groups[i] = f"{region}:family:{owner}"
    index = np.array(sorted(groups), dtype=np.int64)
    return pd.Series([groups[i] for i in index], index=index, dtype=object)


def _correlation(matrix: np.ndarray, columns: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(c, c) Pearson correlation of ``matrix``'s ``columns`` and their (c,) variances, in
    float64, a block of rows at a time. The columns must not be constant."""
    mean = matrix[:, columns].mean(axis=0, dtype=np.float64)
    gram = np.zeros((len(columns),) * 2)
    for start in range(0, len(matrix), _ROWS_PER_PASS):
        block = matrix[start:start + _ROWS_PER_PASS, columns].astype(np.float64) - mean
        gram += block.T @ block
    variance = np.diag(gram) / len(matrix)
    scale = np.sqrt(np.diag(gram))
    return gram / np.outer(scale, scale), variance


def correlation_groups(matrix: np.ndarray, names, min_correlation: float = 0.8) -> np.ndarray:
    """(d,) group name of each column of ``matrix`` (n, d) by the correlation rule."""
    names = np.asarray(names, dtype=object)
    varying = np.flatnonzero(matrix.max(axis=0) > matrix.min(axis=0))
    out = names.copy()
    if len(varying) < 2:
        return out
    corr, variance = _correlation(matrix, varying)
    distance = np.clip(1 - np.abs(corr), 0, None)
    np.fill_diagonal(distance, 0)
    tree = linkage(squareform(distance, checks=False), method="average")
    labels = fcluster(tree, t=1 - min_correlation, criterion="distance")
    for label in np.unique(labels):
        members = varying[labels == label]
        # argmax takes the first maximum: ties go to the earliest feature.
        leader = names[members[np.argmax(variance[labels == label])]]
        out[members] = leader if len(members) == 1 else f"{leader}+{len(members) - 1}"
    return out


def meta_features(matrix: np.ndarray, annotation: pd.DataFrame, known,
                  min_correlation: float = 0.8) -> pd.DataFrame:
    """Group features into meta-features (see the module docstring).

    Parameters
    ----------
    matrix : (n, d) array
        Feature values of the rows the correlations are computed on.
    annotation : DataFrame
        d rows with columns feature, region, kind, key (:func:`eigflow_arms.splicing.features.annotate`).
    known : sequence of KnownMotif
        The known motifs of the family rule (:func:`eigflow_arms.splicing.features.known_motifs`).
    min_correlation : float
        Average |Pearson r| within a correlation group.

    Returns
    -------
    DataFrame with columns feature, meta_feature, in the annotation's feature order.
    """
    if matrix.shape[1] != len(annotation):
        raise ValueError(f"`matrix` has {matrix.shape[1]} features but `annotation` describes "
                         f"{len(annotation)}; pass the annotation that came with the matrix")
    annotation = annotation.reset_index(drop=True)
    meta = np.empty(len(annotation), dtype=object)
    family = family_groups(annotation, known)
    meta[family.index] = family.to_numpy()
    rest = np.setdiff1d(np.arange(len(annotation)), family.index)
    meta[rest] = correlation_groups(matrix[:, rest], annotation.feature.to_numpy()[rest], min_correlation)
    table = pd.DataFrame({"feature": annotation.feature, "meta_feature": meta})
    counts = describe(table)
    log.info("%d features -> %d meta-features (%d motif families, %d correlation groups, %d singletons)",
             counts["features"], counts["meta_features"], counts["families"],
             counts["correlation_groups"], counts["singletons"])
    return table


def describe(table: pd.DataFrame) -> dict:
    """Counts of a meta-feature table: features, meta_features, families (motif families),
    correlation_groups (other groups of two or more) and singletons."""
    sizes = table.meta_feature.value_counts()
    family = sizes.index.str.contains(":family:", regex=False)
    return {"features": len(table), "meta_features": len(sizes), "families": int(family.sum()),
            "correlation_groups": int(((sizes > 1) & ~family).sum()),
            "singletons": int(((sizes == 1) & ~family).sum())}
