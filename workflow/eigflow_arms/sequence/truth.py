"""The ground truth of the sequence arm: attributions over raw RNA scored against the planted sites.

The sequence model sees one-hot RNA ``x`` of shape (s, 4, L), channels A C G U, an all-zero
column for N, L = four splice-site windows side by side (:data:`eigflow_arms.splicing.events.SITES`;
50 exonic and 300 intronic nt each). The simulation knows, for every RBP r, which positions lie
in an occurrence of r's motif inside a region where r has an effect: ``sites`` (s, R, L), the
occurrences the program counts. For a tissue, the truth is the sites of the RBPs that can make
an exon change between that tissue and another
(:meth:`~eigflow_arms.splicing.program.Program.differential_rbps`); every other position with
a base, the sites of the ubiquitous regulators included, is a negative.

* :func:`position_scores`: |attribution x input| per position, optionally after gradient
  correction (:func:`gradient_correction`);
* :func:`per_sequence`: AUROC and average precision of scores against a truth, sequence by
  sequence, over the positions with a base;
* :func:`avg_match`: the share of motif positions whose highest-attribution base is the
  observed one (paper 002's "Avg.Match%");
* :func:`recurrence` and :func:`information_content`: the classes of positives the paper's
  synthetic experiments split by (single vs recurrent motifs; motifs of different
  information content), and :func:`split_auroc` to score a method on each class;
* :func:`ground_truth_table` and :func:`rbp_table`: one row per method, one per method and RBP;
* :func:`rna_map` and :func:`planted_map`: the attribution RNA map and the planted one.

numpy, scipy and pandas only: the tables are built where no torch is installed.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import rankdata

from eigflow_arms.splicing.events import SITES, WINDOW_REGIONS
from eigflow_arms.splicing.sequence import IUPAC

__all__ = [
    "CLUSTER",
    "IC_THRESHOLD",
    "RBP_COLUMNS",
    "TABLE_COLUMNS",
    "avg_match",
    "gradient_correction",
    "ground_truth_table",
    "information_content",
    "observed",
    "occurrence_starts",
    "per_sequence",
    "planted_map",
    "position_scores",
    "rbp_table",
    "recurrence",
    "rna_map",
    "split_auroc",
]

# Nova binds clusters of YCAY within tens of nt (Ule et al. 2006); the program plants its
# copies together, so a copy with a sibling this close is part of a cluster.
CLUSTER = 50
# Midway between the program's least specific motif, NOVA's YCAY (6 bits: by chance once per
# 64 nt, ~20 times in an input of 1400), and the next, PTBP1's UCUUC (10 bits, ~1 in 1400):
# below it a model cannot tell a functional copy from the many chance ones by sequence alone.
IC_THRESHOLD = 8.0

TABLE_COLUMNS = [
    "method", "n_sequences", "auroc", "auroc_sd", "auprc", "auprc_sd", "auroc_corrected",
    "auprc_corrected", "avg_match", "auroc_recurrent", "auroc_single", "auroc_low_ic",
    "auroc_high_ic", "evaluations_per_sequence", "seconds_per_sequence"]
RBP_COLUMNS = ["method", "rbp", "differential", "information_content", "n_sequences", "auroc",
               "auroc_sd", "auprc", "auprc_sd"]


def _check_x(x, attributions=None) -> np.ndarray:
    x = np.asarray(x, dtype=float)
    if x.ndim != 3 or x.shape[1] != 4:
        raise ValueError(f"x has shape {x.shape}; one-hot RNA is (s, 4, L), channels A C G U")
    if attributions is not None and np.shape(attributions) != x.shape:
        raise ValueError(f"attributions have shape {np.shape(attributions)}, x {x.shape}; "
                         f"an attribution map has the input's shape")
    return x


def gradient_correction(attributions) -> np.ndarray:
    """Attributions minus their mean over the 4 channels at each position (Majdandzic et al.
    2023, "Correcting gradient-based interpretations of deep neural networks for genomics").

    A one-hot input lives on the simplex: a change of all four channels together is no base,
    so the component of a gradient along (1, 1, 1, 1) is off-simplex noise the model was
    never trained to make meaningful. Subtracting the channel mean removes it; each corrected
    position sums to 0 over its channels. The correction is derived for gradients (saliency,
    the gradient inside gradient x input); applied to other maps, as here to every method
    alike, it is the same projection without the same guarantee.
    """
    a = np.asarray(attributions)
    return a - a.mean(axis=-2, keepdims=True)


def observed(attributions, x) -> np.ndarray:
    """(s, L) signed attribution at the observed base (attribution x one-hot input, summed
    over channels); 0 at N."""
    x = _check_x(x, attributions)
    return (np.asarray(attributions, dtype=float) * x).sum(axis=1)


def position_scores(attributions, x, corrected: bool = False) -> np.ndarray:
    """(s, L) |attribution x input| summed over channels: for one-hot ``x``, the magnitude of
    the attribution at the observed base (0 at N). ``corrected``: after :func:`gradient_correction`."""
    x = _check_x(x, attributions)
    a = np.asarray(gradient_correction(attributions) if corrected else attributions, dtype=float)
    return np.abs(a * x).sum(axis=1)


def _average_precision(masked: np.ndarray, positive: np.ndarray) -> np.ndarray:
    """Per-row average precision as scikit-learn computes it (precision at each distinct
    threshold, weighted by the recall it adds); ``masked`` is -inf where a position is not
    scored, and such positions are never positive."""
    order = np.argsort(-masked, axis=1, kind="stable")
    ranked = np.take_along_axis(masked, order, axis=1)
    hits = np.take_along_axis(positive, order, axis=1)
    true_positives = np.cumsum(hits, axis=1)
    length = masked.shape[1]
    # Tied scores form one threshold: every position of a tie gets the precision at its end.
    last = np.ones_like(hits)
    last[:, :-1] = ranked[:, 1:] != ranked[:, :-1]
    end = np.minimum.accumulate(np.where(last, np.arange(length), length)[:, ::-1], axis=1)[:, ::-1]
    precision = np.take_along_axis(true_positives, end, axis=1) / (end + 1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (hits * precision).sum(axis=1) / hits.sum(axis=1)


def per_sequence(scores, truth, valid=None) -> pd.DataFrame:
    """AUROC and average precision of ``scores`` against ``truth``, one sequence at a time.

    Parameters
    ----------
    scores : (s, L) array
        Higher = more important; finite wherever ``valid``.
    truth : (s, L) bool
    valid : (s, L) bool, optional
        Positions scored (default all); pass ``x.sum(1) > 0`` to leave out N.

    Returns
    -------
    DataFrame, one row per sequence: auroc, auprc (average precision), n_positive,
    n_negative; auroc and auprc are NaN where a sequence has no positive or no negative.
    AUROC counts ties as one half (Mann-Whitney with average ranks).
    """
    scores = np.asarray(scores, dtype=float)
    truth = np.asarray(truth, dtype=bool)
    valid = np.ones(truth.shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    if scores.ndim != 2 or scores.shape != truth.shape or valid.shape != truth.shape:
        raise ValueError(f"scores {scores.shape}, truth {truth.shape} and valid {valid.shape} must "
                         f"all be (s, L)")
    if not np.isfinite(scores[valid]).all():
        raise ValueError("scores are NaN or infinite at scored positions; an attribution method "
                         "that failed there cannot be ranked")
    positive, negative = truth & valid, ~truth & valid
    n_positive, n_negative = positive.sum(axis=1), negative.sum(axis=1)
    # Unscored positions take the lowest ranks, below every scored one, and drop out of the
    # positives' rank sum once their number is subtracted.
    masked = np.where(valid, scores, -np.inf)
    ranks = rankdata(masked, axis=1)
    n_unscored = truth.shape[1] - valid.sum(axis=1)
    rank_sum = (ranks * positive).sum(axis=1) - n_positive * n_unscored
    defined = (n_positive > 0) & (n_negative > 0)
    with np.errstate(invalid="ignore", divide="ignore"):
        auroc = (rank_sum - n_positive * (n_positive + 1) / 2) / (n_positive * n_negative)
    auprc = _average_precision(masked, positive)
    return pd.DataFrame({"auroc": np.where(defined, auroc, np.nan),
                         "auprc": np.where(defined, auprc, np.nan),
                         "n_positive": n_positive, "n_negative": n_negative})


def avg_match(attributions, x, truth) -> np.ndarray:
    """(s,) per sequence, the share of motif positions whose highest-attribution base is the
    observed one: paper 002's "Avg.Match%" ("average percentage of nt with max IG score ==
    true nt in motif"), as a fraction.

    The true nucleotide of a planted motif is the base the sequence holds there (a degenerate
    IUPAC position, such as NOVA's Y, holds one of its letters). Deviations: a position
    matches only when the observed base's attribution is strictly the highest of the four, so
    a tie (e.g. all-zero attributions) is no match; N positions are left out; NaN for a
    sequence without motif positions. The mean over sequences is the paper's average.
    """
    x = _check_x(x, attributions)
    a = np.asarray(attributions, dtype=float)
    at_base = (a * x).sum(axis=1)
    others = np.where(x > 0, -np.inf, a).max(axis=1)
    motif = np.asarray(truth, dtype=bool) & (x.sum(axis=1) > 0)
    n = motif.sum(axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.where(n > 0, ((at_base > others) & motif).sum(axis=1) / n, np.nan)


def information_content(motif: str) -> float:
    """Bits of an IUPAC motif against a uniform background: the sum over positions of
    2 - log2(letters allowed) (YCAY: 6, UGCAUG: 12)."""
    motif = motif.upper()
    unknown = [c for c in motif if c not in IUPAC]
    if not motif or unknown:
        raise ValueError(f"motif {motif!r} is not IUPAC ({''.join(IUPAC)})")
    return float(sum(2 - np.log2(len(IUPAC[c])) for c in motif))


def _window_bounds(window) -> tuple[np.ndarray, np.ndarray]:
    """(L,) first and last column of each column's window (windows are contiguous blocks)."""
    window = np.asarray(window)
    change = np.flatnonzero(window[1:] != window[:-1]) + 1
    starts, ends = np.r_[0, change], np.r_[change - 1, len(window) - 1]
    block = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(window)]))
    return starts[block], ends[block]


