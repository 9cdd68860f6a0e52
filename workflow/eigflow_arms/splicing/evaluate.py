"""Evaluation of the splicing-code attributions: paper Fig. 3, supp. S7-S10, and the planted truth.

Every method (a path x baseline combination of EIG, simple gradients, or Deep SHAP) has been
run through Algorithm 1 (:func:`eigflow.significance.significance`) on meta-features, giving
one significance table per method for the class of interest (exons differentially included
in hippocampus) and one for the calibration contrast (a random set against a second random
set). This module turns those tables into tidy DataFrames, one per figure:

- counts of significant meta-features per method, beside the counts the paper's text states
  (Fig. 3a-d, S7): :func:`count_table`;
- enrichment of known regulatory meta-features along each method's ranking (Fig. 3e, S10):
  :func:`enrichment_curve`, :func:`enrichment_table`, :func:`best_methods`;
- predictive power of the significant meta-features (Fig. 3f, 3g): :func:`auc_curve`,
  :func:`method_auc`;
- overlap between methods' significant sets (S8): :func:`overlap_table`, :func:`only_in`;
- calibration of the p-values (S9): :func:`calibration_table`, :func:`pvalue_table`;
- recovery of the simulation's planted regulatory meta-features, by the model and by each
  method: :func:`mean_abs_attribution`, :func:`ground_truth_table`.
- how well the splicing model could do on the simulated data: :func:`oracle_table`.

Method ids are ``"{path}.{baseline}"`` (e.g. ``"H-L-IG.median"``), ``"simple-gradients"`` and
``"deep-shap"``.

scipy.stats and scikit-learn are imported inside the functions that use them: attribution
jobs import this module for the method names alone, and those imports would cost each job 2 s.
"""
from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from eigflow_arms.common import methods
from eigflow_arms.common.methods import DEEP_SHAP, SIMPLE_GRADIENTS
from eigflow_arms.common.methods import label as method_label
from eigflow_arms.common.methods import order as order_methods
from eigflow_arms.common.methods import parse as parse_method

from .truth import auprc, recovery_scores

__all__ = ["ALL_FEATURES", "PAPER_COUNTS", "PAPER_N_META", "panel", "count_table", "ranking",
           "enrichment_curve", "known_set", "enrichment_table", "best_methods", "fig3e_methods", "auc_curve",
           "method_auc", "overlap_table", "only_in", "calibration_table", "pvalue_table",
           "ground_truth_table", "mean_abs_attribution", "ORACLES", "sequence_change_probability",
           "oracle_table"]

log = logging.getLogger(__name__)

ALL_FEATURES = "all-features"  # the reference row of :func:`method_auc`

# Only the counts of significant meta-features that the paper's text states, as (low, high):
# low == high for an exact count; the encoded-zero count with the three nonlinear paths is
# given only as the range 354-534 ("When the encoded-zero baseline is combined with nonlinear
# paths ... (354-534)"). Every other method has no stated count.
PAPER_COUNTS: dict[str, tuple[int, int]] = {
    SIMPLE_GRADIENTS: (3, 3),
    "O-L-IG.zero": (0, 0),
    "O-N-IG.zero": (488, 488),
    "H-L-IG.zero": (85, 85),
    "H-N-IG.zero": (24, 24),
    "O-L-IG.encoded-zero": (73, 73),
    "O-L-IG.median": (621, 621),
    **{f"{path}.encoded-zero": (354, 534) for path in ("H-L-IG", "O-N-IG", "H-N-IG")},
}

PAPER_N_META = 781  # the meta-features the paper's counts are out of


def panel(name: str) -> list[str]:
    """The methods a count panel (fig3a-d, figS7) shows, in table order, read from the registries."""
    panels = {
        "fig3a": [SIMPLE_GRADIENTS, *methods.eig_methods(baselines=["zero"])],
        "fig3b": methods.eig_methods(paths=["O-L-IG"]),
        "fig3c": methods.eig_methods(baselines=["encoded-zero"]),
        "fig3d": methods.eig_methods(baselines=["median"]),
        "figS7": methods.eig_methods(),
    }
    if name not in panels:
        raise ValueError(f"unknown count panel {name!r}; panels are {', '.join(panels)}")
    return panels[name]


