"""Significant features for a class of interest: the paper's Algorithm 1.

For each feature (or meta-feature: the sum of its member features' attributions), a
one-sided Welch t-test asks whether a per-sample score -- |attribution|, or a normalised
form of it -- is larger over the class of interest than over an equally sized random set of
samples; p-values are Bonferroni corrected.

The paper's text allows several readings of the test; each is a parameter here.

- ``normalise``: what is compared across samples. ``"none"``: |attribution|, as Methods
  write it ("the absolute value of the attributions"). ``"share"``: each sample's
  |attribution| divided by its sum over features, and ``"rank"``: its rank among the sample's
  features (0 lowest, 1 highest) -- the Results' "relative ranking of a feature's
  attribution across samples". Normalising removes what |attribution| inherits from the size
  of the explained output: the class of interest's output is larger than a random sample's,
  so without it every feature's |attribution| is larger in the class of interest.
- ``alpha``: significant when the Bonferroni-adjusted p is at most ``alpha``; 0.05 as the
  figure legends ("Bonferroni adjusted p value <= 0.05") and the authors' code (eig 0.1.4),
  0.01 as Methods ("family-wise error rate (FWER) of 0.01").
- Which output the null set's attributions explain is the caller's choice (the workflow's
  ``null_target``), as it is made when they are computed.

The one-sided p is scipy's ``alternative="greater"``: p/2 for t > 0 and 1 - p/2 for t < 0,
with p two-sided. The authors' ``FeatureSignificance.py`` computes ``(p if t > 0 else 1 - p)
/ 2``, which gives a feature that is slightly *smaller* in the class of interest (t just
below 0, p near 1) a one-sided p near 0; that defect is not reproduced.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import as_float_array, check_choice

COLUMNS = ["feature", "mean_abs_interest", "mean_abs_null", "t", "p", "p_adjusted", "significant"]
NORMALISATIONS = ("none", "share", "rank")


def group_features(attributions: np.ndarray, groups) -> tuple[np.ndarray, np.ndarray]:
    """Sum (s, d) attributions over feature groups: returns (labels, (s, g) summed attributions).

    ``groups`` gives the meta-feature of each of the d features (any hashable labels);
    labels come back in order of first appearance.
    """
    groups = np.asarray(groups)
    if groups.shape != (attributions.shape[1],):
        raise ValueError(f"`groups` must label each of the {attributions.shape[1]} features; "
                         f"got shape {groups.shape}")
    labels, first, codes = np.unique(groups, return_index=True, return_inverse=True)
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(len(order))
    indicator = np.zeros((attributions.shape[1], len(labels)), dtype=np.float64)
    indicator[np.arange(len(codes)), rank[codes.ravel()]] = 1.0
    return labels[order], attributions.astype(np.float64) @ indicator


def normalised(scores: np.ndarray, normalise: str) -> np.ndarray:
    """(s, d) non-negative scores per sample: as they are, as shares of their row's sum (a row
    of zeros stays zeros), or as within-row ranks scaled to [0, 1] (ties share their mean rank)."""
    if normalise == "none":
        return scores
    if normalise == "share":
        total = scores.sum(axis=1, keepdims=True)
        return np.divide(scores, total, out=np.zeros_like(scores), where=total > 0)
    from scipy.stats import rankdata

    return (rankdata(scores, axis=1) - 1) / max(scores.shape[1] - 1, 1)


def significance(attr_interest, attr_null, groups=None, alpha: float = 0.05, normalise: str = "none",
                 feature_names=None) -> pd.DataFrame:
    """Algorithm 1: features whose (normalised) |attribution| is larger for the class of interest.

    Parameters
    ----------
    attr_interest : (s, *shape) array
        Attributions of the class of interest.
    attr_null : (r, *shape) array
        Attributions of a random set of samples (the paper uses r = s).
    groups : (d,) labels, optional
        Meta-feature of each flattened feature; members' attributions are summed before the
        absolute value is taken.
    alpha : float
        Level of the Bonferroni-adjusted p; see the module docstring.
    normalise : {"none", "share", "rank"}
        The per-sample score the test compares; see the module docstring.
    feature_names : (d,) labels, optional
        Names of the flattened features (default: their index); ignored with ``groups``.

    Returns
    -------
    DataFrame with one row per feature or meta-feature and columns ``COLUMNS``:
    ``mean_abs_*`` are the sets' mean |attribution| whatever ``normalise`` is; ``t`` and the
    p-values are those of the normalised score.

    Notes
    -----
    Welch's t is undefined for a feature whose |attribution| is constant within both sets
    (zero variance in each). Such a feature is decided by the two constants: larger in the
    class of interest gives t = inf and p = 0 (every interest sample exceeds every null
    sample: significant), smaller gives t = -inf and p = 1, and equal (dead pixels, 0 in
    both) gives t = 0 and p = 0.5: the one-sided p of t = 0 under any t distribution, as a
    feature with equal means that does vary gets -- and where supp. S6 finds dead pixels.
    A feature constant in one set only keeps Welch's t.
    """
    a = as_float_array(attr_interest, "attr_interest", 2)
    b = as_float_array(attr_null, "attr_null", 2)
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"`attr_interest` has {a.shape[1]} features but `attr_null` has {b.shape[1]}")
    check_choice(normalise, "normalise", NORMALISATIONS)
    if not 0 < alpha <= 1:
        raise ValueError(f"`alpha` must be in (0, 1]; got {alpha}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("the t-test needs at least 2 samples in each of `attr_interest` and `attr_null`")
    if groups is not None:
        names, a = group_features(a, groups)
        _, b = group_features(b, groups)
    else:
        names = np.arange(a.shape[1]) if feature_names is None else np.asarray(feature_names)
    abs_a, abs_b = np.abs(a.astype(np.float64)), np.abs(b.astype(np.float64))
    a, b = normalised(abs_a, normalise), normalised(abs_b, normalise)
    from scipy import stats  # a second to import: attribution jobs, which import eigflow, never need it

    with np.errstate(divide="ignore", invalid="ignore"):
        t, p = stats.ttest_ind(a, b, equal_var=False, alternative="greater", axis=0)
    degenerate = ~np.isfinite(t)
    t = np.where(degenerate, 0.0, t)
    p = np.where(degenerate | ~np.isfinite(p), 1.0, p)
    # Welch's t is 0/0 when neither set varies; constancy is tested on the values themselves
    # (max == min, exact), since a mean of equal values may differ from them in the last bit.
    constant = (a.max(axis=0) == a.min(axis=0)) & (b.max(axis=0) == b.min(axis=0))
    larger, smaller = constant & (a[0] > b[0]), constant & (a[0] < b[0])
    t = np.select([larger, smaller, constant], [np.inf, -np.inf, 0.0], t)
    p = np.select([larger, smaller, constant], [0.0, 1.0, 0.5], p)
    p_adjusted = np.minimum(p * len(p), 1.0)
    return pd.DataFrame({
        "feature": names,
        "mean_abs_interest": abs_a.mean(axis=0),
        "mean_abs_null": abs_b.mean(axis=0),
        "t": t,
        "p": p,
        "p_adjusted": p_adjusted,
        "significant": p_adjusted <= alpha,
    })