def _range_sum(values: np.ndarray, low: np.ndarray, high: np.ndarray) -> np.ndarray:
    """(s, L) sums of ``values`` (s, L) over columns low[i]..high[i] inclusive (empty: 0)."""
    total = np.concatenate([np.zeros((len(values), 1)), np.cumsum(values, axis=1)], axis=1)
    high = np.maximum(high, low - 1)
    return total[:, high + 1] - total[:, low]


def occurrence_starts(x, motif: str, window) -> np.ndarray:
    """(s, L) bool: an occurrence of the IUPAC ``motif`` starts here and ends in the same
    ``window`` (two windows side by side are not contiguous RNA); none with an N."""
    x = _check_x(x)
    window = np.asarray(window)
    width, length = len(motif), x.shape[2]
    allowed = np.array([[base in IUPAC[c] for base in "ACGU"] for c in motif.upper()])
    starts = np.zeros((len(x), length), dtype=bool)
    if width > length:
        return starts
    span = length - width + 1
    hit = window[:span] == window[width - 1:]
    for k in range(width):
        hit = hit & (x[:, allowed[k], k:k + span].sum(axis=1) > 0)
    starts[:, :span] = hit
    return starts


def recurrence(x, sites, motifs, window, cluster: int = CLUSTER) -> tuple[np.ndarray, np.ndarray]:
    """Which site positions belong to recurrent and which to single occurrences.

    An occurrence of RBP r's motif that overlaps r's sites is *recurrent* when another such
    occurrence of r starts within ``cluster`` nt of its start in the same window (Nova's
    clusters of YCAY; paper 002, Experiment 2), else *single*.

    Parameters
    ----------
    x : (s, 4, L) one-hot RNA
    sites : (s, R, L) bool
    motifs : R IUPAC motifs, those of ``sites``' RBPs
    window : (L,) window of each column
    cluster : int

    Returns
    -------
    recurrent, single : (s, L) bool, site positions of recurrent (single) occurrences of any
    of the R RBPs; a position can be both when two RBPs' occurrences cover it.
    """
    x, sites = _check_x(x), np.asarray(sites, dtype=bool)
    if sites.ndim != 3 or sites.shape[1] != len(motifs) or sites.shape[::2] != x.shape[::2]:
        raise ValueError(f"sites have shape {sites.shape}; give (s, R, L) for x {x.shape} and "
                         f"{len(motifs)} motifs")
    first, last = _window_bounds(window)
    columns = np.arange(x.shape[2])
    recurrent = np.zeros((len(x), x.shape[2]), dtype=bool)
    single = np.zeros_like(recurrent)
    for r, motif in enumerate(motifs):
        width = len(motif)
        starts = occurrence_starts(x, motif, window)
        starts &= _range_sum(sites[:, r], columns, np.minimum(columns + width - 1, last)) > 0
        starts = starts.astype(float)
        near = _range_sum(starts, np.maximum(columns - cluster, first),
                          np.minimum(columns + cluster, last)) - starts
        for out, kind in ((recurrent, (starts > 0) & (near > 0)), (single, (starts > 0) & (near == 0))):
            covered = _range_sum(kind.astype(float), np.maximum(columns - width + 1, first), columns) > 0
            out |= covered & sites[:, r]
    return recurrent, single


