"""Significant features for a class of interest: the paper's Algorithm 1.

For each feature (or meta-feature: the sum of its member features' attributions), a
one-sided Welch t-test asks whether |attribution| over the class of interest is larger than
|attribution| over an equally sized random set of samples; p-values are Bonferroni
corrected.

The paper states its threshold twice -- "Bonferroni correction with family-wise error rate
(FWER) of 0.01" in Methods and "Bonferroni adjusted p value <= 0.05" in the figure legends.
A feature here is significant when its adjusted p meets both, i.e. p_adjusted <= min(fwer,
alpha); pass ``fwer=alpha`` to use a single level.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from ._checks import as_float_array

COLUMNS = ["feature", "mean_abs_interest", "mean_abs_null", "t", "p", "p_adjusted", "significant"]


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


def significance(attr_interest, attr_null, groups=None, fwer: float = 0.01, alpha: float = 0.05,
                 feature_names=None) -> pd.DataFrame:
    """Algorithm 1: features whose |attribution| is larger for the class of interest.

    Parameters
    ----------
    attr_interest : (s, *shape) array
        Attributions of the class of interest.
    attr_null : (r, *shape) array
        Attributions of a random set of samples (the paper uses r = s).
    groups : (d,) labels, optional
        Meta-feature of each flattened feature; members' attributions are summed before the
        absolute value is taken.
    fwer, alpha : float
        Significance levels; see the module docstring.
    feature_names : (d,) labels, optional
        Names of the flattened features (default: their index); ignored with ``groups``.

    Returns
    -------
    DataFrame with one row per feature or meta-feature and columns ``COLUMNS``.

    Notes
    -----
    Welch's t is undefined for a feature whose |attribution| is constant within both sets
    (zero variance in each). Such a feature is decided by the two constants: larger in the
    class of interest gives t = inf and p = 0 (every interest sample exceeds every null
    sample: significant), smaller gives t = -inf and p = 1, and equal (dead pixels, 0 in
    both) gives t = 0 and p = 1. A feature constant in one set only keeps Welch's t.
    """
    a = as_float_array(attr_interest, "attr_interest", 2)
    b = as_float_array(attr_null, "attr_null", 2)
    a, b = a.reshape(len(a), -1), b.reshape(len(b), -1)
    if a.shape[1] != b.shape[1]:
        raise ValueError(f"`attr_interest` has {a.shape[1]} features but `attr_null` has {b.shape[1]}")
    if len(a) < 2 or len(b) < 2:
        raise ValueError("the t-test needs at least 2 samples in each of `attr_interest` and `attr_null`")
    if groups is not None:
        names, a = group_features(a, groups)
        _, b = group_features(b, groups)
    else:
        names = np.arange(a.shape[1]) if feature_names is None else np.asarray(feature_names)
    a, b = np.abs(a.astype(np.float64)), np.abs(b.astype(np.float64))
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
    p = np.select([larger, constant], [0.0, 1.0], p)
    p_adjusted = np.minimum(p * len(p), 1.0)
    return pd.DataFrame({
        "feature": names,
        "mean_abs_interest": a.mean(axis=0),
        "mean_abs_null": b.mean(axis=0),
        "t": t,
        "p": p,
        "p_adjusted": p_adjusted,
        "significant": p_adjusted <= min(fwer, alpha),
    })
