"""Motif maps around cassette exons (paper Methods, "Motif analysis around cassette exons").

For every event, four fixed-length windows of RNA in transcript orientation centred on a
splice site (``WINDOWS``, named as :data:`eigflow_arms.splicing.events.SITES`): the 5' splice site
of C1, the 3' and 5' splice sites of the alternative exon A, and the 3' splice site of C2.
A window holds ``exonic`` nucleotides of the exon and ``intronic`` of the intron; where the
exon or the intron is shorter the window is padded with N (so it never reaches into the next
exon or the far end of the intron), and N is never counted: not as a motif, not in a
frequency's denominator. Positions are relative to the splice site: 0 is the first
nucleotide after the exon-intron (5'ss) or intron-exon (3'ss) boundary.

* :func:`motif_positions_matrix`: (n, L) whether one of the liver regulator's 3-mers
  (:mod:`eigflow_arms.liver.regulator`; A1CF's AAU, UAA or AUU, paper refs 29, 34) starts at
  each position; :func:`motif_map`: the fraction of events with one,
  smoothed by :func:`running_mean` (20 nt) for plotting.
* :func:`window_fisher`: at each position, the events holding a motif anywhere in the 20-nt
  window starting there, regulated vs non-regulated set, two-sided Fisher's exact test
  (computed for all positions at once from the hypergeometric distribution).

:func:`map_tables` turns the windows and the exon sets into the tidy tables the figures
draw; ``FIG4C_PANELS`` and ``FIGS11_PANELS`` say which sets and comparisons each shows.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from eigflow.progress import Progress
from scipy.stats import hypergeom

from eigflow_arms.splicing.events import EXONIC, INTRONIC, SITES, layout, oriented, span_sequence
from eigflow_arms.splicing.sequence import IUPAC, codes

__all__ = [
    "FIG4C_PANELS",
    "FIGS11_PANELS",
    "WINDOWS",
    "comparisons",
    "covered",
    "map_tables",
    "motif_map",
    "motif_positions_matrix",
    "relative_positions",
    "running_mean",
    "splice_site_windows",
    "window_any",
    "window_fisher",
]

log = logging.getLogger(__name__)

WINDOWS = SITES
SMOOTH, FISHER_WINDOW = 20, 20
# Fisher's two-sided p sums the tables no more likely than the observed one; a relative
# tolerance keeps tables tied with it in exact arithmetic from dropping out (R's choice).
_TIE = 1 + 1e-7

# (title, exon sets drawn, (regulated, non-regulated) comparisons tested): paper Fig. 4c
# (top: the liver sets; bottom: the A1cf knockout sets, with the liver set for comparison)
# and supp. S11 (a: liver vs other tissues; b: higher inclusion in the liver / enhanced by
# A1CF; c: lower inclusion / repressed); {rbp} is the liver's regulator. Set names:
# eigflow_arms.liver.exon_sets and eigflow_arms.liver.knockout.
FIG4C_PANELS = (
    ("Liver", ("changing", "non_changing"), (("changing", "non_changing"),)),
    ("{rbp} knockout", ("changing", "regulated", "non_regulated"), (("regulated", "non_regulated"),)),
)
FIGS11_PANELS = (
    ("Liver vs other tissues", ("changing", "other_alternative", "non_changing"),
     (("changing", "other_alternative"), ("changing", "non_changing"))),
    ("Included in liver, enhanced by {rbp}", ("increased", "enhanced", "non_changing", "non_regulated"),
     (("increased", "non_changing"), ("enhanced", "non_regulated"))),
    ("Excluded in liver, repressed by {rbp}", ("decreased", "repressed", "non_changing", "non_regulated"),
     (("decreased", "non_changing"), ("repressed", "non_regulated"))),
)


def comparisons(panels) -> list[tuple[str, str]]:
    """Every distinct (regulated, non-regulated) pair the ``panels`` test, in order."""
    return list(dict.fromkeys(pair for _, _, pairs in panels for pair in pairs))


# --------------------------------------------------------------------------- windows

def _five_prime(seq: str, exon: tuple[int, int], next_start: int, exonic: int, intronic: int) -> str:
    """Exon end + intron start around the 5'ss at exon[1], N-padded to exonic + intronic."""
    start, end = exon
    exon_part = seq[max(start, end - exonic):end]
    intron_part = seq[end:min(end + intronic, next_start)]
    return exon_part.rjust(exonic, "N") + intron_part.ljust(intronic, "N")