def split_auroc(scores, classes: dict, negatives, valid=None) -> pd.DataFrame:
    """Per sequence, the AUROC of ``scores`` for each class of positives against the same
    ``negatives``: ``classes`` name -> (s, L) bool; one column per class."""
    negatives = np.asarray(negatives, dtype=bool)
    valid = np.ones(negatives.shape, dtype=bool) if valid is None else np.asarray(valid, dtype=bool)
    columns = {}
    for name, positive in classes.items():
        positive = np.asarray(positive, dtype=bool)
        columns[name] = per_sequence(scores, positive, valid & (positive | negatives))["auroc"]
    return pd.DataFrame(columns)


def _mean(values) -> float:
    values = np.asarray(values, dtype=float)
    return float(values[~np.isnan(values)].mean()) if (~np.isnan(values)).any() else np.nan


def _sd(values) -> float:
    values = np.asarray(values, dtype=float)
    values = values[~np.isnan(values)]
    return float(values.std(ddof=1)) if len(values) > 1 else np.nan


def _attributions(method: str, arrays, x) -> np.ndarray:
    if not isinstance(arrays, dict) or "attributions" not in arrays:
        raise ValueError(f"method {method!r}: give a dict with 'attributions' (s, 4, L)")
    a = np.asarray(arrays["attributions"], dtype=float)
    _check_x(x, a)
    return a


