"""The liver exon sets of paper Fig. 4 and supp. S11/S12 ("Analysis of liver alternative events").

From the pairwise dPSI of every tissue pair (MAJIQ ``deltapsi``; a pair *changes* when
P(|dPSI| >= ``dpsi_min``) >= ``probability`` and |E[dPSI]| >= ``dpsi_min``, the call of
:func:`changing_calls`), over cassette exons only:

* ``changing`` -- changing between the liver and at least ``min_tissues`` of the other
  tissues (paper: 243 exons); ``increased`` / ``decreased`` split it by the direction of
  most of those changes (higher / lower inclusion in the liver; ties go by the summed dPSI);
* ``other_alternative`` -- changing in at least ``min_tissues`` pairwise comparisons among
  the non-liver tissues and in no liver comparison (paper: 382);
* ``non_changing`` -- confidently unchanged in every liver comparison: P(|dPSI| >=
  ``dpsi_min``) <= ``non_changing_max`` in each (paper: 8,426 "not changing in any of the
  comparisons of the liver"). The paper gives no probability; a low one keeps exons whose
  quantification is too uncertain to call either way out of the reference set, and it needs
  only P(change), which both the dataset arrays and the voila files hold.

``quantified`` marks cassette exons with a finite dPSI in every liver comparison: the
universe of the sets (and of the Fig. 4e overlap).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from eigflow_arms.splicing import majiq
from eigflow_arms.splicing.majiq import changing_calls

__all__ = ["SETS", "SET_LABELS", "SET_COLORS", "set_label", "liver_sets", "liver_sets_from_voila", "sets_table",
           "overlap_test"]

log = logging.getLogger(__name__)

SETS = ("changing", "increased", "decreased", "other_alternative", "non_changing", "quantified")

# The knockout's sets (eigflow_arms.liver.knockout.knockout_sets) are here too: Fig. 4 and
# supp. S11/S12 draw both kinds side by side, and one table keeps every panel naming and
# colouring a set the same way. Labels follow the paper's wording, {rbp} the liver's regulator
# (eigflow_arms.liver.regulator; the paper's A1CF): set_label fills it in.
SET_LABELS = {"changing": "liver alternative", "increased": "liver included",
              "decreased": "liver excluded", "other_alternative": "alternative in other tissues",
              "non_changing": "non-changing in liver", "regulated": "{rbp}-regulated",
              "enhanced": "{rbp}-enhanced", "repressed": "{rbp}-repressed",
              "non_regulated": "{rbp} non-regulated"}
# The colours the paper's text names: liver alternative orange against A1CF-regulated cyan
# (Fig. 4c) and other tissues' blue (S11a); included and enhanced red, excluded and repressed
# blue (S12c). The references are grey.
SET_COLORS = {"changing": "#e66101", "increased": "#d7301f", "decreased": "#2166ac",
              "other_alternative": "#4393c3", "non_changing": "#969696",
              "regulated": "#01a9b4", "enhanced": "#8c2d04", "repressed": "#08306b",
              "non_regulated": "#252525"}



def set_label(name: str, rbp: str) -> str:
    """A set's label in the figures, with the liver's regulator ``rbp`` named."""
    return SET_LABELS.get(name, name).format(rbp=rbp)


def liver_sets(dpsi: np.ndarray, p_change: np.ndarray, event_type, tissues, tissue: str = "liver",
               dpsi_min: float = 0.2, probability: float = 0.9, min_tissues: int = 2,
               non_changing_max: float = 0.1) -> dict[str, np.ndarray]:
    """The exon sets of one tissue (see the module docstring).

    Parameters
    ----------
    dpsi : (n, T, T) array
        dpsi[i, a, b] = E[PSI_a - PSI_b] (:func:`eigflow_arms.splicing.majiq.event_dpsi`, or the
        dataset's ``dpsi``); NaN where unquantified.
    p_change : (n, T, T) array
        P(|dPSI| >= dpsi_min) of each pair.
    event_type : (n,) array of str
        ``cassette`` or ``constitutive``; only cassette exons enter a set.
    tissues : sequence of str
        The T tissues, in the arrays' order.
    tissue : str
    dpsi_min, probability : float
        The changing call: |E[dPSI]| >= dpsi_min with P(|dPSI| >= dpsi_min) >= probability.
    min_tissues : int
        Comparisons an exon must change in (paper: 2).
    non_changing_max : float
        Highest P(|dPSI| >= dpsi_min) of a liver comparison in the ``non_changing`` set.

    Returns
    -------
    dict
        name -> (n,) bool mask, for every name of :data:`SETS`.
    """
    tissues = [str(t) for t in tissues]
    if tissue not in tissues:
        raise ValueError(f"tissue {tissue!r} is not among the quantified tissues {tissues}")
    if dpsi.shape != p_change.shape or dpsi.shape[1:] != (len(tissues), len(tissues)):
        raise ValueError(f"dpsi {dpsi.shape} and p_change {p_change.shape} must both be "
                         f"(n, {len(tissues)}, {len(tissues)}) for tissues {tissues}")
    t = tissues.index(tissue)
    others = [k for k in range(len(tissues)) if k != t]
    cassette = np.asarray(event_type) == "cassette"
    calls = changing_calls(dpsi, p_change, dpsi_min, probability)
    liver = calls[:, t, others]                                                        # (n, T-1)
    quantified = (cassette & np.isfinite(dpsi[:, t, others]).all(axis=1)
                  & np.isfinite(p_change[:, t, others]).all(axis=1))
    changing = cassette & (liver.sum(axis=1) >= min_tissues)
    up = (liver & (dpsi[:, t, others] > 0)).sum(axis=1)
    down = (liver & (dpsi[:, t, others] < 0)).sum(axis=1)
    summed = np.where(liver, dpsi[:, t, others], 0.0).sum(axis=1)
    higher = (up > down) | ((up == down) & (summed > 0))
    # Each pair of non-liver tissues once (upper triangle).
    a, b = np.triu_indices(len(others), k=1)
    between_others = calls[:, np.array(others)[a], np.array(others)[b]].sum(axis=1)
    sets = {
        "changing": changing,
        "increased": changing & higher,
        "decreased": changing & ~higher,
        "other_alternative": quantified & ~liver.any(axis=1) & (between_others >= min_tissues),
        "non_changing": quantified & (p_change[:, t, others] <= non_changing_max).all(axis=1),
        "quantified": quantified,
    }
    log.info("%s exon sets over %d cassette exons (%d quantified in every %s comparison): %s",
             tissue, cassette.sum(), quantified.sum(), tissue,
             ", ".join(f"{name} {mask.sum()}" for name, mask in sets.items() if name != "quantified"))
    return sets


def liver_sets_from_voila(events: pd.DataFrame, majiq_dir, tissues, **options) -> dict[str, np.ndarray]:
    """:func:`liver_sets` straight from a folder of voila deltapsi TSVs (one per tissue pair);
    ``options`` are :func:`liver_sets`'s keyword arguments."""
    dpsi, p_change, _ = majiq.event_dpsi(events, majiq_dir, tissues)
    return liver_sets(dpsi, p_change, events.event_type.to_numpy(), tissues, **options)


def sets_table(event_ids, sets: dict[str, np.ndarray]) -> pd.DataFrame:
    """One row per event: event_id and a bool column per set."""
    return pd.DataFrame({"event_id": np.asarray(event_ids, dtype=str),
                         **{name: np.asarray(mask, bool) for name, mask in sets.items()}})


def overlap_test(set_a, set_b, universe) -> dict:
    """Overlap of two exon sets within ``universe`` (paper Fig. 4e: liver-alternative and
    A1CF-regulated exons, among exons quantified in both experiments), with a two-tailed
    Fisher's exact test; all arguments (n,) bool masks.

    Returns
    -------
    dict
        a_only, both, b_only, neither (counts within the universe), odds_ratio, p.
    """
    universe = np.asarray(universe, bool)
    a, b = np.asarray(set_a, bool) & universe, np.asarray(set_b, bool) & universe
    counts = {"a_only": int((a & ~b).sum()), "both": int((a & b).sum()), "b_only": int((~a & b).sum()),
              "neither": int((universe & ~a & ~b).sum())}
    from scipy.stats import (
        fisher_exact,  # 1 s to import; attribution jobs load this module
    )

    odds, p = fisher_exact([[counts["both"], counts["a_only"]], [counts["b_only"], counts["neither"]]],
                           alternative="two-sided")
    log.info("overlap in %d exons: %d only in the first set, %d in both, %d only in the second; "
             "odds ratio %.2f, Fisher p = %.3g", universe.sum(), counts["a_only"], counts["both"],
             counts["b_only"], odds, p)
    return {**counts, "odds_ratio": float(odds), "p": float(p)}
