"""The ground truth the workflow scores attribution methods against.

On real data the paper can only check a method's features against "known" ones
(:mod:`eigflow_arms.splicing.known`); the simulation knows which features carry planted signal,
from the program (:class:`eigflow_arms.splicing.program.Program`). For a tissue's class of interest
(exons differentially included in that tissue) a feature's tier is

* ``specific``: the density feature of the motif of an RBP that sets the tissue apart
  (:meth:`~eigflow_arms.splicing.program.Program.specific_rbps`), in a region where it has an effect;
* ``differential``: the same for the other RBPs that can make exons change between the
  tissue and another (:meth:`~eigflow_arms.splicing.program.Program.differential_rbps`);
* ``kmer``: a k-mer feature (k >= 3) in such an RBP's effect region that occurs inside one
  of its motif's instances (it counts the planted sites too);
* ``basal``: the alternative exon's splice-site scores, which separate alternative from
  constitutive exons in every tissue (:data:`eigflow_arms.splicing.program.BASAL`);
* ``none``: everything else, including the motifs of ubiquitous regulators and the decoys
  of :data:`eigflow_arms.splicing.features.DECOY_MOTIFS`.

A feature that several rules claim takes the first tier of ``TIERS`` and lists every RBP.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .features import kmer_in_motif

TIERS = ("specific", "differential", "kmer", "basal", "none")
BASAL_FEATURES = ("A_3ss:score", "A_5ss:score")
KMER_MIN_K = 3


def _claims(row, regulators: list) -> list[tuple[str, str]]:
    """(tier, rbp) of every rule that claims one annotation row; ``regulators``: (RBP, tier) pairs."""
    if row.feature in BASAL_FEATURES:
        return [("basal", "")]
    claims = []
    for rbp, tier in regulators:
        if row.region not in rbp.effects:
            continue
        if row.kind == "motif" and row.key == rbp.name:
            claims.append((tier, rbp.name))
        elif row.kind == "kmer" and len(row.key) >= KMER_MIN_K and kmer_in_motif(row.key, rbp.motif):
            claims.append(("kmer", rbp.name))
    return claims


def feature_truth(annotation: pd.DataFrame, program, tissue: str = "hippocampus",
                  min_change: float = 0.3) -> pd.DataFrame:
    """Tier of every feature for the class of exons differentially included in ``tissue``.

    Parameters
    ----------
    annotation : DataFrame
        Columns feature, region, kind, key (:func:`eigflow_arms.splicing.features.annotate`).
    program : Program
        The planted program (:func:`eigflow_arms.splicing.program.read_program`).
    tissue : str
    min_change : float
        Activity difference that makes an RBP differential or specific (see the program).

    Returns
    -------
    DataFrame with columns feature, rbp (comma-separated, program order; '' when none) and
    tier (one of ``TIERS``), in the annotation's order.
    """
    specific = set(program.specific_rbps(tissue, min_change))
    differential = set(program.differential_rbps(tissue, min_change))
    regulators = [(r, "specific" if r.name in specific else "differential")
                  for r in program if r.name in specific | differential]
    rows = []
    for row in annotation.itertuples(index=False):
        claims = _claims(row, regulators)
        tier = min((t for t, _ in claims), key=TIERS.index, default="none")
        rbps = ",".join(dict.fromkeys(name for _, name in claims if name))
        rows.append((row.feature, rbps, tier))
    return pd.DataFrame(rows, columns=["feature", "rbp", "tier"])


def meta_truth(feature_truth_table: pd.DataFrame, meta_table: pd.DataFrame, program) -> pd.DataFrame:
    """Truth per meta-feature: planted signal when any member's tier is not ``none``.

    Returns
    -------
    DataFrame with columns meta_feature, truth (bool), tiers and rbps (comma-separated,
    ``TIERS`` and program order), meta-features in order of first appearance.
    """
    table = meta_table[["feature", "meta_feature"]].merge(feature_truth_table, on="feature", how="left",
                                                           validate="one_to_one")
    missing = table.tier.isna()
    if missing.any():
        raise ValueError(f"feature {table.feature[missing].iloc[0]!r} of the meta-feature table has no "
                         f"truth; build both tables from the same annotation")
    order = {name: i for i, name in enumerate(program.names())}

    def summarise(group: pd.DataFrame) -> pd.Series:
        tiers = sorted(set(group.tier) - {"none"}, key=TIERS.index)
        rbps = sorted({n for names in group.rbp for n in names.split(",") if n}, key=order.get)
        return pd.Series({"truth": bool(tiers), "tiers": ",".join(tiers), "rbps": ",".join(rbps)})

    out = table.groupby("meta_feature", sort=False)[["tier", "rbp"]].apply(summarise)
    return out.reset_index()


def recovery_scores(chosen: set, planted: set, is_true: np.ndarray,
                    scores: np.ndarray) -> tuple[int, int, float, float, float, float]:
    """How well one method recovers the planted meta-features: its significant set and its ranking.

    Parameters
    ----------
    chosen : set
        The method's significant meta-features; any outside ``planted`` is a false positive.
    planted : set
        The meta-features that carry planted signal.
    is_true : (m,) bool array
        Truth of each meta-feature the ranking covers.
    scores : (m,) float array
        The method's ranking scores of the same meta-features, higher = more important
        (+-inf included: only their order counts).

    Returns
    -------
    n_significant, true_positives : int
    precision : float
        TP / n_significant; NaN for an empty ``chosen`` (undefined: it made no call; 0 would
        read as "every call wrong").
    recall : float
        TP / |planted|; NaN when nothing is planted.
    f1 : float
        2 TP / (n_significant + |planted|): 0, not NaN, for an empty ``chosen``; NaN when both
        sets are empty.
    auprc : float
        sklearn's average precision of ``scores`` against ``is_true``; NaN when no ranked
        meta-feature is true.
    """
    # Imported here: attribution jobs import the evaluation modules for method names alone.
    from scipy.stats import rankdata
    from sklearn.metrics import average_precision_score

    tp = len(chosen & planted)
    precision = tp / len(chosen) if chosen else np.nan
    recall = tp / len(planted) if planted else np.nan
    f1 = 2 * tp / (len(chosen) + len(planted)) if chosen or planted else np.nan
    # Ranked first: the AUPRC depends on the order of the scores alone, and Algorithm 1's t
    # is +-inf for a feature constant in both sets, which sklearn refuses as a score.
    auprc = average_precision_score(is_true, rankdata(scores)) if is_true.any() else np.nan
    return len(chosen), tp, precision, recall, f1, auprc