def _three_prime(seq: str, previous_end: int, exon: tuple[int, int], exonic: int, intronic: int) -> str:
    """Intron end + exon start around the 3'ss at exon[0], N-padded to intronic + exonic."""
    start, end = exon
    intron_part = seq[max(previous_end, start - intronic):start]
    exon_part = seq[start:min(start + exonic, end)]
    return intron_part.rjust(intronic, "N") + exon_part.ljust(exonic, "N")


def splice_site_windows(fasta, events: pd.DataFrame, exonic: int = EXONIC,
                        intronic: int = INTRONIC) -> dict[str, list[str]]:
    """The ``WINDOWS`` of every event (see the module docstring).

    Parameters
    ----------
    fasta : pysam.FastaFile
        The genome the events were annotated on.
    events : DataFrame
        An event table (:func:`eigflow_arms.splicing.events.read_events`).
    exonic, intronic : int
        Nucleotides of exon and of intron in each window.

    Returns
    -------
    dict window -> list of n RNA strings of length exonic + intronic, in event order.
    """
    out = {window: [] for window in WINDOWS}
    progress = Progress(len(events), "events", log, label="splice-site windows")
    for event in events.itertuples(index=False):
        seq = oriented(span_sequence(fasta, event, flank=intronic), event.strand)
        bounds = layout(event)
        c1, a, c2 = bounds["c1"], bounds["a"], bounds["c2"]
        out["C1_5ss"].append(_five_prime(seq, c1, a[0], exonic, intronic))
        out["A_3ss"].append(_three_prime(seq, c1[1], a, exonic, intronic))
        out["A_5ss"].append(_five_prime(seq, a, c2[0], exonic, intronic))
        out["C2_3ss"].append(_three_prime(seq, a[1], c2, exonic, intronic))
        progress.advance(1)
    return out


def relative_positions(window: str, exonic: int = EXONIC, intronic: int = INTRONIC) -> np.ndarray:
    """(exonic + intronic,) position of each window column relative to its splice site:
    negative upstream, 0 the first nucleotide downstream of the boundary."""
    if window not in WINDOWS:
        raise ValueError(f"unknown window {window!r}; use one of {WINDOWS}")
    upstream = exonic if window.endswith("5ss") else intronic
    return np.arange(exonic + intronic) - upstream


# --------------------------------------------------------------------------- maps

def _code_matrix(sequences) -> np.ndarray:
    """(n, L) int8 codes (A=0 C=1 G=2 U=3, N=-1) of equally long sequences."""
    sequences = list(sequences)
    lengths = {len(s) for s in sequences}
    if len(lengths) != 1:
        raise ValueError(f"sequences must all have one length (windows); got lengths {sorted(lengths)[:5]}")
    return codes("".join(sequences).upper()).reshape(len(sequences), lengths.pop())


def motif_positions_matrix(sequences, motifs) -> np.ndarray:
    """(n, L) bool: one of the IUPAC ``motifs`` starts at each position of each sequence.

    ``sequences``: n equally long RNA strings (N allowed: a motif never matches across one).
    """
    c = _code_matrix(sequences)
    n, length = c.shape
    hits = np.zeros((n, length), dtype=bool)
    for motif in motifs:
        k = len(motif)
        if k > length:
            continue
        here = np.ones((n, length - k + 1), dtype=bool)
        for i, letter in enumerate(motif.upper()):
            allowed = codes(IUPAC[letter])
            here &= np.isin(c[:, i:length - k + 1 + i], allowed)
        hits[:, :length - k + 1] |= here
    return hits


def covered(sequences) -> np.ndarray:
    """(n, L) bool: the position holds a nucleotide (not N padding)."""
    return _code_matrix(sequences) >= 0


def motif_map(hits: np.ndarray, coverage: np.ndarray | None = None) -> np.ndarray:
    """(L,) fraction of events with a motif starting at each position, among the events
    that have a nucleotide there (``coverage``, all when omitted); NaN where none has."""
    hits = np.asarray(hits, dtype=bool)
    coverage = np.ones_like(hits) if coverage is None else np.asarray(coverage, dtype=bool)
    with np.errstate(invalid="ignore", divide="ignore"):
        return (hits & coverage).sum(axis=0) / coverage.sum(axis=0)


