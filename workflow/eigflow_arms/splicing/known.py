"""The set of "known" biological features (paper Methods, "Defining the set of known
biological features").

Each feature is tested for enrichment or depletion in the class of interest (exons
differentially included in hippocampus) against constitutive exons with a hypergeometric
test; features with -log p > 20 are "known", and a meta-feature takes the minimum p of its
members. The known set is what paper Fig. 3e measures each method's ranking against.

Binarisation. The paper does not say how a continuous feature enters a hypergeometric
test; here a feature is "high" in an event when it exceeds its median over the tested
events (interest + reference). When the median is the feature's maximum (a binary feature
that is 1 in more than half of the events) nothing exceeds it, so there "high" means equal
to the maximum. (For a median equal to the minimum, "> median" is already "> minimum".)

Threshold. The paper's natural-log threshold of 20 was set on ~88,752 events (14,596
cassette + 74,156 constitutive). For a fixed effect size, -log p of the test grows
linearly with the number of events tested (a large-deviation rate times N), so a run on
fewer events scales the threshold by the same factor, but never below Bonferroni at 0.05::

    scaled_threshold(n_tested, n_features) = max(20 * n_tested / 88752, -log(0.05 / n_features))
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from scipy.stats import hypergeom

log = logging.getLogger(__name__)

PAPER_THRESHOLD = 20.0
PAPER_EVENTS = 88752
FEATURE_COLUMNS = ["feature", "N", "K", "n", "k", "direction", "log_p", "neglog_p"]


def scaled_threshold(n_tested: int, n_features: int, alpha: float = 0.05) -> float:
    """Natural-log threshold on -log p for ``n_tested`` events (see the module docstring)."""
    return max(PAPER_THRESHOLD * n_tested / PAPER_EVENTS, -np.log(alpha / n_features))


def binarise(matrix: np.ndarray) -> np.ndarray:
    """(n, d) bool: each feature above its median over the rows (see the module docstring)."""
    median = np.median(matrix, axis=0)
    top = matrix.max(axis=0)
    return np.where(median < top, matrix > median, matrix == top)


def _masks(interest_mask, reference_mask, n: int) -> tuple[np.ndarray, np.ndarray]:
    interest = np.asarray(interest_mask, dtype=bool)
    reference = np.asarray(reference_mask, dtype=bool)
    if interest.shape != (n,) or reference.shape != (n,):
        raise ValueError(f"`interest_mask` {interest.shape} and `reference_mask` {reference.shape} "
                         f"must each have one entry per matrix row ({n})")
    if (interest & reference).any():
        raise ValueError(f"{int((interest & reference).sum())} event(s) are in both the class of "
                         f"interest and the reference class; the two classes must be disjoint")
    if not interest.any() or not reference.any():
        raise ValueError("both the class of interest and the reference class need at least one event")
    return interest, reference


def feature_tests(matrix: np.ndarray, interest_mask, reference_mask, names) -> pd.DataFrame:
    """Hypergeometric enrichment/depletion test of every feature.

    Parameters
    ----------
    matrix : (n_events, d) array
    interest_mask, reference_mask : (n_events,) bool
        The class of interest and the reference class (disjoint); the other rows are ignored.
    names : (d,) feature names

    Returns
    -------
    DataFrame with columns ``FEATURE_COLUMNS``: N tested events, K of them high, n in the
    class of interest, k of those high; direction 'enriched' or 'depleted' (the smaller
    one-sided p); log_p its natural log, neglog_p = -log_p.
    """
    interest, reference = _masks(interest_mask, reference_mask, len(matrix))
    tested = interest | reference
    high = binarise(np.asarray(matrix)[tested])
    N, n = int(tested.sum()), int(interest.sum())
    K = high.sum(axis=0)
    k = high[interest[tested]].sum(axis=0)
    log_enriched = hypergeom.logsf(k - 1, N, K, n)   # P(X >= k)
    log_depleted = hypergeom.logcdf(k, N, K, n)      # P(X <= k)
    log_p = np.minimum(log_enriched, log_depleted)
    return pd.DataFrame({
        "feature": np.asarray(names), "N": N, "K": K, "n": n, "k": k,
        "direction": np.where(log_enriched <= log_depleted, "enriched", "depleted"),
        "log_p": log_p, "neglog_p": -log_p})


def known_features(matrix: np.ndarray, interest_mask, reference_mask, meta_table: pd.DataFrame,
                   threshold: float | None = None) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Known meta-features: the minimum p over each meta-feature's members passes ``threshold``.

    Parameters
    ----------
    matrix : (n_events, d) array
        Unscaled or scaled features (the test only uses each feature's order).
    interest_mask, reference_mask : (n_events,) bool
    meta_table : DataFrame
        d rows, columns feature, meta_feature, in the matrix's column order
        (:func:`eigflow_arms.splicing.metafeatures.meta_features`).
    threshold : float, optional
        On -log p (natural log); default :func:`scaled_threshold` of the tested events.

    Returns
    -------
    meta : DataFrame
        Columns meta_feature, p, neglog_p, known; meta-features in order of first appearance.
        p underflows to 0 at paper size; neglog_p does not.
    per_feature : DataFrame
        :func:`feature_tests` plus the feature's meta_feature and known.
    """
    if len(meta_table) != np.shape(matrix)[1]:
        raise ValueError(f"`meta_table` has {len(meta_table)} rows but `matrix` has {np.shape(matrix)[1]} "
                         f"features; pass the meta-feature table of this matrix")
    per_feature = feature_tests(matrix, interest_mask, reference_mask, meta_table.feature)
    if threshold is None:
        threshold = scaled_threshold(int(per_feature.N.iloc[0]), len(per_feature))
    per_feature["meta_feature"] = meta_table.meta_feature.to_numpy()
    per_feature["known"] = per_feature.neglog_p > threshold
    neglog = per_feature.groupby("meta_feature", sort=False).neglog_p.max()
    meta = pd.DataFrame({"meta_feature": neglog.index, "p": np.exp(-neglog.to_numpy()),
                         "neglog_p": neglog.to_numpy(), "known": neglog.to_numpy() > threshold})
    log.info("known features: %d/%d features, %d/%d meta-features pass -log p > %.1f",
             int(per_feature.known.sum()), len(per_feature), int(meta.known.sum()), len(meta), threshold)
    return meta, per_feature
