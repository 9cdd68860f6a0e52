"""AVISPA-like sequence features of exon-triplet events, and the entry point for real ones.

The paper describes each event by 1,357 AVISPA features (Barash et al. 2013): conservation,
nucleosome positioning, k-mer frequencies, splice-site strength and cis-regulatory motifs.
Conservation and nucleosome tracks cannot be simulated from sequence alone, so
:func:`extract_features` computes the sequence part from a genome FASTA and an event table,
per region of :data:`eigflow_arms.splicing.events.REGIONS` (transcript orientation):

* ``{region}:length``: log10 of the region's length in nucleotides;
* ``{region}:gc``: G + C fraction of its A/C/G/U bases;
* ``{region}:kmer:{KMER}``: k-mer frequency (count / number of k-mer positions without an N)
  for k = 1, 2, 3 in every region, and k = 4 in the intronic windows next to the
  alternative exon (``LONG_KMER_REGIONS``), where splicing regulators bind most;
* ``{region}:motif:{NAME}``: occurrences per 100 nt of each known motif (:func:`known_motifs`:
  the program's regulators, then the decoys);

plus ``{site}:score`` for every splice site of :data:`eigflow_arms.splicing.events.SITES`
(log2-odds under :data:`eigflow_arms.splicing.sequence.SPLICE_SITES`) and two reading-frame
features of the alternative exon (``FRAME_FEATURES``). That is 1,246 features.

A user with real AVISPA features supplies them instead as a TSV (:func:`read_feature_matrix`).
Both paths end in :func:`check_finite`, and :func:`scale_features` maps either to [0, 1]
(:func:`apply_scaling` puts new rows on that scale).
"""
from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from functools import cache
from itertools import islice, product
from math import ceil
from pathlib import Path

import numpy as np
import pandas as pd

from .events import (
    FLANK,
    REGIONS,
    SITES,
    EventTableError,
    check_genome,
    event_sequences,
)
from .sequence import ALPHABET, IUPAC, SPLICE_SITES, codes, kmers, score_sites

log = logging.getLogger(__name__)


class FeatureMatrixError(ValueError):
    """A feature matrix that cannot be used, with the file, the field and the fix."""


@dataclass(frozen=True)
class KnownMotif:
    """One RNA-binding protein's binding motif from the literature.

    Attributes
    ----------
    name : str
        The RBP (family) name; feature names use it (``{region}:motif:{name}``).
    motif : str
        IUPAC consensus, RNA alphabet.
    source : str
        Citation for the motif.
    """

    name: str
    motif: str
    source: str


# Motifs the simulated program does NOT plant: real literature motifs whose features carry
# no planted signal, so that "is a known motif" never implies "is a true regulator".
DECOY_MOTIFS: tuple[KnownMotif, ...] = (
    KnownMotif("SF1", "UACUAAC", "Berglund et al. 1997 Cell (branch-point sequence bound by SF1/mBBP)"),
    KnownMotif("QKI", "ACUAAY", "Galarneau & Richard 2005 Nat Struct Mol Biol; Ray et al. 2013 Nature (RNAcompete)"),
    KnownMotif("TIA1", "UUUUUU", "Dember et al. 1996 J Biol Chem (U-rich); Ray et al. 2013 Nature (RNAcompete)"),
    KnownMotif("KHDRBS1", "UAAA", "Galarneau & Richard 2009 Biochemistry (Sam68 UAAA); Ray et al. 2013 Nature"),
    KnownMotif("PUM2", "UGUAHAUA", "White et al. 2001 Nat Struct Biol; Ray et al. 2013 Nature (RNAcompete)"),
    KnownMotif("MSI1", "UAGU", "Imai et al. 2001 Mol Cell Biol (Musashi (G/A)U1-3AGU); Ray et al. 2013 Nature"),
    KnownMotif("PCBP2", "CCUCCC", "Makeyev & Liebhaber 2002 RNA (poly(C)-binding proteins); Ray et al. 2013 Nature"),
    KnownMotif("ELAVL1", "AUUUA", "Ma et al. 1996 J Biol Chem (HuR binds AU-rich elements); Ray et al. 2013 Nature"),
)



