"""Motif discovery from attributions: seqlets, their motifs, Tomtom against the RBP collection.

A method's attributions are projected on the observed bases (the signed attribution at each
base, :func:`eigflow_arms.sequence.truth.observed`), and tangermeme's recursive seqlet
caller finds the spans of high attribution in each splice-site window (a window is the
example: two windows side by side are not contiguous RNA, so no seqlet spans them). It calls
positive spans only, so it runs once on the scores and once on their negation (sites of
repressors can carry negative attribution), and a negative seqlet that overlaps a positive
one is dropped, as tangermeme's documentation advises.

Each seqlet becomes an attribution-weighted motif (:func:`seqlet_motif`) and is matched by
Tomtom against the shipped RBP collection on the given strand only
(:func:`eigflow_arms.liver.motifs.tomtom.match`: RNA is single stranded, and CAUGCA is not
RBFOX's UGCAUG). A seqlet names the target of its best match when that match has q < ``Q``.

A collection motif is *recovered* by a method (:func:`recovered_table`) when

* at least ``MIN_SEQLETS`` seqlets name it: one or two can be chance, and
* their number is more than chance gives: BH at q over T targets passes a seqlet only when
  its best p is below q / T, so a seqlet without signal names a given target with
  probability about q / T; the count's binomial tail over the method's N seqlets must be
  below ``LEVEL`` / T (Bonferroni over the targets). With the fixed count alone a method
  with many seqlets would recover decoys from noise: at tangermeme's default threshold,
  some 500 seqlets of noise gave the decoy IGF2BP1 (CAUH) 4 chance matches.

Motif ids of the collection (``resources/motifs/rbp_consensus.meme``) are the program's RBP
names (the MEME alternate name gives the proteins: RBFOX is RBFOX1/RBFOX2); a motif is
*planted* when its RBP is a regulator of the tissue's contrast
(:meth:`~eigflow_arms.splicing.program.Program.differential_rbps`) and a *decoy* when the
program has no such RBP. Everything is deterministic: the seqlet caller has no randomness,
and Tomtom runs on one thread.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import binom
from tangermeme.seqlet import recursive_seqlets

from eigflow_arms.liver.motifs.tomtom import match

from .truth import observed

__all__ = [
    "DISCOVERY_COLUMNS",
    "LEVEL",
    "MIN_SEQLETS",
    "RECOVERED_COLUMNS",
    "SEQLET_COLUMNS",
    "SUMMARY_COLUMNS",
    "Q",
    "call_seqlets",
    "discover",
    "recovered_table",
    "recovery_summary",
    "seqlet_motif",
]

MIN_SEQLETS = 3
Q = 0.05
LEVEL = 0.05
SEQLET_COLUMNS = ["sequence", "window", "start", "end", "sign", "attribution", "p_value"]
DISCOVERY_COLUMNS = SEQLET_COLUMNS + ["target", "p", "q"]
RECOVERED_COLUMNS = ["method", "rbp", "n_seqlets", "expected", "enrichment_p", "best_q",
                     "recovered", "planted", "decoy"]
SUMMARY_COLUMNS = ["method", "n_recovered", "precision", "recall", "recovered", "decoys"]


def _blocks(window, length: int) -> tuple[np.ndarray, list[np.ndarray]]:
    """The windows, in order of first appearance, and the columns of each; all one length."""
    if window is None:
        return np.zeros(1, dtype=int), [np.arange(length)]
    window = np.asarray(window)
    if window.shape != (length,):
        raise ValueError(f"window has shape {window.shape}; give one window per column ({length})")
    labels = pd.unique(window)
    blocks = [np.flatnonzero(window == w) for w in labels]
    if len({len(b) for b in blocks}) != 1:
        raise ValueError(f"windows have lengths {[len(b) for b in blocks]}; seqlets are called on "
                         f"windows of one length")
    return labels, blocks


def _one_sign(examples: np.ndarray, sign: int, **options) -> pd.DataFrame:
    called = recursive_seqlets(np.ascontiguousarray(sign * examples), **options)
    return called.assign(sign=sign, attribution=sign * called["attribution"])


def call_seqlets(scores, window=None, threshold: float = 0.01, min_seqlet_len: int = 4,
                 max_seqlet_len: int = 25) -> pd.DataFrame:
    """Seqlets of signed per-position scores (s, L), positive and negative, window by window.

    ``threshold``, ``min_seqlet_len``, ``max_seqlet_len``: tangermeme's ``recursive_seqlets``
    (its defaults; the threshold ranks spans, it is not an error rate). ``window`` (L,):
    the window of each column (default: the row is one window).

    Returns columns ``SEQLET_COLUMNS``: sequence, window (as ``window`` names it; 0 without one), start and
    end (columns of ``scores``, end exclusive), sign (+1, -1), attribution (the span's sum of
    scores), p_value (the span's, for ranking), ordered by sequence, window, start.
    """
    scores = np.asarray(scores, dtype=np.float64)
    if scores.ndim != 2:
        raise ValueError(f"scores have shape {scores.shape}; give (s, L) per-position scores")
    labels, blocks = _blocks(window, scores.shape[1])
    examples = np.concatenate([scores[:, b] for b in blocks])
    options = {"threshold": threshold, "min_seqlet_len": min_seqlet_len, "max_seqlet_len": max_seqlet_len}
    positive, negative = _one_sign(examples, 1, **options), _one_sign(examples, -1, **options)
    covered = np.zeros(examples.shape, dtype=bool)
    for e, start, end in positive[["example_idx", "start", "end"]].itertuples(index=False):
        covered[e, start:end] = True
    negative = negative[[not covered[e, start:end].any() for e, start, end
                         in negative[["example_idx", "start", "end"]].itertuples(index=False)]]
    called = pd.concat([positive, negative], ignore_index=True)
    n = len(scores)
    block = called["example_idx"].to_numpy() // n
    columns = np.stack(blocks)
    table = pd.DataFrame({
        "sequence": called["example_idx"].to_numpy() % n, "window": labels[block],
        "start": columns[block, called["start"].to_numpy()],
        "end": columns[block, called["end"].to_numpy() - 1] + 1,
        "sign": called["sign"].to_numpy(), "attribution": called["attribution"].to_numpy(),
        "p_value": called["p-value"].to_numpy()}, columns=SEQLET_COLUMNS)
    return table.sort_values(["sequence", "window", "start", "sign"], kind="stable").reset_index(drop=True)


def seqlet_motif(scores, onehot, sign: int = 1) -> np.ndarray:
    """(w, 4) probability matrix of one seqlet: its bases, weighted by attribution.

    ``scores`` (w,) signed scores, ``onehot`` (4, w) the input. A column is its observed base
    with weight ``sign * score / max(sign * score)`` (clipped to [0, 1]) and uniform for the
    rest, so that a base the model barely used says little to Tomtom; N is uniform.
    """
    v = sign * np.asarray(scores, dtype=float)
    weight = np.clip(v / v.max(), 0, 1) if v.max() > 0 else np.zeros_like(v)
    base = np.asarray(onehot, dtype=float).T
    return weight[:, None] * base + (1 - weight[:, None] * base.sum(axis=1, keepdims=True)) / 4


def discover(attributions, x, collection: dict, window=None, threshold: float = 0.01,
             min_seqlet_len: int = 4, max_seqlet_len: int = 25) -> pd.DataFrame:
    """Seqlets of one method's attributions and the best Tomtom match of each.

    Parameters
    ----------
    attributions, x : (s, 4, L)
        The method's attributions and the one-hot RNA.
    collection : dict
        motif id -> (w, 4) (:func:`eigflow_arms.liver.motifs.meme.read_meme`).
    window : (L,) optional
        Window of each column (see :func:`call_seqlets`).

    Returns
    -------
    DataFrame with ``DISCOVERY_COLUMNS``: the seqlets of :func:`call_seqlets` with target,
    p, q of the best match on the given strand (q: BH over the collection).
    """
    scores = observed(attributions, x)
    seqlets = call_seqlets(scores, window, threshold, min_seqlet_len, max_seqlet_len)
    x = np.asarray(x)
    best = [match(seqlet_motif(scores[i, start:end], x[i, :, start:end], sign), collection, n=1).iloc[0]
            for i, start, end, sign in seqlets[["sequence", "start", "end", "sign"]].itertuples(index=False)]
    return seqlets.assign(target=[b.target for b in best], p=[float(b.p) for b in best],
                          q=[float(b.q) for b in best])[DISCOVERY_COLUMNS]


def recovered_table(discoveries: dict, targets, program, tissue: str, min_seqlets: int = MIN_SEQLETS,
                    q: float = Q, level: float = LEVEL, min_change: float = 0.3) -> pd.DataFrame:
    """Per method and collection motif, whether the method's seqlets recover it (module docstring).

    Parameters
    ----------
    discoveries : dict
        method -> :func:`discover`'s table.
    targets : iterable of str
        The collection's motif ids (every one gets a row).
    program, tissue : the program; planted = a regulator of ``tissue``'s contrast.

    Returns
    -------
    DataFrame with ``RECOVERED_COLUMNS``: rbp (motif id), n_seqlets (seqlets whose best match
    it is, with q < ``q``), expected (their number by chance: N q / T), enrichment_p (the
    binomial tail of n_seqlets), best_q (smallest q of a seqlet naming it; NaN if none),
    recovered, planted, decoy (the program has no such RBP).
    """
    targets = list(targets)
    planted = set(program.differential_rbps(tissue, min_change))
    known = set(program.names())
    rate = q / len(targets)
    rows = []
    for method, table in discoveries.items():
        named = table[table.q < q]
        for target in targets:
            mine = named[named.target == target]
            n, total = len(mine), len(table)
            enrichment = float(binom.sf(n - 1, total, rate)) if n else 1.0
            rows.append({"method": method, "rbp": target, "n_seqlets": n, "expected": total * rate,
                         "enrichment_p": enrichment,
                         "best_q": float(mine.q.min()) if n else np.nan,
                         "recovered": n >= min_seqlets and enrichment < level / len(targets),
                         "planted": target in planted, "decoy": target not in known})
    return pd.DataFrame(rows, columns=RECOVERED_COLUMNS)


def recovery_summary(table: pd.DataFrame) -> pd.DataFrame:
    """Per method: n_recovered, precision (share of the recovered that are planted; NaN when
    none is), recall (share of the planted recovered), recovered and decoys (the motif ids,
    comma-separated, in collection order)."""
    rows = []
    for method, rows_of in table.groupby("method", sort=False):
        got = rows_of[rows_of.recovered]
        hits = int(got.planted.sum())
        rows.append({"method": method, "n_recovered": len(got),
                     "precision": hits / len(got) if len(got) else np.nan,
                     "recall": hits / rows_of.planted.sum() if rows_of.planted.any() else np.nan,
                     "recovered": ",".join(got.rbp), "decoys": ",".join(got.rbp[got.decoy])})
    return pd.DataFrame(rows, columns=SUMMARY_COLUMNS)
