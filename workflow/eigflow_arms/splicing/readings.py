"""The readings of Algorithm 1 compared on the splicing arm's attributions (figure
``splicing_readings``).

Every reading (:func:`eigflow_arms.common.readings.grid`; the splicing model has one output,
so the null set always explains it) is computed on the same shards of every method: the
count of significant meta-features beside the paper's stated counts (Fig. 3a-d), the
random-vs-random false calls (supp. S9), and, on simulated data, recovery of the planted
program (:func:`eigflow_arms.splicing.evaluate.ground_truth_table`). Per reading, the
Spearman correlation of the counts with the seven counts the paper states exactly says
whether the reading orders the methods as the paper does.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from eigflow_arms.common.readings import Reading

from .evaluate import PAPER_COUNTS, count_table, ground_truth_table, mean_abs_attribution

__all__ = ["EXACT", "readings_table", "paper_spearman"]

# The methods whose count the paper's text states exactly (not as a range).
EXACT = [method for method, (low, high) in PAPER_COUNTS.items() if low == high]


def paper_spearman(counts: pd.DataFrame) -> float:
    """Spearman correlation of ``n_significant`` with the paper's exact counts (:data:`EXACT`)
    over the methods of ``counts`` that have one; NaN with fewer than three or no spread."""
    from scipy.stats import spearmanr

    stated = counts[counts.method.isin(EXACT)]
    if len(stated) < 3 or stated.n_significant.nunique() < 2:
        return np.nan
    return float(spearmanr(stated.n_significant, stated.paper_low).statistic)


def readings_table(sets: dict, groups, truth: pd.DataFrame | None, model_use: pd.DataFrame | None,
                   readings: list[Reading], chosen: Reading) -> pd.DataFrame:
    """Every reading's numbers on every method.

    Parameters
    ----------
    sets : dict
        Method id -> its attributed sets (:func:`eigflow_arms.common.stage.attributions`).
    groups : (d,) labels
        The meta-feature of each feature.
    truth : DataFrame or None
        The planted truth per meta-feature (``meta_feature``, ``truth``, ``shared``); None on
        real data.
    model_use : DataFrame or None
        The model's own use of each meta-feature (:mod:`eigflow_arms.splicing.model_use`), with
        ``truth``.
    readings : list of Reading
    chosen : Reading
        The configuration's reading, flagged in the ``chosen`` column.

    Returns
    -------
    DataFrame
        One row per reading and method: the reading's values, ``label``, ``chosen``,
        ``method``, ``n_significant``, ``paper_count``, ``calibration_false_calls``, the
        ground truth's ``precision``, ``recall``, ``f1``, ``auprc_t`` (NaN on real data) and the
        reading's ``paper_spearman`` (the same on each of its rows).
    """
    mean_abs = {method: mean_abs_attribution(method_sets["interest"], groups) for method, method_sets in sets.items()}
    rows = []
    for reading in readings:
        tables = {method: reading.table(method_sets, groups) for method, method_sets in sets.items()}
        interest = {m: t[t.contrast == "interest"].drop(columns="contrast") for m, t in tables.items()}
        counts = count_table(interest)
        if truth is not None:
            scores = ground_truth_table(interest, truth, model_use, mean_abs).set_index("method")
            counts = counts.join(scores[["precision", "recall", "f1", "auprc_t"]], on="method")
        false_calls = {m: int(t[t.contrast == "calibration"].significant.sum()) for m, t in tables.items()}
        counts = counts.assign(calibration_false_calls=counts.method.map(false_calls),
                               paper_spearman=paper_spearman(counts), chosen=reading == chosen,
                               label=reading.label, **reading.as_dict())
        rows.append(counts)
    columns = ["null_target", "normalise", "alpha", "label", "chosen", "method", "n_significant", "paper_count",
               "calibration_false_calls", "precision", "recall", "f1", "auprc_t", "paper_spearman"]
    return pd.concat(rows, ignore_index=True).reindex(columns=columns)