ENRICHMENT_COLUMNS = ["k", "overlap", "neglog10_p"]
AUC_C = 1.0  # inverse L2 strength of the logistic regressions (fixed: no tuning on the test rows)


# --- tables over methods ----------------------------------------------------------------------

def _methods(significance: Mapping[str, pd.DataFrame], methods) -> list[str]:
    """The requested methods (default: all tables'), in table order; each must have a table."""
    methods = order_methods(significance if methods is None else methods)
    missing = [m for m in methods if m not in significance]
    if missing:
        raise ValueError(f"no significance table for method(s) {missing}; tables exist for "
                         f"{order_methods(significance)}")
    return methods


def _significant(table: pd.DataFrame) -> set:
    return set(table.loc[table["significant"].astype(bool), "feature"])


# --- Fig. 3a-d, S7: counts -------------------------------------------------------------------

def count_table(significance: Mapping[str, pd.DataFrame], methods=None) -> pd.DataFrame:
    """Significant meta-features per method, with the paper's stated count (Fig. 3a-d, S7).

    Parameters
    ----------
    significance : dict of str -> DataFrame
        Method id -> Algorithm 1 table (:data:`eigflow.significance.COLUMNS`).
    methods : sequence of str, optional
        Methods to report (default: every table), returned in table order (:func:`eigflow_arms.common.methods.order`).

    Returns
    -------
    DataFrame
        One row per method: ``method``, ``label``, ``path``, ``baseline`` (None for simple
        gradients and Deep SHAP), ``n_significant``, ``n_tested``, ``paper_count`` (the text's
        statement, "85" or "354-534"; NaN where it states none), ``paper_low`` and
        ``paper_high`` (the same as numbers).
    """
    rows = []
    for method in _methods(significance, methods):
        table = significance[method]
        low, high = PAPER_COUNTS.get(method, (np.nan, np.nan))
        stated = np.nan if np.isnan(low) else (f"{low}" if low == high else f"{low}-{high}")
        rows.append((method, method_label(method), *parse_method(method),
                     int(table["significant"].astype(bool).sum()), len(table), stated, low, high))
    return pd.DataFrame(rows, columns=["method", "label", "path", "baseline", "n_significant",
                                       "n_tested", "paper_count", "paper_low", "paper_high"])


# --- Fig. 3e, S10: enrichment of known features ----------------------------------------------

def ranking(table: pd.DataFrame, significant_only: bool = False) -> pd.Series:
    """Meta-features ordered by their relative attribution, strongest first.

    Parameters
    ----------
    table : DataFrame
        An Algorithm 1 table.
    significant_only : bool
        Keep only the significant meta-features (each method's reported set).

    Returns
    -------
    Series
        ``mean_abs_interest`` indexed by meta-feature, descending; ties keep the table's order.
    """
    if significant_only:
        table = table[table["significant"].astype(bool)]
    scores = pd.Series(table["mean_abs_interest"].to_numpy(), index=pd.Index(table["feature"], name="feature"),
                       name="mean_abs_interest")
    return scores.sort_values(ascending=False, kind="stable")


def enrichment_curve(ranked: Sequence, known: set, universe: int) -> pd.DataFrame:
    """Hypergeometric enrichment of ``known`` among the top k of ``ranked``, for every k.

    The p-value of an overlap x between the top k and the K known meta-features out of N is
    P(X >= x) for X ~ Hypergeometric(N, K, k), computed on the log scale so that it does not
    underflow for strong enrichment.

    Parameters
    ----------
    ranked : sequence
        Distinct meta-features, strongest first (see :func:`ranking`).
    known : set
        The known (regulatory) meta-features, all within the universe.
    universe : int
        N, the number of meta-features tested.

    Returns
    -------
    DataFrame
        One row per k = 1..len(ranked): ``k``, ``overlap`` and ``neglog10_p`` (-log10 P(X >= x)).
    """
    from scipy import stats
    ranked = list(ranked)
    if len(set(ranked)) != len(ranked):
        raise ValueError("`ranked` repeats meta-features; each must appear once")
    if not len(ranked) <= universe or not len(known) <= universe:
        raise ValueError(f"`universe` ({universe}) must be at least the {len(ranked)} ranked and the "
                         f"{len(known)} known meta-features")
    k = np.arange(1, len(ranked) + 1)
    overlap = np.cumsum([feature in known for feature in ranked], dtype=np.int64)
    # sf(x - 1) = P(X >= x); max with 0 turns -0.0 (overlap 0, p = 1) into 0.
    neglog10_p = np.maximum(-stats.hypergeom.logsf(overlap - 1, universe, len(known), k) / np.log(10), 0.0)
    return pd.DataFrame({"k": k, "overlap": overlap, "neglog10_p": neglog10_p})