def known_motifs(program) -> tuple[KnownMotif, ...]:
    """The motifs whose densities are features: the program's regulators (an
    :class:`eigflow_arms.splicing.program.Program`), taken from the program itself so that a
    planted motif and the feature that measures it can never disagree, then the decoys the
    program does not name. Their order matters to the family rule of
    :mod:`eigflow_arms.splicing.metafeatures`."""
    planted = tuple(KnownMotif(r.name, r.motif, r.source) for r in program)
    return planted + tuple(m for m in DECOY_MOTIFS if m.name not in program.names())

KMER_SIZES = (1, 2, 3)
LONG_KMER_SIZE = 4
LONG_KMER_REGIONS = ("I1_3", "I2_5")
FRAME_FEATURES = ("A:frame_preserving", "A:stop_free_frames")
_STOP_CODONS = ("UAA", "UAG", "UGA")

_REGION_WORDS = {
    "C1": "the upstream constitutive exon C1", "I1_5": "the 5' end of the upstream intron",
    "I1_3": "the 3' end of the upstream intron", "A": "the alternative exon A",
    "I2_5": "the 5' end of the downstream intron", "I2_3": "the 3' end of the downstream intron",
    "C2": "the downstream constitutive exon C2",
}
_FRAME_WORDS = {
    "A:frame_preserving": "1 when A's length is a multiple of 3 (skipping A keeps the reading frame)",
    "A:stop_free_frames": "number of A's three reading frames without a stop codon",
}
ANNOTATION_COLUMNS = ["feature", "region", "kind", "key", "description"]


@cache
def motif_instances(motif: str) -> tuple[str, ...]:
    """Every concrete RNA sequence an IUPAC ``motif`` stands for (YCAY -> CCAC, CCAU, UCAC, UCAU)."""
    return tuple("".join(letters) for letters in product(*(IUPAC[b] for b in motif.upper())))


def kmer_in_motif(kmer: str, motif: str) -> bool:
    """Whether ``kmer`` occurs inside at least one concrete instance of ``motif``."""
    return any(kmer in instance for instance in motif_instances(motif))


def kmer_sizes(region: str) -> tuple[int, ...]:
    """The k-mer lengths counted in ``region``."""
    return KMER_SIZES + ((LONG_KMER_SIZE,) if region in LONG_KMER_REGIONS else ())


# --------------------------------------------------------------------------- names

def feature_names(motifs) -> list[str]:
    """Names of the features extracted with the known ``motifs`` (:func:`known_motifs`), in the
    column order of :func:`extract_features`."""
    names = []
    for region in REGIONS:
        names += [f"{region}:length", f"{region}:gc"]
        names += [f"{region}:kmer:{kmer}" for k in kmer_sizes(region) for kmer in kmers(k)]
        names += [f"{region}:motif:{m.name}" for m in motifs]
    names += [f"{site}:score" for site in SITES]
    return names + list(FRAME_FEATURES)


def _describe(name: str, motif_of: dict) -> tuple[str, str, str, str]:
    """(region, kind, key, description) of a feature name; kind 'other' outside the scheme."""
    parts = name.split(":")
    region = parts[0]
    if len(parts) == 2 and region in REGIONS and parts[1] == "length":
        return region, "length", "", f"log10 length (nt) of {_REGION_WORDS[region]}"
    if len(parts) == 2 and region in REGIONS and parts[1] == "gc":
        return region, "gc", "", f"G+C fraction of {_REGION_WORDS[region]}"
    if len(parts) == 3 and region in REGIONS and parts[1] == "kmer" and parts[2] and set(parts[2]) <= set(ALPHABET):
        return region, "kmer", parts[2], f"frequency of {parts[2]} among {len(parts[2])}-mers of {_REGION_WORDS[region]}"
    if len(parts) == 3 and region in REGIONS and parts[1] == "motif" and parts[2]:
        motif = motif_of.get(parts[2], "motif")
        return region, "motif", parts[2], f"{parts[2]} {motif} occurrences per 100 nt of {_REGION_WORDS[region]}"
    if len(parts) == 2 and region in SITES and parts[1] == "score":
        return region, "splice_site", "", f"log2-odds {region.split('_')[1]} strength of the {region} splice site"
    if name in _FRAME_WORDS:
        return "A", "frame", "", _FRAME_WORDS[name]
    return "", "other", "", "user-supplied feature outside the eigflow naming scheme"


