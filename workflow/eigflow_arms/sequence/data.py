"""The sequence arm's inputs: raw RNA around each exon triplet's splice sites, one-hot.

Read from the splicing arm's own files -- the genome FASTA and the event table (simulated or
the user's) -- through the same window reader as the liver arm's motif maps
(:func:`eigflow_arms.liver.motifs.maps.splice_site_windows`): four windows of 50 exonic + 300
intronic nt centred on C1's 5' splice site, A's 3' and 5' splice sites and C2's 3' splice site,
in transcript orientation, concatenated into L = 1,400 positions. Rows, targets and the
train/test split are the splicing dataset's (``results/splicing/dataset.npz``), so the CNN and
the feature model are scored on the same exons.

``results/sequence/dataset.npz`` holds

==================  ====================================================================
``codes``           (n, L) int8: A=0 C=1 G=2 U=3, -1 for N (window padding)
``event_id``        (n,), ``event_type`` (n,), ``train`` (n,) bool: the splicing dataset's
``tissues``         (T,); ``psi`` (n, T) E[PSI]; ``dpsi``, ``p_change`` (n, T, T)
``window``          (L,) index into :data:`WINDOWS`; ``position`` (L,) nt from its splice site
``region``          (L,) the event region (:data:`~eigflow_arms.splicing.events.REGIONS`)
``rbp``             (R,) the program's RBPs
``sites``           (n, R, L) bool: inside an occurrence of RBP r's motif lying in a region
                    where r acts -- every occurrence the simulator's truth counts, planted or by
                    chance (:func:`functional_sites`)
==================  ====================================================================

Not covered: the middle of exons longer than 100 nt and of C1/C2 beyond 50 nt; occurrences
there regulate the simulated PSI but lie outside the windows (the model cannot see them either).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import pysam
from eigflow.progress import Progress

from eigflow_arms.liver.motifs.maps import WINDOWS, relative_positions, splice_site_windows
from eigflow_arms.splicing.events import EXONIC, INTRONIC, WINDOW_REGIONS
from eigflow_arms.splicing.sequence import codes, motif_positions

__all__ = ["WINDOWS", "WIDTH", "LENGTH", "WINDOW_REGIONS", "layout", "window_codes", "functional_sites",
           "build_dataset", "one_hot"]

log = logging.getLogger(__name__)

WIDTH = EXONIC + INTRONIC
LENGTH = len(WINDOWS) * WIDTH
def layout() -> dict:
    """(L,) ``window`` index, ``position`` relative to its splice site and ``region`` of every column."""
    region = [name for window in WINDOWS for name, width in WINDOW_REGIONS[window] for _ in range(width)]
    return {"window": np.repeat(np.arange(len(WINDOWS)), WIDTH),
            "position": np.concatenate([relative_positions(w) for w in WINDOWS]),
            "region": np.asarray(region)}


def window_codes(windows: dict) -> np.ndarray:
    """(n, L) int8 codes of :func:`splice_site_windows`' strings, windows side by side."""
    return np.concatenate([np.stack([codes(s) for s in windows[w]]) for w in WINDOWS], axis=1)


def functional_sites(windows: dict, program) -> np.ndarray:
    """(n, R, L) every nucleotide of every occurrence of each RBP's motif inside a region where the
    RBP has an effect, found within that region's columns of each window as the simulator counts
    it within the region (an occurrence across a region's edge counts for neither)."""
    n = len(windows[WINDOWS[0]])
    out = np.zeros((n, len(program), LENGTH), dtype=bool)
    progress = Progress(n, "events", log, label="functional sites")
    for i in range(n):
        for w, window in enumerate(WINDOWS):
            seq, offset = windows[window][i], 0
            for region, width in WINDOW_REGIONS[window]:
                part, column = seq[offset:offset + width], w * WIDTH + offset
                for r, rbp in enumerate(program):
                    if region in rbp.effects:
                        for start in motif_positions(part, rbp.motif):
                            out[i, r, column + start:column + start + len(rbp.motif)] = True
                offset += width
        progress.advance(1)
    return out


def build_dataset(genome, events: pd.DataFrame, splicing: dict, program) -> dict:
    """The arrays of ``dataset.npz`` (module docstring) for the splicing dataset's events.

    Raises
    ------
    ValueError
        When an event of the splicing dataset is missing from ``events``.
    """
    order = pd.Index(events.event_id.astype(str)).get_indexer(splicing["event_id"])
    if (order < 0).any():
        missing = splicing["event_id"][order < 0][0]
        raise ValueError(f"event {missing!r} of results/splicing/dataset.npz is not in the event table; "
                         "the two must come from the same run")
    chosen = events.iloc[order]
    with pysam.FastaFile(str(genome)) as fasta:
        windows = splice_site_windows(fasta, chosen)
    sites = functional_sites(windows, program)
    keys = ("event_id", "event_type", "train", "tissues", "psi", "dpsi", "p_change")
    return {"codes": window_codes(windows), **{k: splicing[k] for k in keys}, **layout(),
            "rbp": np.asarray(program.names()), "sites": sites}


def one_hot(codes_array: np.ndarray) -> np.ndarray:
    """(n, 4, L) float32 one-hot of (n, L) codes; N (-1) is all zeros."""
    return (np.asarray(codes_array)[:, None, :] == np.arange(4)[None, :, None]).astype(np.float32)