def known_set(known: pd.DataFrame) -> set:
    """The meta-features flagged ``known`` in a known-features table (meta_feature, p, neglog_p, known)."""
    return set(known.loc[known["known"].astype(bool), "meta_feature"])


def enrichment_table(significance: Mapping[str, pd.DataFrame], known: pd.DataFrame, methods=None,
                     significant_only: bool = True) -> pd.DataFrame:
    """:func:`enrichment_curve` of every method, in long form (Fig. 3e, S10).

    Parameters
    ----------
    significance : dict of str -> DataFrame
        Method id -> Algorithm 1 table.
    known : DataFrame
        Columns ``meta_feature`` and ``known`` (bool).
    methods : sequence of str, optional
        Default: every table.
    significant_only : bool
        Rank each method's significant meta-features only (the paper's "reported features");
        otherwise every tested meta-feature.

    Returns
    -------
    DataFrame
        Columns ``method``, ``label``, ``k``, ``overlap``, ``neglog10_p``; a method with no
        significant meta-feature has no row.
    """
    known = known_set(known)
    curves = []
    for method in _methods(significance, methods):
        table = significance[method]
        curve = enrichment_curve(ranking(table, significant_only).index, known & set(table["feature"]),
                                 len(table))
        curves.append(curve.assign(method=method, label=method_label(method)))
    return pd.concat(curves, ignore_index=True)[["method", "label", *ENRICHMENT_COLUMNS]]


def best_methods(curves: pd.DataFrame, baseline: str, n: int = 2) -> list[str]:
    """The ``n`` methods with ``baseline`` whose enrichment curve peaks highest.

    Parameters
    ----------
    curves : DataFrame
        :func:`enrichment_table` output.
    baseline : str
        One of :data:`eigflow.baselines.BASELINES`.
    n : int
        How many to return (fewer when fewer methods have a curve).

    Returns
    -------
    list of str
        Method ids, highest maximum -log10 p first; ties in table order (:func:`eigflow_arms.common.methods.order`).
    """
    peaks = curves.groupby("method")["neglog10_p"].max()
    candidates = [m for m in order_methods(peaks.index) if m in methods.names() and parse_method(m)[1] == baseline]
    return sorted(candidates, key=lambda m: -peaks[m])[:n]


def fig3e_methods(curves: pd.DataFrame, n: int = 2) -> list[str]:
    """Fig. 3e's methods: the best ``n`` encoded-zero, the best ``n`` median, and Deep SHAP (if present)."""
    deep_shap = [DEEP_SHAP] if DEEP_SHAP in set(curves["method"]) else []
    return best_methods(curves, "encoded-zero", n) + best_methods(curves, "median", n) + deep_shap


# --- Fig. 3f, 3g: predictive power -------------------------------------------------------------

def _check_task(x, meta_table: pd.DataFrame, labels, train, test):
    x = np.asarray(x, dtype=np.float32)
    labels, train, test = (np.asarray(a, dtype=bool) for a in (labels, train, test))
    if x.ndim != 2:
        raise ValueError(f"`x` must be (events, features); got shape {x.shape}")
    if len(meta_table) != x.shape[1]:
        raise ValueError(f"`meta_table` has {len(meta_table)} rows but `x` has {x.shape[1]} feature "
                         "columns; it must give the meta_feature of each column, in order")
    for name, array in (("labels", labels), ("train", train), ("test", test)):
        if array.shape != (len(x),):
            raise ValueError(f"`{name}` must have one entry per event ({len(x)}); got shape {array.shape}")
    for name, mask in (("train", train), ("test", test)):
        if len(np.unique(labels[mask])) < 2:
            raise ValueError(f"the `{name}` rows hold only one class of `labels`; the AUC needs both")
    return x, labels, train, test


