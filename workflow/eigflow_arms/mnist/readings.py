"""The readings of Algorithm 1 compared on the MNIST arm's attributions (figure ``mnist_readings``).

Every reading (:func:`eigflow_arms.common.readings.grid`) is computed on the same shards:
the pixels it calls significant in Figs. 2a-c, Fig. 2d's share of pixels and accuracy loss
for every reference digit, and, on Fig. 2a's experiment, supp. S6's dead pixels (their median
p and the share called significant), supp. S5's random-vs-random false calls and the
significant pixels with no significant neighbour (isolated pixels: the "corners" of a reading
that detects the output's scale rather than the digit).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from eigflow_arms.common.readings import Reading

from . import arm
from .pixels import dead_pixels

__all__ = ["isolated_pixels", "readings_table", "PAPER"]

# Fig. 2d: "0.00 to 1.44% loss in accuracy while using 8 to 20% of all pixels"; supp. S6:
# dead pixels "with p-values around 0.5".
PAPER = {"pct_pixels": (8.0, 20.0), "accuracy_loss_pct": (0.0, 1.44), "dead_median_p": 0.5}


def isolated_pixels(significant) -> int:
    """Significant pixels of a 28 x 28 map none of whose 8 neighbours is significant."""
    grid = np.pad(np.asarray(significant, dtype=bool).reshape(28, 28), 1)
    neighbours = sum(np.roll(np.roll(grid, dr, 0), dc, 1)
                     for dr in (-1, 0, 1) for dc in (-1, 0, 1) if dr or dc)
    return int((grid & (neighbours == 0)).sum())


def _pixels(table: pd.DataFrame, patch: int) -> np.ndarray:
    return arm.pixel_significance(table, patch).significant.to_numpy(dtype=bool)


def readings_table(data: dict, sets: dict, figures: dict, fig2d: dict, patches: dict, digit: int,
                   classifier: str, seed: int, readings: list[Reading], chosen: Reading) -> pd.DataFrame:
    """Every reading's numbers on the MNIST arm.

    Parameters
    ----------
    data : dict
        The prepared images (``x_train``, ``y_train``, ``x_test``, ``y_test``).
    sets : dict
        Experiment id -> its attributed sets (:func:`eigflow_arms.common.stage.attributions`).
    figures : dict
        Figure (fig2a, fig2b, fig2c) -> experiment id; fig2a's also gives S5 and S6.
    fig2d : dict
        Reference digit -> the experiment of Fig. 2d's bar.
    patches : dict
        Experiment id -> patch side of its meta-features (1: pixels).
    digit, classifier, seed
        Fig. 2d's class of interest, pixel classifier and seed.
    readings : list of Reading
    chosen : Reading
        The configuration's reading, flagged in the ``chosen`` column.

    Returns
    -------
    DataFrame
        One row per reading and panel (fig2a-c, and fig2d per reference digit): the reading's
        three values, ``chosen``, ``figure``, ``baseline_digit`` (fig2d), ``pct_pixels``,
        ``isolated_pixels``, ``accuracy_loss_pct`` (fig2d), and on fig2a's row
        ``dead_median_p``, ``dead_pct_significant`` and ``calibration_false_calls``.
    """
    dead = dead_pixels(data["x_train"])
    rows = []
    for reading in readings:
        base = {**reading.as_dict(), "label": reading.label, "chosen": reading == chosen}

        def test(exp):
            return reading.table(sets[exp], arm.significance_groups(patches[exp]))

        for figure, exp in figures.items():
            table = test(exp)
            interest = table[table.contrast == "interest"].drop(columns="contrast")
            significant = _pixels(interest, patches[exp])
            row = {**base, "figure": figure, "pct_pixels": 100 * significant.mean(),
                   "isolated_pixels": isolated_pixels(significant)}
            if figure == "fig2a":
                p = arm.pixel_significance(interest, patches[exp]).p.to_numpy()
                calibration = table[table.contrast == "calibration"]
                row.update(dead_median_p=float(np.median(p[dead])) if dead.any() else np.nan,
                           dead_pct_significant=100 * significant[dead].mean() if dead.any() else np.nan,
                           calibration_false_calls=int(calibration.significant.sum()) if len(calibration) else np.nan)
            rows.append(row)
        significant = {}
        for other, exp in fig2d.items():
            interest = test(exp)
            significant[other] = _pixels(interest[interest.contrast == "interest"], patches[exp])
        for bar in arm.fig2d_table(data, digit, significant, classifier, seed).itertuples():
            rows.append({**base, "figure": "fig2d", "baseline_digit": bar.baseline_digit,
                         "pct_pixels": bar.pct_pixels, "isolated_pixels": isolated_pixels(significant[bar.baseline_digit]),
                         "accuracy_loss_pct": bar.accuracy_loss_pct})
    columns = ["null_target", "normalise", "alpha", "label", "chosen", "figure", "baseline_digit", "pct_pixels",
               "isolated_pixels", "accuracy_loss_pct", "dead_median_p", "dead_pct_significant",
               "calibration_false_calls"]
    return pd.DataFrame(rows).reindex(columns=columns)