def annotate(names, motifs=()) -> pd.DataFrame:
    """Annotation (columns ``ANNOTATION_COLUMNS``) of feature names, parsed from the naming
    scheme of the module docstring; names outside it get kind 'other'. The known ``motifs``
    spell out their consensus in the descriptions."""
    motif_of = {m.name: m.motif for m in motifs}
    rows = [(name, *_describe(name, motif_of)) for name in names]
    return pd.DataFrame(rows, columns=ANNOTATION_COLUMNS)


def feature_annotation(motifs) -> pd.DataFrame:
    """Annotation of the features extracted with ``motifs``, one row per column of
    :func:`extract_features`."""
    return annotate(feature_names(motifs), motifs)


# --------------------------------------------------------------------------- batched counting
# A batch of sequences is joined into one code array with an N between neighbours, so every
# k-mer window that would straddle two sequences holds a -1 and is dropped; bincount then
# splits the counts by sequence. One pass of NumPy per k serves the whole batch.

def _join(seqs: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Codes of ``seqs`` joined by one N each, the sequence owning each position, and starts."""
    lengths = np.fromiter(map(len, seqs), dtype=np.int64, count=len(seqs))
    joined = codes("N".join(seqs))
    owner = np.repeat(np.arange(len(seqs)), lengths + 1)[:len(joined)]
    starts = np.concatenate([[0], np.cumsum(lengths + 1)[:-1]])
    return joined, owner, starts


def _windows(joined: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
    """Start positions of the k-long windows without an N, and their k-mer indices (as in
    :func:`eigflow_arms.splicing.sequence.kmers`)."""
    m = len(joined) - k + 1
    if m <= 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    c = joined.astype(np.int64)
    index = np.zeros(m, dtype=np.int64)
    for j in range(k):  # base-4 digits, first letter most significant
        index = 4 * index + c[j:j + m]
    # A window is valid when no N lies in it: the running count of Ns does not change across it.
    n_count = np.concatenate([[0], np.cumsum(c < 0)])
    valid = n_count[k:] == n_count[:m]
    return np.flatnonzero(valid), index[valid]


@cache
def _kmer_indices(words: tuple[str, ...]) -> np.ndarray:
    """Indices (as in :func:`_windows`) of equally long k-mers."""
    return np.array([codes(w).astype(np.int64) @ (4 ** np.arange(len(w) - 1, -1, -1)) for w in words])


def _kmer_frequencies(owner: np.ndarray, n: int, positions: np.ndarray, index: np.ndarray,
                      k: int) -> np.ndarray:
    """(n, 4**k) k-mer counts divided by each sequence's number of k-mer positions (0 where
    a sequence is shorter than k)."""
    counts = np.bincount(owner[positions] * 4**k + index, minlength=n * 4**k).reshape(n, 4**k)
    return counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)


def _region_features(seqs: list[str], region: str, motifs) -> np.ndarray:
    """(n, d_region) features of one region for a batch: length, gc, k-mers, motifs."""
    n = len(seqs)
    lengths = np.fromiter(map(len, seqs), dtype=np.float64, count=n)
    joined, owner, _ = _join(seqs)
    windows = {k: _windows(joined, k) for k in {*kmer_sizes(region), *(len(m.motif) for m in motifs)}}
    frequencies = {k: _kmer_frequencies(owner, n, *windows[k], k) for k in kmer_sizes(region)}
    gc = frequencies[1][:, [ALPHABET.index("C"), ALPHABET.index("G")]].sum(axis=1)
    densities = np.empty((n, len(motifs)))
    for j, known in enumerate(motifs):
        positions, index = windows[len(known.motif)]
        hits = np.isin(index, _kmer_indices(motif_instances(known.motif)))
        densities[:, j] = np.bincount(owner[positions[hits]], minlength=n) / lengths * 100
    return np.column_stack([np.log10(lengths), gc, *frequencies.values(), densities])


def _site_scores(batch: list[dict]) -> np.ndarray:
    """(n, len(SITES)) log2-odds of every splice site."""
    return np.column_stack([score_sites([r[site] for r in batch], SPLICE_SITES[site.split("_")[1]][0])
                            for site in SITES])


def _frame_features(exons: list[str]) -> np.ndarray:
    """(n, 2) frame preservation and number of stop-free reading frames of each A exon."""
    n = len(exons)
    lengths = np.fromiter(map(len, exons), dtype=np.int64, count=n)
    joined, owner, starts = _join(exons)
    positions, index = _windows(joined, 3)
    stops = positions[np.isin(index, _kmer_indices(_STOP_CODONS))]
    stopped = np.zeros((n, 3), dtype=bool)
    stopped[owner[stops], (stops - starts[owner[stops]]) % 3] = True
    return np.column_stack([lengths % 3 == 0, 3 - stopped.sum(axis=1)])


def batch_features(batch: list[dict], motifs) -> np.ndarray:
    """(n, d) features of ``n`` events from their region dicts (:func:`eigflow_arms.splicing.events.regions`)."""
    blocks = [_region_features([r[region] for r in batch], region, motifs) for region in REGIONS]
    blocks += [_site_scores(batch), _frame_features([r["A"] for r in batch])]
    return np.hstack(blocks)


# --------------------------------------------------------------------------- extraction

def open_fasta(path):
    """Open an indexed genome FASTA (a ``pysam.FastaFile``), refusing (rather than silently
    writing) a missing index."""
    # Imported here: the naming and annotation half of this module (which motif PSSMs use)
    # needs no pysam.
    import pysam

    path = Path(path)
    if not path.is_file():
        raise EventTableError(f"{path}: genome FASTA not found; give the path of the genome the "
                              f"events were annotated on")
    if not Path(f"{path}.fai").is_file():
        raise EventTableError(f"{path}: no FASTA index {path}.fai; create it with `samtools faidx "
                              f"{path}` or, in Python, pysam.faidx('{path}')")
    try:
        return pysam.FastaFile(str(path))
    except (OSError, ValueError) as err:
        raise EventTableError(f"{path}: cannot be opened as an indexed FASTA ({err}); it must be plain "
                              f"or bgzip-compressed FASTA, indexed with `samtools faidx {path}`") from None


def extract_features(fasta_path, events: pd.DataFrame, motifs, flank: int = FLANK,
                     events_path="the event table") -> tuple[np.ndarray, pd.DataFrame]:
    """Sequence features of every event (see the module docstring).

    Parameters
    ----------
    fasta_path : path
        Genome FASTA with a ``.fai`` index.
    events : DataFrame
        Event table as returned by :func:`eigflow_arms.splicing.events.read_events`.
    motifs : sequence of KnownMotif
        The known motifs whose densities are features (:func:`known_motifs`).
    flank : int
        Length of the intronic windows next to each exon.
    events_path : str or path
        Where ``events`` came from, for error messages.

    Returns
    -------
    matrix : (n_events, d) float32
        Rows in the order of ``events``.
    annotation : DataFrame
        One row per column, columns ``ANNOTATION_COLUMNS``.
    """
    annotation = feature_annotation(motifs)
    matrix = np.empty((len(events), len(annotation)), dtype=np.float32)
    chunk = ceil(len(events) / 10)   # ten batches: a progress line every 10%
    started = time.perf_counter()
    with open_fasta(fasta_path) as fasta:
        check_genome(events, dict(zip(fasta.references, fasta.lengths)), events_path, fasta_path)
        sequences = event_sequences(fasta, events, flank)
        for start in range(0, len(events), chunk):
            batch = [regions for _, regions in islice(sequences, chunk)]
            matrix[start:start + len(batch)] = batch_features(batch, motifs)
            done = start + len(batch)
            elapsed = time.perf_counter() - started
            log.info("features: %d/%d events (%.0f%%), %.0f events/s", done, len(events),
                     100 * done / len(events), done / max(elapsed, 1e-9))
    check_finite(matrix, annotation.feature, f"features of {events_path} extracted from {fasta_path}",
                 events.event_id)
    return matrix, annotation


# --------------------------------------------------------------------------- real matrices

def check_finite(matrix: np.ndarray, names, source, event_ids) -> None:
    """Raise :class:`FeatureMatrixError` naming ``source``, the first feature column holding a
    NaN or inf, and an event with it. ``matrix``: (n_events, d); ``names``: (d,); ``event_ids``: (n,)."""
    bad = ~np.isfinite(matrix)
    if not bad.any():
        return
    columns = np.flatnonzero(bad.any(axis=0))
    column = columns[0]
    rows = np.flatnonzero(bad[:, column])
    raise FeatureMatrixError(
        f"{source}: feature {np.asarray(names)[column]!r} is NaN or infinite for {len(rows)} event(s), "
        f"e.g. event {np.asarray(event_ids)[rows[0]]!r} ({len(columns)} feature(s) affected in all); "
        f"impute the missing values (e.g. with the feature's median over events) or drop the feature")


def read_feature_matrix(path, events: pd.DataFrame, motifs=()) -> tuple[np.ndarray, pd.DataFrame]:
    """Read a user-supplied feature matrix TSV, in the order of the event table.

    The first column holds event ids, every other column one feature. Rows for events not
    in ``events`` are ignored; every event must have a row. Columns named by the scheme of
    the module docstring are annotated by it (the known ``motifs`` spelt out), the rest get
    kind 'other'.

    Returns
    -------
    matrix : (n_events, d) float32
    annotation : DataFrame with columns ``ANNOTATION_COLUMNS``
    """
    path = Path(path)
    try:
        with open(path) as handle:
            id_column = handle.readline().rstrip("\n").split("\t")[0]
        table = pd.read_csv(path, sep="\t", dtype={id_column: str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise FeatureMatrixError(f"{path}: cannot be read as a TSV feature matrix ({err})") from None
    if table.shape[1] < 2:
        raise FeatureMatrixError(f"{path}: needs an event id column followed by at least one feature "
                                 f"column (tab-separated); found columns {list(table.columns)}")
    ids = table.iloc[:, 0].astype(str)
    if ids.duplicated().any():
        raise FeatureMatrixError(f"{path}: event {ids[ids.duplicated()].iloc[0]!r} has more than one row; "
                                 f"give one row per event")
    missing = ~events.event_id.isin(ids)
    if missing.any():
        raise FeatureMatrixError(
            f"{path}: {int(missing.sum())} event(s) of the event table have no row, e.g. "
            f"{events.event_id[missing].iloc[0]!r}; give features for every event, or remove those "
            f"events from the event table")
    features = table.iloc[:, 1:].set_axis(ids, axis=0)
    for column in features.select_dtypes(exclude="number").columns:
        values = pd.to_numeric(features[column], errors="coerce")
        text = values.isna() & features[column].notna()
        if text.any():
            raise FeatureMatrixError(
                f"{path}: feature {column!r} holds a value that is not a number "
                f"({features[column][text].iloc[0]!r} for event {features.index[text][0]!r}); "
                f"features must be numeric")
        features[column] = values
    ignored = len(features) - len(events)
    if ignored:
        log.info("%s: %d row(s) for events outside the event table ignored", path, ignored)
    matrix = features.loc[events.event_id].to_numpy(dtype=np.float32)
    check_finite(matrix, features.columns, path, events.event_id)
    return matrix, annotate(features.columns, motifs)


# --------------------------------------------------------------------------- scaling

def scale_features(matrix: np.ndarray, train_rows) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Min-max scale every feature to [0, 1] from the training rows' 1st and 99th percentiles.

    Values beyond the percentiles are clipped, so a few outliers (a 20 kb intron) do not
    squash the rest. The zero input then means "every feature at its low end" -- no motif,
    shortest region, weakest site -- which is what the paper's zero baseline stands for.
    Features constant over the training rows map to 0.

    Parameters
    ----------
    matrix : (n, d) array
    train_rows : index or boolean mask of the rows that set the scale

    Returns
    -------
    scaled : (n, d) float32 in [0, 1]
    lows, highs : (d,) float64 percentiles used
    """
    lows, highs = np.percentile(np.asarray(matrix)[train_rows], [1, 99], axis=0)
    return apply_scaling(matrix, lows, highs), lows, highs


def apply_scaling(matrix: np.ndarray, lows: np.ndarray, highs: np.ndarray) -> np.ndarray:
    """(n, d) float32: ``matrix`` on the scale of :func:`scale_features` that gave ``lows`` and
    ``highs`` (the dataset's), so that new rows -- features recomputed after an edit of the
    sequence -- meet the model on the scale it was trained on."""
    lows, highs = np.asarray(lows), np.asarray(highs)
    constant = highs <= lows
    width = np.where(constant, 1.0, highs - lows)
    scaled = (np.asarray(matrix, dtype=np.float32) - lows.astype(np.float32)) / width.astype(np.float32)
    scaled[:, constant] = 0
    return np.clip(scaled, 0, 1, out=scaled)
