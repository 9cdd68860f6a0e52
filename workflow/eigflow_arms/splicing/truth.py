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
* ``shared``: a k-mer that would be ``kmer`` but also occurs inside a known motif that does
  not regulate here (an RBP that is not differential, or has no effect in the region, or a
  decoy of :data:`eigflow_arms.splicing.features.DECOY_MOTIFS`). Its signal is planted, but a
  method that finds it cannot tell which motif it found, so the scores count it apart:
  neither a positive nor a negative;
* ``none``: everything else, including the motifs of ubiquitous regulators and the decoys.

A feature that several rules claim takes the first tier of ``TIERS`` and lists every RBP.
A meta-feature is planted (``truth``) when a member's tier is one of ``PLANTED_TIERS``, and
``shared`` when it is not planted but a member is ``shared``: e.g. the family of a motif
that does not act in a region, which gets a label only through a k-mer it shares with the
motif of an RBP that does (CELF's GUG upstream of the exon, where ESRP1 acts and CELF does not).
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from .features import kmer_in_motif, known_motifs

TIERS = ("specific", "differential", "kmer", "basal", "shared", "none")
PLANTED_TIERS = ("specific", "differential", "kmer", "basal")
BASAL_FEATURES = ("A_3ss:score", "A_5ss:score")
KMER_MIN_K = 3


def _claims(row, regulators: list) -> list[tuple[str, str]]:
    """(tier, rbp) of every rule that claims one annotation row; ``regulators``: (RBP, tier) pairs."""
    if row.feature in BASAL_FEATURES:
        return [("basal", "")]
    claims = []
    for regulator, tier in regulators:
        if row.region not in regulator.effects:
            continue
        if row.kind == "motif" and row.key == regulator.name:
            claims.append((tier, regulator.name))
        elif row.kind == "kmer" and len(row.key) >= KMER_MIN_K and kmer_in_motif(row.key, regulator.motif):
            claims.append(("kmer", regulator.name))
    return claims


def _shared_with(row, regulators: list, motifs) -> list[str]:
    """The known motifs that hold a k-mer row's k-mer but do not regulate in its region."""
    acting = {r.name for r, _ in regulators if row.region in r.effects}
    return [m.name for m in motifs if m.name not in acting and kmer_in_motif(row.key, m.motif)]


def feature_truth(annotation: pd.DataFrame, program, tissue: str = "hippocampus",
                  min_change: float = 0.3, motifs=None) -> pd.DataFrame:
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
    motifs : sequence of KnownMotif, optional
        The known motifs whose k-mers make a ``kmer`` claim ``shared`` when the motif does not
        regulate in the feature's region; default the features' own,
        :func:`eigflow_arms.splicing.features.known_motifs` (the program's and the decoys).

    Returns
    -------
    DataFrame with columns feature, rbp (the RBPs that claim it, comma-separated, program
    order; '' when none), tier (one of ``TIERS``) and shared_with (for ``shared``, the
    motifs that also hold the k-mer; else ''), in the annotation's order.
    """
    specific = set(program.specific_rbps(tissue, min_change))
    differential = set(program.differential_rbps(tissue, min_change))
    regulators = [(r, "specific" if r.name in specific else "differential")
                  for r in program if r.name in specific | differential]
    motifs = known_motifs(program) if motifs is None else motifs
    rows = []
    for row in annotation.itertuples(index=False):
        claims = _claims(row, regulators)
        tier = min((t for t, _ in claims), key=TIERS.index, default="none")
        shared = _shared_with(row, regulators, motifs) if tier == "kmer" else []
        rbps = ",".join(dict.fromkeys(name for _, name in claims if name))
        rows.append((row.feature, rbps, "shared" if shared else tier, ",".join(shared)))
    return pd.DataFrame(rows, columns=["feature", "rbp", "tier", "shared_with"])


def meta_truth(feature_truth_table: pd.DataFrame, meta_table: pd.DataFrame, program) -> pd.DataFrame:
    """Truth per meta-feature: planted when a member's tier is in ``PLANTED_TIERS``, shared
    when it is not planted but a member is ``shared`` (see the module docstring).

    The rbps column lists the RBPs in the order of the program's known motifs
    (:func:`eigflow_arms.splicing.features.known_motifs`: the program's, then the decoys).

    Returns
    -------
    DataFrame with columns meta_feature, truth (bool), shared (bool; never with truth),
    tiers and rbps (comma-separated, ``TIERS`` and ``motifs`` order), meta-features in order
    of first appearance.
    """
    table = meta_table[["feature", "meta_feature"]].merge(feature_truth_table, on="feature", how="left",
                                                           validate="one_to_one")
    missing = table.tier.isna()
    if missing.any():
        raise ValueError(f"feature {table.feature[missing].iloc[0]!r} of the meta-feature table has no "
                         f"truth; build both tables from the same annotation")
    order = {m.name: i for i, m in enumerate(known_motifs(program))}

    def summarise(group: pd.DataFrame) -> pd.Series:
        tiers = sorted(set(group.tier) - {"none"}, key=TIERS.index)
        rbps = sorted({n for names in group.rbp for n in names.split(",") if n},
                      key=lambda n: order.get(n, len(order)))
        planted = bool(set(tiers) & set(PLANTED_TIERS))
        return pd.Series({"truth": planted, "shared": not planted and "shared" in tiers,
                          "tiers": ",".join(tiers), "rbps": ",".join(rbps)})

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
        :func:`auprc` of ``scores`` against ``is_true``.
    """
    tp = len(chosen & planted)
    precision = tp / len(chosen) if chosen else np.nan
    recall = tp / len(planted) if planted else np.nan
    f1 = 2 * tp / (len(chosen) + len(planted)) if chosen or planted else np.nan
    return len(chosen), tp, precision, recall, f1, auprc(is_true, scores)


def auprc(is_true: np.ndarray, scores: np.ndarray) -> float:
    """sklearn's average precision of ``scores`` (higher = more important, +-inf allowed)
    against ``is_true``; NaN when nothing is true."""
    # Imported here: attribution jobs import the evaluation modules for method names alone.
    from scipy.stats import rankdata
    from sklearn.metrics import average_precision_score

    is_true = np.asarray(is_true, dtype=bool)
    # Ranked first: the AUPRC depends on the order of the scores alone, and Algorithm 1's t
    # is +-inf for a feature constant in both sets, which sklearn refuses as a score.
    return float(average_precision_score(is_true, rankdata(scores))) if is_true.any() else np.nan
