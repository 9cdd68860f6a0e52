"""The exons and stretches the examples figure shows: for each contrast, the test exon whose
``SPAN``-nt stretch of one window holds the most functional sites of the contrast's regulators,
attributed by the toolbox's reference methods and by the best EIG variant of the ground truth."""
from __future__ import annotations

import numpy as np
import pandas as pd

from eigflow_arms.common import methods

from .data import WIDTH, WINDOWS

SPAN = 60
# The toolbox methods every reader knows, shown where the run computed them.
REFERENCE_METHODS = (methods.ISM, methods.DEEPLIFT_SHAP, methods.CAPTUM_IG)


def densest_stretch(truth: np.ndarray, span: int = SPAN) -> tuple[int, int]:
    """(sequence, first column) of the ``span`` columns inside one window with the most True."""
    s, length = truth.shape
    starts = np.array([w * WIDTH + o for w in range(length // WIDTH) for o in range(WIDTH - span + 1)])
    csum = np.concatenate([np.zeros((s, 1)), truth.cumsum(axis=1)], axis=1)
    counts = csum[:, starts + span] - csum[:, starts]
    i, j = np.unravel_index(np.argmax(counts), counts.shape)
    return int(i), int(starts[j])


def shown_methods(arrays: dict, scores: pd.DataFrame) -> list[str]:
    """The reference methods the run has, then the EIG method of highest mean AUROC."""
    eig = scores[[methods.parse(m)[0] is not None for m in scores.method]]
    best = [eig.sort_values("auroc", ascending=False).method.iloc[0]] if len(eig) else []
    return [m for m in REFERENCE_METHODS if m in arrays] + best


def panels(contrast, data: dict, program, scores: pd.DataFrame) -> tuple[list[dict], pd.DataFrame]:
    """The figure's panels for one contrast (:func:`eigflow_arms.sequence.figures.examples`) and
    the table behind them (method, event, window, position, base, attribution, site)."""
    rbps = list(data["rbp"])
    regulators = [rbps.index(r) for r in program.differential_rbps(contrast.tissue)]
    truth = contrast.sites[:, regulators].any(axis=1)
    i, start = densest_stretch(truth)
    window = WINDOWS[start // WIDTH]
    columns = np.arange(start, start + SPAN)
    bases = np.array(list("ACGUN"))[np.where(contrast.x[i].sum(0) > 0, contrast.x[i].argmax(0), 4)]
    out, rows = [], []
    for method in shown_methods(contrast.arrays, scores):
        heights = (contrast.arrays[method]["attributions"][i] * contrast.x[i])[:, columns].T
        out.append({"title": f"{contrast.tissue}, exon {contrast.event_id[i]}, {window}: {methods.label(method)}",
                    "heights": heights, "start": int(data["position"][start]), "sites": truth[i, columns]})
        rows.append(pd.DataFrame({"method": method, "event_id": contrast.event_id[i], "window": window,
                                  "position": data["position"][columns], "base": bases[columns],
                                  "attribution": heights.sum(axis=1), "site": truth[i, columns]}))
    return out, pd.concat(rows, ignore_index=True)