def _truth(sites, rbp_names, program, tissue: str, min_change: float):
    """(differential RBP names, their indices in ``rbp_names``, (s, L) truth)."""
    names = list(rbp_names)
    differential = program.differential_rbps(tissue, min_change)
    missing = [n for n in differential if n not in names]
    if missing:
        raise ValueError(f"sites have no RBP {missing[0]!r}, a regulator of {tissue}; the data "
                         f"give {names}: were they simulated from this program?")
    index = [names.index(n) for n in differential]
    return differential, index, np.asarray(sites, dtype=bool)[:, index].any(axis=1)


def ground_truth_table(method_arrays: dict, x, sites, rbp_names, program, tissue: str, costs: dict,
                       *, window=None, cluster: int = CLUSTER, ic_threshold: float = IC_THRESHOLD,
                       min_change: float = 0.3) -> pd.DataFrame:
    """One row per method: its attributions scored against the planted sites of ``tissue``.

    Parameters
    ----------
    method_arrays : dict
        method -> {"attributions": (s, 4, L)}.
    x : (s, 4, L) one-hot RNA
    sites : (s, R, L) bool
        The data's functional motif occurrences; ``rbp_names`` (R,) their RBPs.
    program : Program
    tissue : str
        Truth: the sites of ``program.differential_rbps(tissue, min_change)``.
    costs : dict
        method -> {"evaluations_per_sequence": ..., "seconds_per_sequence": ...}; a method
        or a key that is absent is NaN.
    window : (L,) array, optional
        Window of each column; default ``len(SITES)`` equal consecutive windows.
    cluster, ic_threshold : recurrence distance (:func:`recurrence`) and the bits that
        divide low from high information content (``IC_THRESHOLD``).

    Returns
    -------
    DataFrame with ``TABLE_COLUMNS``: auroc, auprc means over the sequences with a positive
    and a negative (``n_sequences``), auroc_sd, auprc_sd their sample standard deviations;
    auroc_corrected, auprc_corrected the same after gradient correction; avg_match the mean
    of :func:`avg_match`; auroc_recurrent, auroc_single, auroc_low_ic, auroc_high_ic the mean
    per-sequence AUROC of each class of positives alone, against the same negatives (every
    position with a base outside the truth); the costs.
    """
    x = _check_x(x)
    window = (np.repeat(np.arange(len(SITES)), x.shape[2] // len(SITES)) if window is None
              else np.asarray(window))
    if window.shape != (x.shape[2],):
        raise ValueError(f"window has shape {window.shape}; give one window per column ({x.shape[2]})")
    differential, index, truth = _truth(sites, rbp_names, program, tissue, min_change)
    valid = x.sum(axis=1) > 0
    negatives = valid & ~truth
    motifs = [program.rbp(n).motif for n in differential]
    chosen = np.asarray(sites, dtype=bool)[:, index]
    recurrent, single = recurrence(x, chosen, motifs, window, cluster)
    low = np.array([information_content(m) < ic_threshold for m in motifs], dtype=bool)
    classes = {"recurrent": recurrent & ~single, "single": single & ~recurrent,
               "low_ic": chosen[:, low].any(axis=1) & ~chosen[:, ~low].any(axis=1),
               "high_ic": chosen[:, ~low].any(axis=1) & ~chosen[:, low].any(axis=1)}
    rows = []
    for method, arrays in method_arrays.items():
        a = _attributions(method, arrays, x)
        scores = position_scores(a, x)
        plain = per_sequence(scores, truth, valid)
        corrected = per_sequence(position_scores(a, x, corrected=True), truth, valid)
        split = split_auroc(scores, classes, negatives, valid)
        cost = costs.get(method, {})
        rows.append({
            "method": method, "n_sequences": int(plain.auroc.notna().sum()),
            "auroc": _mean(plain.auroc), "auroc_sd": _sd(plain.auroc),
            "auprc": _mean(plain.auprc), "auprc_sd": _sd(plain.auprc),
            "auroc_corrected": _mean(corrected.auroc), "auprc_corrected": _mean(corrected.auprc),
            "avg_match": _mean(avg_match(a, x, truth)),
            **{f"auroc_{name}": _mean(split[name]) for name in classes},
            "evaluations_per_sequence": float(cost.get("evaluations_per_sequence", np.nan)),
            "seconds_per_sequence": float(cost.get("seconds_per_sequence", np.nan))})
    return pd.DataFrame(rows, columns=TABLE_COLUMNS)


def rbp_table(method_arrays: dict, x, sites, rbp_names, program, tissue: str,
              min_change: float = 0.3) -> pd.DataFrame:
    """One row per method and RBP of ``sites``: that RBP's sites as the positives, against the
    positions with a base outside every site of the truth (as :func:`ground_truth_table`) and
    outside the RBP's own.

    Returns a DataFrame with ``RBP_COLUMNS``: differential (a regulator of ``tissue``, so part
    of the truth), information_content (bits of its motif), n_sequences (with a site and a
    negative), auroc, auprc means over those sequences, auroc_sd, auprc_sd.
    """
    x = _check_x(x)
    sites = np.asarray(sites, dtype=bool)
    differential, _, truth = _truth(sites, rbp_names, program, tissue, min_change)
    valid = x.sum(axis=1) > 0
    rows = []
    for method, arrays in method_arrays.items():
        scores = position_scores(_attributions(method, arrays, x), x)
        for r, name in enumerate(rbp_names):
            positive = sites[:, r]
            table = per_sequence(scores, positive, valid & (positive | ~truth))
            rows.append({"method": method, "rbp": name, "differential": name in differential,
                         "information_content": information_content(program.rbp(name).motif)
                         if name in program.names() else np.nan,
                         "n_sequences": int(table.auroc.notna().sum()),
                         "auroc": _mean(table.auroc), "auroc_sd": _sd(table.auroc),
                         "auprc": _mean(table.auprc), "auprc_sd": _sd(table.auprc)})
    return pd.DataFrame(rows, columns=RBP_COLUMNS)


def _window_names(window) -> np.ndarray:
    window = np.asarray(window)
    return np.asarray(SITES, dtype=object)[window] if np.issubdtype(window.dtype, np.integer) else window


def rna_map(attributions, x, window, position) -> pd.DataFrame:
    """The attribution RNA map: the mean signed attribution at the observed base over the
    sequences with a base there, by window and position relative to its splice site.

    ``window`` (L,) window index into :data:`~eigflow_arms.splicing.events.SITES` (or names),
    ``position`` (L,). Returns columns window (name), position, attribution, n (sequences
    with a base there; attribution NaN where none), in column order.
    """
    x = _check_x(x, attributions)
    at_base = observed(attributions, x)
    n = (x.sum(axis=1) > 0).sum(axis=0)
    with np.errstate(invalid="ignore", divide="ignore"):
        mean = np.where(n > 0, at_base.sum(axis=0) / n, np.nan)
    return pd.DataFrame({"window": _window_names(window), "position": np.asarray(position),
                         "attribution": mean, "n": n})


def planted_map(program, tissue: str, min_change: float = 0.3) -> pd.DataFrame:
    """The planted RNA map of ``tissue``: what each regulator's sites do at every window position.

    For each RBP of ``program.differential_rbps(tissue)`` and each column of the four windows,
    the region the column lies in (:data:`~eigflow_arms.splicing.events.WINDOW_REGIONS`:
    C1_5ss: 50 nt of C1, then 300 of I1_5; A_3ss: I1_3 then A; A_5ss: A then I2_5; C2_3ss:
    I2_3 then C2), the RBP's effect there
    (inclusion log-odds per site, 0 where it has none), and that effect weighted by the RBP's
    activity in ``tissue`` minus the median of its activities in the other tissues
    (:meth:`~eigflow_arms.splicing.program.Program.activities`): an RBP active alike
    everywhere moves no exon between the tissue and the rest. The effect covers the whole
    region because every occurrence there counts; a program ``window`` only steers where the
    simulator plants.

    Returns columns rbp, window, position (relative to the splice site, as
    :func:`eigflow_arms.liver.motifs.maps.relative_positions`), region, effect,
    activity_difference, weighted; one row per RBP and column, RBPs in program order.
    """
    activity = program.activities()
    t = program.tissue_index(tissue)
    window, position, region = [], [], []
    for name in SITES:
        (upstream, first), (downstream, second) = WINDOW_REGIONS[name]
        lengths = (first, second)
        window += [name] * sum(lengths)
        position.append(np.arange(sum(lengths)) - lengths[0])
        region += [upstream] * lengths[0] + [downstream] * lengths[1]
    position = np.concatenate(position)
    tables = []
    for name in program.differential_rbps(tissue, min_change):
        i = program.index(name)
        difference = float(activity[i, t] - np.median(np.delete(activity[i], t)))
        effect = np.array([program.rbp(name).effects.get(r, 0.0) for r in region])
        tables.append(pd.DataFrame({"rbp": name, "window": window, "position": position,
                                    "region": region, "effect": effect,
                                    "activity_difference": difference,
                                    "weighted": effect * difference}))
    columns = ["rbp", "window", "position", "region", "effect", "activity_difference", "weighted"]
    return pd.concat(tables, ignore_index=True) if tables else pd.DataFrame(columns=columns)
