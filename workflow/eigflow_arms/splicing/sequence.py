"""Sequence primitives shared by the transcriptome simulator and feature extraction.

Everything here works on RNA strings (A, C, G, U) in transcript orientation; genome
sequence is converted once, when an event's span is read (:mod:`eigflow_arms.splicing.events`).
The simulator draws splice sites from the same position weight matrices that feature
extraction scores them with, and plants motifs that the same counter finds, so that the
planted program and the extracted features speak one language.
"""
from __future__ import annotations

import re
from functools import lru_cache
from itertools import product

import numpy as np

ALPHABET = "ACGU"
_CODE = np.full(256, -1, dtype=np.int8)
for _i, _base in enumerate(ALPHABET):
    _CODE[ord(_base)] = _i
_CODE[ord("T")] = 3

IUPAC = {"A": "A", "C": "C", "G": "G", "U": "U", "T": "U", "R": "AG", "Y": "CU", "S": "CG",
         "W": "AU", "K": "GU", "M": "AC", "B": "CGU", "D": "AGU", "H": "ACU", "V": "ACG",
         "N": "ACGU"}

_COMPLEMENT = str.maketrans("ACGTUNacgtun", "UGCAANugcaan")


def to_rna(dna: str) -> str:
    """Upper-case RNA: T -> U."""
    return dna.upper().replace("T", "U")


def reverse_complement(seq: str) -> str:
    """Reverse complement of an RNA (or DNA) string, as RNA."""
    return seq.translate(_COMPLEMENT)[::-1].upper()


def codes(seq: str) -> np.ndarray:
    """(L,) int8 codes A=0 C=1 G=2 U/T=3, -1 for anything else (N)."""
    return _CODE[np.frombuffer(seq.encode("ascii"), dtype=np.uint8)]


@lru_cache(maxsize=None)
def kmers(k: int) -> tuple[str, ...]:
    """All 4**k RNA k-mers, in the order of :func:`kmer_counts`."""
    return tuple("".join(p) for p in product(ALPHABET, repeat=k))


def kmer_counts(seq: str, k: int) -> np.ndarray:
    """(4**k,) occurrences of every k-mer (overlapping); k-mers with an N are skipped."""
    c = codes(seq).astype(np.int64)
    if len(c) < k:
        return np.zeros(4**k, dtype=np.int64)
    windows = np.lib.stride_tricks.sliding_window_view(c, k)
    valid = (windows >= 0).all(axis=1)
    index = windows[valid] @ (4 ** np.arange(k - 1, -1, -1))
    return np.bincount(index, minlength=4**k)


@lru_cache(maxsize=None)
def motif_regex(motif: str) -> re.Pattern:
    """A regex for an IUPAC motif that finds overlapping occurrences (zero-width lookahead)."""
    try:
        body = "".join(f"[{IUPAC[b]}]" for b in motif.upper())
    except KeyError as err:
        raise ValueError(f"motif {motif!r} has a letter that is not IUPAC: {err.args[0]!r}") from None
    return re.compile(f"(?=({body}))")


def motif_positions(seq: str, motif: str) -> np.ndarray:
    """Start positions of every (overlapping) occurrence of an IUPAC ``motif`` in ``seq``."""
    return np.fromiter((m.start() for m in motif_regex(motif).finditer(seq)), dtype=np.int64)


def count_motif(seq: str, motif: str) -> int:
    """Number of (overlapping) occurrences of an IUPAC ``motif`` in ``seq``."""
    return sum(1 for _ in motif_regex(motif).finditer(seq))


def sample_motif(motif: str, rng: np.random.Generator, n: int = 1) -> list[str]:
    """``n`` concrete RNA instances of an IUPAC motif, each degenerate letter drawn uniformly."""
    columns = [rng.choice(list(IUPAC[b]), size=n) for b in motif.upper()]
    return ["".join(letters) for letters in zip(*columns)]