def _member_columns(codes: np.ndarray, meta: pd.Index, chosen) -> np.ndarray:
    """Column indices of the features whose meta-feature is in ``chosen``."""
    index = meta.get_indexer(pd.Index(chosen))
    if (index < 0).any():
        unknown = list(pd.Index(chosen)[index < 0][:5])
        raise ValueError(f"meta-feature(s) {unknown} are not in `meta_table`'s meta_feature column")
    return np.flatnonzero(np.isin(codes, index))


def _subset_auc(x, labels, train, test, columns) -> float:
    """Test AUC-ROC of a standardised logistic regression on ``columns`` of ``x``; NaN for none."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler
    if columns.size == 0:
        return np.nan
    model = make_pipeline(StandardScaler(), LogisticRegression(C=AUC_C, max_iter=2000))
    # Small dense problems: threaded BLAS spends more time syncing than computing.
    with threadpool_limits(limits=1, user_api="blas"):
        model.fit(x[train][:, columns], labels[train])
        return float(roc_auc_score(labels[test], model.decision_function(x[test][:, columns])))


def auc_curve(x, meta_table: pd.DataFrame, labels, train, test, ranked_meta: Sequence,
              sizes: Sequence[int], repeats: int = 5, seed: int = 0) -> pd.DataFrame:
    """AUC-ROC as meta-features are added: top of a ranking vs random meta-features (Fig. 3f).

    The paper trains a feed-forward network; a standardised L2 logistic regression (lbfgs,
    deterministic, fixed C) stands in so that the curve reflects the features rather than the
    training run.

    Parameters
    ----------
    x : (n, d) array
        Features of the events, in [0, 1].
    meta_table : DataFrame
        ``meta_feature`` of each of the d columns of ``x``, in column order.
    labels : (n,) bool array
        Differentially included in hippocampus.
    train, test : (n,) bool arrays
        Rows to fit on and rows to score.
    ranked_meta : sequence
        Meta-features, strongest first (e.g. ``ranking(table, significant_only=True).index``).
    sizes : sequence of int
        Numbers of meta-features n >= 1; a size above ``len(ranked_meta)`` gets random rows only.
    repeats : int
        Random draws per size (meta-features without replacement, among all of them).
    seed : int
        Seeds the draws (``np.random.default_rng(seed)``).

    Returns
    -------
    DataFrame
        Columns ``n_meta``, ``selection`` ('significant' or 'random'), ``repeat`` (0 for
        'significant') and ``auc``; each model uses every member feature of its meta-features.
    """
    x, labels, train, test = _check_task(x, meta_table, labels, train, test)
    codes, meta = pd.factorize(meta_table["meta_feature"])
    meta = pd.Index(meta)
    ranked = list(ranked_meta)
    rng = np.random.default_rng(seed)
    rows = []
    for done, size in enumerate(map(int, sizes), 1):
        if not 1 <= size <= len(meta):
            raise ValueError(f"size {size} must be between 1 and the {len(meta)} meta-features")
        if size <= len(ranked):
            rows.append((size, "significant", 0,
                         _subset_auc(x, labels, train, test, _member_columns(codes, meta, ranked[:size]))))
        for repeat in range(repeats):
            drawn = meta[rng.choice(len(meta), size, replace=False)]
            rows.append((size, "random", repeat,
                         _subset_auc(x, labels, train, test, _member_columns(codes, meta, drawn))))
        log.info("auc_curve %d/%d sizes (n_meta = %d)", done, len(sizes), size)
    return pd.DataFrame(rows, columns=["n_meta", "selection", "repeat", "auc"])


def method_auc(x, meta_table: pd.DataFrame, labels, train, test,
               significance: Mapping[str, pd.DataFrame], methods=None) -> pd.DataFrame:
    """AUC-ROC of one model per method on its significant meta-features (Fig. 3g).

    Parameters
    ----------
    x, meta_table, labels, train, test
        As in :func:`auc_curve`.
    significance : dict of str -> DataFrame
        Method id -> Algorithm 1 table.
    methods : sequence of str, optional
        Default: every table.

    Returns
    -------
    DataFrame
        Columns ``method``, ``label``, ``n_significant`` and ``auc`` (NaN when the method finds
        nothing), in table order (:func:`eigflow_arms.common.methods.order`), then a reference row ``"all-features"`` whose model
        uses every meta-feature.
    """
    x, labels, train, test = _check_task(x, meta_table, labels, train, test)
    codes, meta = pd.factorize(meta_table["meta_feature"])
    meta = pd.Index(meta)
    rows = []
    for method in _methods(significance, methods):
        table = significance[method]
        chosen = table.loc[table["significant"].astype(bool), "feature"]
        rows.append((method, method_label(method), len(chosen),
                     _subset_auc(x, labels, train, test, _member_columns(codes, meta, chosen))))
    rows.append((ALL_FEATURES, "all features", len(meta),
                 _subset_auc(x, labels, train, test, np.arange(x.shape[1]))))
    return pd.DataFrame(rows, columns=["method", "label", "n_significant", "auc"])


# --- S8: overlap ------------------------------------------------------------------------------

def overlap_table(significance: Mapping[str, pd.DataFrame], methods=None) -> pd.DataFrame:
    """Shared significant meta-features between every two methods (supp. S8).

    Returns
    -------
    DataFrame
        One row per ordered pair (diagonal included), in table order (:func:`eigflow_arms.common.methods.order`): ``method_a``,
        ``method_b``, ``n_a``, ``n_b``, ``shared`` and ``jaccard`` (shared / union; NaN when
        both sets are empty).
    """
    methods = _methods(significance, methods)
    sets = [_significant(significance[m]) for m in methods]
    sizes = np.array([len(s) for s in sets])
    shared = np.array([[len(a & b) for b in sets] for a in sets], dtype=np.int64).reshape(len(sets), len(sets))
    union = sizes[:, None] + sizes[None, :] - shared
    jaccard = np.where(union > 0, shared / np.maximum(union, 1), np.nan)
    v = len(methods)
    return pd.DataFrame({"method_a": np.repeat(methods, v), "method_b": np.tile(methods, v),
                         "n_a": np.repeat(sizes, v), "n_b": np.tile(sizes, v),
                         "shared": shared.reshape(-1), "jaccard": jaccard.reshape(-1)})


def only_in(significance: Mapping[str, pd.DataFrame], group_a: Sequence[str],
            group_b: Sequence[str]) -> tuple[int, int]:
    """How many of group A's significant meta-features no method of group B finds.

    The paper's "only 4/534" statement: A = the encoded-zero methods, B = the group-specific
    baselines' methods.

    Returns
    -------
    (n_only, n_union) : tuple of int
        Meta-features significant for some method of A and for none of B, and the size of
        the union of A's significant sets.
    """
    union_a = set().union(*(_significant(significance[m]) for m in _methods(significance, group_a)))
    union_b = set().union(*(_significant(significance[m]) for m in _methods(significance, group_b)))
    return len(union_a - union_b), len(union_a)


# --- S9: calibration --------------------------------------------------------------------------

def calibration_table(calibration: Mapping[str, pd.DataFrame], methods=None) -> pd.DataFrame:
    """Calibration of the random-vs-random contrast per method (supp. S9).

    Under the null, p-values are uniform on [0, 1]: the Kolmogorov-Smirnov test measures how
    far they are from it and no meta-feature should be significant.

    Returns
    -------
    DataFrame
        One row per method: ``method``, ``label``, ``n_significant``, ``n_tested``,
        ``ks_statistic`` and ``ks_p`` (two-sided KS test of the unadjusted p against U(0, 1)).
    """
    from scipy import stats
    rows = []
    for method in _methods(calibration, methods):
        table = calibration[method]
        ks = stats.kstest(table["p"].to_numpy(dtype=np.float64), "uniform")
        rows.append((method, method_label(method), int(table["significant"].astype(bool).sum()),
                     len(table), float(ks.statistic), float(ks.pvalue)))
    return pd.DataFrame(rows, columns=["method", "label", "n_significant", "n_tested",
                                       "ks_statistic", "ks_p"])


def pvalue_table(calibration: Mapping[str, pd.DataFrame], methods=None) -> pd.DataFrame:
    """Unadjusted p-values of the calibration contrast in long form: ``method``, ``feature``, ``p``."""
    return pd.concat([calibration[m][["feature", "p"]].assign(method=m) for m in _methods(calibration, methods)],
                     ignore_index=True)[["method", "feature", "p"]]


# --- the simulation's planted truth --------------------------------------------------------------

GROUND_TRUTH_COLUMNS = ["method", "label", "n_significant", "true_positives", "precision", "recall",
                        "f1", "auprc_t", "chance_auprc", "auprc_model_use", "auprc_mean_abs", "n_shared",
                        "shared_significant", "auprc_mean_abs_vs_use", "auprc_t_vs_use",
                        "chance_auprc_vs_use", "spearman_mean_abs_use", "spearman_t_use"]


def mean_abs_attribution(attributions: np.ndarray, groups) -> pd.Series:
    """Mean over samples of |summed attribution| per meta-feature, grouped as Algorithm 1
    groups them (:func:`eigflow.significance.group_features`), whatever reading of the test
    later normalises or ranks them; indexed by meta-feature in order of first appearance."""
    from eigflow.significance import group_features

    labels, summed = group_features(np.asarray(attributions).reshape(len(attributions), -1), groups)
    return pd.Series(np.abs(summed).mean(axis=0), index=pd.Index(labels, name="meta_feature"),
                     name="mean_abs")


def _aligned(scores: pd.Series, features: pd.Series, what: str) -> np.ndarray:
    """``scores`` of ``features``, in their order; every feature must have one."""
    values = scores.reindex(features.to_numpy())
    if values.isna().any():
        raise ValueError(f"{what} has no score for meta-feature {features[values.isna().to_numpy()].iloc[0]!r}; "
                         "build it from the same meta-feature table as the significance tables")
    return values.to_numpy(dtype=np.float64)


def _spearman(a: np.ndarray, b: np.ndarray) -> float:
    from scipy.stats import rankdata, spearmanr

    # Ranked first: Algorithm 1's t may be +-inf.
    return float(spearmanr(rankdata(a), rankdata(b)).statistic)


def ground_truth_table(significance: Mapping[str, pd.DataFrame], truth: pd.DataFrame | None,
                       model_use: pd.DataFrame | None = None, mean_abs: Mapping[str, pd.Series] | None = None,
                       methods=None) -> pd.DataFrame:
    """Recovery of the planted program by each method, apart from the model's own use of it.

    Three rankings of the tested meta-features are scored against the planted program: (i)
    the model's use of each (:mod:`eigflow_arms.splicing.model_use`; one per model, so the
    same in every row), (ii) the method's mean |attribution| over the class of interest and
    (iii) Algorithm 1's t, which the significant set thresholds. (ii) and (iii) are also
    scored against (i): whether the attribution sees what the model uses, whatever the model
    learnt of the program. Meta-features ``shared`` in the truth table are neither positives
    nor negatives of the program's scores (:mod:`eigflow_arms.splicing.truth`).

    Parameters
    ----------
    significance : dict of str -> DataFrame
        Method id -> Algorithm 1 table (its ``t`` and ``significant``, whatever reading of
        the test produced them).
    truth : DataFrame or None
        Columns ``meta_feature``, ``truth`` and ``shared`` (bool). None for real data, where
        there is no ground truth: the table comes back empty and the other inputs are unused.
    model_use : DataFrame
        Columns ``meta_feature``, ``model_use`` (:func:`~eigflow_arms.splicing.model_use.model_use`).
    mean_abs : dict of str -> Series
        Method id -> :func:`mean_abs_attribution` of its class of interest.
    methods : sequence of str, optional
        Default: every table.

    Returns
    -------
    DataFrame
        One row per method, columns ``GROUND_TRUTH_COLUMNS``:

        - ``n_significant``, ``true_positives``, ``precision``, ``recall``, ``f1``,
          ``auprc_t`` (:func:`~eigflow_arms.splicing.truth.recovery_scores` with t), over the
          tested meta-features that are not shared; planted ones missing from the table count
          as missed in the recall. ``chance_auprc``: the planted fraction of them.
        - ``auprc_model_use``, ``auprc_mean_abs``: the AUPRC of (i) and (ii) on the same rows.
        - ``n_shared``: tested shared meta-features; ``shared_significant``: how many of them
          the method calls significant (counted in neither n_significant nor precision).
        - ``auprc_mean_abs_vs_use``, ``auprc_t_vs_use``: AUPRC of (ii), (iii) over every tested
          meta-feature against the top k by model use, k the number of tested planted ones;
          ``chance_auprc_vs_use`` = k / tested.
        - ``spearman_mean_abs_use``, ``spearman_t_use``: Spearman correlation of (ii), (iii)
          with (i) over every tested meta-feature.
    """
    if truth is None:
        return pd.DataFrame(columns=GROUND_TRUTH_COLUMNS)
    if model_use is None or mean_abs is None:
        raise ValueError("with a truth table, ground_truth_table needs `model_use` and `mean_abs` too")
    planted = set(truth.loc[truth["truth"].astype(bool), "meta_feature"])
    shared = set(truth.loc[truth["shared"].astype(bool), "meta_feature"])
    if not planted:
        raise ValueError("the truth table flags no meta-feature as true; precision and recall need at least one")
    use_scores = model_use.set_index("meta_feature")["model_use"]
    rows = []
    for method in _methods(significance, methods):
        table = significance[method]
        features = table["feature"]
        t = table["t"].to_numpy(dtype=np.float64)
        use = _aligned(use_scores, features, "the model-use table")
        attribution = _aligned(mean_abs[method], features, f"the mean |attribution| of {method}")
        scored = ~features.isin(shared).to_numpy()
        is_true = features.isin(planted).to_numpy()[scored]
        significant = _significant(table)
        scores = recovery_scores(significant - shared, planted, is_true, t[scored])
        k = int(features.isin(planted).sum())
        used = np.zeros(len(features), dtype=bool)
        used[np.argsort(-use, kind="stable")[:k]] = True
        rows.append((method, method_label(method), *scores, is_true.mean(),
                     auprc(is_true, use[scored]), auprc(is_true, attribution[scored]),
                     int((~scored).sum()), len(significant & shared),
                     auprc(used, attribution), auprc(used, t), used.mean(),
                     _spearman(attribution, use), _spearman(t, use)))
    return pd.DataFrame(rows, columns=GROUND_TRUTH_COLUMNS)


# --- what the simulated data allow: oracle AUCs ---------------------------------------------------

#: The oracles of :func:`oracle_table`: metric name -> what it is. Each scores the same test
#: cassette exons against the same label as the model's ``auc_differential_inclusion``.
ORACLES = {
    "auc_oracle_boosted_trees": "learned: gradient boosted trees (sklearn HistGradientBoostingClassifier, "
                                "defaults) on the planted features alone, fitted to the training cassette "
                                "exons' labels",
    "auc_oracle_program": "no learning: max over the other tissues of |planted log-odds contrast|, "
                          "sum_r (activity_r(tissue) - activity_r(other)) * regulation_r",
    "auc_oracle_sequence": "no learning: P(true |dPSI| >= threshold against some other tissue) given "
                           "the sequence (splice-site strength and planted sites), integrating the "
                           "per-event and per-tissue noise of the simulation",
}
ORACLE_DRAWS = 1000  # Monte Carlo draws of the noise per event: the AUC moves < 0.005 beyond it


def sequence_change_probability(strength, regulation, activity, tissue: int, threshold: float,
                                seed: int, draws: int = ORACLE_DRAWS) -> np.ndarray:
    """P(max over other tissues of |PSI_tissue - PSI_other| >= ``threshold``) of each cassette exon.

    The simulation's truth (:mod:`eigflow_arms.splicing.simulate`) is
    ``logit PSI_t = intercept + weight * (strength - centre) + regulation @ activity[:, t] + u + e_t``
    with a per-event effect ``u`` and per-tissue noise ``e_t``; everything but ``u`` and ``e``
    is fixed by the sequence, so this probability, by Monte Carlo over ``u`` and ``e``, is
    the best any model of the sequence can know about a change of the true PSI. The reads and
    their quantification, which decide whether MAJIQ calls the change, are left out.

    Parameters
    ----------
    strength : (n,) array
        Exon A's splice-site strength, score(3'ss) + score(5'ss).
    regulation : (n, R) array
        Each RBP's change of inclusion log-odds at full activity
        (:func:`eigflow_arms.splicing.simulate.program_regulation`).
    activity : (R, T) array
        Activity of each RBP in each tissue of the data, in the data's tissue order.
    tissue : int
        Column of ``activity`` of the tissue of interest.
    threshold : float
    seed : int
        Seeds the draws.
    draws : int

    Returns
    -------
    (n,) float array
    """
    from scipy.special import expit

    from . import program, simulate
    basal = program.BASAL
    strength, regulation, activity = (np.asarray(a, dtype=np.float64) for a in (strength, regulation, activity))
    logit = basal.intercept + basal.weight * (strength - basal.centre)[:, None] + regulation @ activity
    others = [t for t in range(activity.shape[1]) if t != tissue]
    rng = np.random.default_rng(seed)
    probability = np.empty(len(logit))
    for lo in range(0, len(logit), 256):  # bounded memory at any event count
        chunk = logit[lo:lo + 256]
        noise = (rng.normal(0.0, simulate._EVENT_SD, (draws, len(chunk), 1))
                 + rng.normal(0.0, basal.noise, (draws, *chunk.shape)))
        psi = expit(chunk + noise)
        change = np.abs(psi[:, :, [tissue]] - psi[:, :, others]).max(axis=2) >= threshold
        probability[lo:lo + 256] = change.mean(axis=0)
    return probability


def oracle_table(labels, train, test, planted_x, regulation, strength, activity, tissue: int,
                 threshold: float, seed: int) -> pd.DataFrame:
    """Test AUC-ROC of the :data:`ORACLES` on cassette exons: what the simulated data allow.

    Three references for the splicing model's ``auc_differential_inclusion``, from a learner
    that is told which features are planted up to the truth itself:

    - ``auc_oracle_boosted_trees``: boosted trees on the planted features (the motif densities
      of the regulators in their effect regions and A's splice-site scores) -- a learner that
      knows which of the features matter, with the labels the code network never sees;
    - ``auc_oracle_program``: the planted program's log-odds contrast between the tissue and
      its most different other tissue, which ignores the basal inclusion that sets how far a
      log-odds change moves PSI;
    - ``auc_oracle_sequence``: :func:`sequence_change_probability`, the program plus basal
      inclusion plus the simulation's noise model; its gap to 1 is the read sampling and the
      MAJIQ call.

    Parameters
    ----------
    labels, train, test : (n,) bool arrays
        The class of interest and the split, over cassette exons (:func:`eigflow_arms.splicing.arm.prediction_task`).
    planted_x : (n, p) array
        The planted features of the same exons.
    regulation, strength, activity, tissue, threshold
        As :func:`sequence_change_probability`.
    seed : int
        Seeds the trees and the draws.

    Returns
    -------
    DataFrame
        One row per oracle: ``metric``, ``n_changing``, ``n_unchanged`` (test exons of each
        class), ``auc`` and ``description`` (:data:`ORACLES`).
    """
    from sklearn.ensemble import HistGradientBoostingClassifier
    from sklearn.metrics import roc_auc_score
    labels, train, test = (np.asarray(a, dtype=bool) for a in (labels, train, test))
    regulation, strength, activity, planted_x = (np.asarray(a, dtype=np.float64)
                                                  for a in (regulation, strength, activity, planted_x))
    with threadpool_limits(limits=1):
        trees = HistGradientBoostingClassifier(random_state=seed).fit(planted_x[train], labels[train])
        scores = {"auc_oracle_boosted_trees": trees.predict_proba(planted_x[test])[:, 1]}
    others = [t for t in range(activity.shape[1]) if t != tissue]
    contrast = regulation[test] @ (activity[:, [tissue]] - activity[:, others])
    scores["auc_oracle_program"] = np.abs(contrast).max(axis=1)
    scores["auc_oracle_sequence"] = sequence_change_probability(strength[test], regulation[test], activity,
                                                                tissue, threshold, seed)
    return pd.DataFrame([{"metric": metric, "n_changing": int(labels[test].sum()),
                          "n_unchanged": int((~labels[test]).sum()),
                          "auc": float(roc_auc_score(labels[test], scores[metric])),
                          "description": ORACLES[metric]} for metric in ORACLES])