def running_mean(x: np.ndarray, width: int = SMOOTH) -> np.ndarray:
    """(L,) mean of ``x`` over a centred window of ``width`` positions (j - width//2 to
    j + width - width//2 - 1), ignoring NaN and the part of the window beyond either end."""
    x = np.asarray(x, dtype=float)
    valid = np.isfinite(x)
    total = np.concatenate([[0.0], np.cumsum(np.where(valid, x, 0.0))])
    count = np.concatenate([[0], np.cumsum(valid)])
    j = np.arange(len(x))
    lo = np.clip(j - width // 2, 0, len(x))
    hi = np.clip(j + width - width // 2, 0, len(x))
    with np.errstate(invalid="ignore", divide="ignore"):
        return (total[hi] - total[lo]) / (count[hi] - count[lo])


def window_any(hits: np.ndarray, window: int = FISHER_WINDOW) -> np.ndarray:
    """(n, L) bool: a motif starts anywhere in [j, j + window) (cut at the end)."""
    running = np.concatenate([np.zeros((len(hits), 1), dtype=np.int64), np.cumsum(hits, axis=1)], axis=1)
    j = np.arange(hits.shape[1])
    return running[:, np.minimum(j + window, hits.shape[1])] > running[:, j]


def window_fisher(regulated: np.ndarray, background: np.ndarray, window: int = FISHER_WINDOW) -> np.ndarray:
    """(L,) two-sided Fisher's exact p: events with a motif in the ``window``-nt window
    starting at each position, regulated (n1, L) vs background (n2, L) motif starts.

    Equal to ``scipy.stats.fisher_exact([[a, n1 - a], [c, n2 - c]])`` at each position; the
    p-value is the hypergeometric mass of the tables no more likely than the observed one.
    """
    regulated, background = np.asarray(regulated, dtype=bool), np.asarray(background, dtype=bool)
    if regulated.shape[1] != background.shape[1] or not len(regulated) or not len(background):
        raise ValueError(f"regulated {regulated.shape} and background {background.shape} need the "
                         f"same number of positions and at least one event each")
    a = window_any(regulated, window).sum(axis=0)
    c = window_any(background, window).sum(axis=0)
    n1, n2 = len(regulated), len(background)
    if n2 < n1:  # the test is symmetric in its rows: run over the smaller one's support
        a, c, n1, n2 = c, a, n2, n1
    with_motif = (a + c)[:, None]
    support = np.arange(n1 + 1)[None, :]
    pmf = hypergeom.pmf(support, n1 + n2, with_motif, n1)           # (L, n1 + 1)
    observed = np.take_along_axis(pmf, a[:, None], axis=1)
    return np.minimum(np.where(pmf <= observed * _TIE, pmf, 0.0).sum(axis=1), 1.0)


def map_tables(windows: dict, sets: dict, tested, motifs, exonic: int = EXONIC,
               intronic: int = INTRONIC, smooth: int = SMOOTH, window: int = FISHER_WINDOW
               ) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Motif maps of exon sets and the window tests between them, as tidy tables.

    Parameters
    ----------
    windows : dict
        window -> n sequences (:func:`splice_site_windows`).
    sets : dict
        set name -> (n,) bool mask over the same events.
    tested : sequence of (regulated, background) set names
        E.g. :func:`comparisons` of ``FIG4C_PANELS``.
    motifs : sequence of str
        IUPAC motifs mapped: the liver regulator's k-mers (paper: AAU, UAA, AUU;
        :mod:`eigflow_arms.liver.regulator`).

    Returns
    -------
    maps : DataFrame
        Columns set, region, position, frequency (raw), smoothed (running mean over
        ``smooth`` nt), n_events.
    tests : DataFrame
        Columns comparison ("regulated vs background"), regulated, background, region,
        position (where the window starts), window (its width), p, regulated_fraction,
        background_fraction (events with a motif in the window).
    """
    masks = {name: np.asarray(mask, dtype=bool) for name, mask in sets.items()}
    missing = sorted({name for pair in tested for name in pair} - set(masks))
    if missing:
        raise KeyError(f"comparison set(s) {missing} are not among the exon sets {sorted(masks)}")
    maps, tests = [], []
    for region, sequences in windows.items():
        hits = motif_positions_matrix(sequences, motifs)
        coverage = covered(sequences)
        positions = relative_positions(region, exonic, intronic)
        for name, mask in masks.items():
            frequency = motif_map(hits[mask], coverage[mask])
            maps.append(pd.DataFrame({"set": name, "region": region, "position": positions,
                                      "frequency": frequency, "smoothed": running_mean(frequency, smooth),
                                      "n_events": int(mask.sum())}))
        for regulated, background in tested:
            tests.append(pd.DataFrame({
                "comparison": f"{regulated} vs {background}", "regulated": regulated,
                "background": background, "region": region, "position": positions, "window": window,
                "p": window_fisher(hits[masks[regulated]], hits[masks[background]], window),
                "regulated_fraction": window_any(hits[masks[regulated]], window).mean(axis=0),
                "background_fraction": window_any(hits[masks[background]], window).mean(axis=0)}))
    return pd.concat(maps, ignore_index=True), pd.concat(tests, ignore_index=True)