# Splice-site position weight matrices (rows: positions; columns A, C, G, U), after the
# mammalian consensus: 5' splice site CAG|GURAGU (3 exonic + 6 intronic positions) and
# 3' splice site: a 20-nt polypyrimidine tract ending in YAG| and 3 exonic positions. The
# GU and AG dinucleotides are invariant; the simulator keeps them, so that only the other
# positions set a site's strength.
FIVE_SS = np.array([
    [0.35, 0.35, 0.18, 0.12],  # -3
    [0.60, 0.13, 0.14, 0.13],  # -2
    [0.09, 0.03, 0.80, 0.08],  # -1
    [0.00, 0.00, 1.00, 0.00],  # +1 G
    [0.00, 0.00, 0.00, 1.00],  # +2 U
    [0.60, 0.03, 0.35, 0.02],  # +3 R
    [0.70, 0.08, 0.12, 0.10],  # +4
    [0.09, 0.05, 0.78, 0.08],  # +5
    [0.16, 0.15, 0.20, 0.49],  # +6
])
FIVE_SS_EXONIC = 3
THREE_SS = np.array(
    [[0.06, 0.38, 0.06, 0.50]] * 17        # -20..-4: polypyrimidine tract
    + [[0.03, 0.65, 0.02, 0.30],           # -3 Y
       [1.00, 0.00, 0.00, 0.00],           # -2 A
       [0.00, 0.00, 1.00, 0.00],           # -1 G
       [0.25, 0.15, 0.50, 0.10],           # +1
       [0.28, 0.20, 0.22, 0.30],           # +2
       [0.25, 0.25, 0.25, 0.25]])          # +3
THREE_SS_EXONIC = 3
SPLICE_SITES = {"5ss": (FIVE_SS, FIVE_SS_EXONIC), "3ss": (THREE_SS, THREE_SS_EXONIC)}

# Pseudo-probability of a letter the matrix forbids, so a broken GU/AG scores low, not -inf.
_FLOOR = 1e-3


def score_sites(sites, pwm: np.ndarray) -> np.ndarray:
    """Log2-odds (against a uniform background) of each site under ``pwm``.

    ``sites``: strings of the matrix's length; a site with an N or of the wrong length
    (an exon at a chromosome end) scores NaN.
    """
    log_odds = np.log2(np.maximum(pwm, _FLOOR) / 0.25)
    out = np.full(len(sites), np.nan)
    for i, site in enumerate(sites):
        c = codes(site)
        if len(c) == len(pwm) and (c >= 0).all():
            out[i] = log_odds[np.arange(len(pwm)), c].sum()
    return out


def sample_sites(pwm: np.ndarray, strength: np.ndarray, rng: np.random.Generator) -> list[str]:
    """One site per entry of ``strength`` in [0, 1]: 0 draws the free positions uniformly, 1
    from the consensus matrix; invariant positions (probability 1) are always kept."""
    strength = np.asarray(strength, dtype=float)[:, None, None]
    probs = strength * pwm[None] + (1 - strength) * 0.25
    invariant = pwm.max(axis=1) == 1.0
    probs[:, invariant] = pwm[invariant]
    cumulative = probs.cumsum(axis=2)
    draws = rng.random((len(strength), len(pwm), 1))
    letters = np.minimum((draws > cumulative).sum(axis=2), 3)
    alphabet = np.array(list(ALPHABET))
    return ["".join(row) for row in alphabet[letters]]


def markov_background(rng: np.random.Generator, n: int, length: int, gc: np.ndarray,
                      stickiness: float = 0.15) -> np.ndarray:
    """(n, length) int8 codes from first-order Markov chains, one GC content per row.

    Each base repeats the previous one with extra probability ``stickiness`` (homopolymer
    runs, as in real introns); otherwise it is drawn from the row's base composition.
    Vectorised over rows; the loop runs over positions only.
    """
    gc = np.asarray(gc, dtype=float).reshape(n, 1)
    composition = np.hstack([(1 - gc) / 2, gc / 2, gc / 2, (1 - gc) / 2])  # A C G U
    cumulative = composition.cumsum(axis=1)
    fresh = (rng.random((n, length, 1)) > cumulative[:, None, :]).sum(axis=2).astype(np.int8)
    fresh = np.minimum(fresh, 3)
    repeat = rng.random((n, length)) < stickiness
    out = fresh
    for j in range(1, length):
        out[:, j] = np.where(repeat[:, j], out[:, j - 1], fresh[:, j])
    return out


_LETTERS = np.frombuffer(ALPHABET.encode("ascii"), dtype=np.uint8)


def decode(codes_array: np.ndarray) -> str:
    """RNA string of an int8 code array (the inverse of :func:`codes` for A, C, G, U)."""
    return _LETTERS[codes_array].tobytes().decode("ascii")
