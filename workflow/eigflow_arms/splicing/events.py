"""Exon-triplet events (C1-A-C2): the event table, its checks, and its regions' sequences.

The event table is a TSV with one row per event and the columns ``COLUMNS``. Coordinates
are 1-based and inclusive, as in GTF. C1, A and C2 are named in transcript order: on the
minus strand C1 has the highest coordinates. ``event_type`` is ``cassette`` (an
alternative exon A) or ``constitutive``.

Regions (``REGIONS``, transcript orientation, RNA alphabet): the three exons and both ends
of each intron, ``flank`` nucleotides long (the whole intron when it is shorter):
C1 | I1_5 ... I1_3 | A | I2_5 ... I2_3 | C2. Splice sites (``SITES``) are the windows that
:data:`eigflow_arms.splicing.sequence.SPLICE_SITES` scores.
"""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from .sequence import (
    FIVE_SS,
    FIVE_SS_EXONIC,
    THREE_SS,
    THREE_SS_EXONIC,
    reverse_complement,
    to_rna,
)

COLUMNS = ["event_id", "gene_id", "chrom", "strand", "c1_start", "c1_end", "a_start", "a_end",
           "c2_start", "c2_end", "event_type"]
COORDINATES = ["c1_start", "c1_end", "a_start", "a_end", "c2_start", "c2_end"]
EVENT_TYPES = ("cassette", "constitutive")
REGIONS = ("C1", "I1_5", "I1_3", "A", "I2_5", "I2_3", "C2")
SITES = ("C1_5ss", "A_3ss", "A_5ss", "C2_3ss")
FLANK = 300
# The splice-site windows of the motif maps and the sequence arm: ``EXONIC`` nt of exon and
# ``INTRONIC`` of intron around each site of SITES, and the region of each part, 5' to 3'.
EXONIC, INTRONIC = 50, 300
WINDOW_REGIONS = {
    "C1_5ss": (("C1", EXONIC), ("I1_5", INTRONIC)),
    "A_3ss": (("I1_3", INTRONIC), ("A", EXONIC)),
    "A_5ss": (("A", EXONIC), ("I2_5", INTRONIC)),
    "C2_3ss": (("I2_3", INTRONIC), ("C2", EXONIC)),
}


class EventTableError(ValueError):
    """An event table (or its genome) that cannot be used, with the file, the field and the fix."""


def _fail(path, message: str):
    raise EventTableError(f"{path}: {message}")


def read_events(path) -> pd.DataFrame:
    """Read and check an event table; see the module docstring for its format."""
    path = Path(path)
    try:
        table = pd.read_csv(path, sep="\t", dtype={"chrom": str, "event_id": str, "gene_id": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        _fail(path, f"cannot be read as a TSV event table ({err})")
    missing = [c for c in COLUMNS if c not in table.columns]
    if missing:
        _fail(path, f"missing column(s) {missing}; an event table needs {COLUMNS}")
    if table.empty:
        _fail(path, "has no events")
    if table.event_id.duplicated().any():
        dup = table.event_id[table.event_id.duplicated()].iloc[0]
        _fail(path, f"event_id {dup!r} appears more than once; event ids must be unique")
    for column in COORDINATES:
        values = pd.to_numeric(table[column], errors="coerce")
        bad = values.isna() | (values != values.round()) | (values < 1)
        if bad.any():
            row = table[bad].iloc[0]
            _fail(path, f"event {row.event_id!r}: field {column}={row[column]!r} is not a positive "
                        f"integer; coordinates are 1-based inclusive integers, as in GTF")
        table[column] = values.astype(np.int64)
    bad = ~table.strand.isin(["+", "-"])
    if bad.any():
        row = table[bad].iloc[0]
        _fail(path, f"event {row.event_id!r}: field strand={row.strand!r}; use '+' or '-'")
    bad = ~table.event_type.isin(EVENT_TYPES)
    if bad.any():
        row = table[bad].iloc[0]
        _fail(path, f"event {row.event_id!r}: field event_type={row.event_type!r}; use one of {EVENT_TYPES}")
    for exon in ("c1", "a", "c2"):
        bad = table[f"{exon}_start"] > table[f"{exon}_end"]
        if bad.any():
            row = table[bad].iloc[0]
            _fail(path, f"event {row.event_id!r}: {exon}_start={row[f'{exon}_start']} > "
                        f"{exon}_end={row[f'{exon}_end']}; give each exon as start <= end")
    plus = table.strand == "+"
    ordered = np.where(plus, (table.c1_end < table.a_start) & (table.a_end < table.c2_start),
                       (table.c2_end < table.a_start) & (table.a_end < table.c1_start))
    if not ordered.all():
        row = table[~ordered].iloc[0]
        _fail(path, f"event {row.event_id!r}: exons overlap or are out of order for strand "
                    f"{row.strand!r}; C1, A, C2 must follow each other in transcript order, with "
                    f"introns between them (on '-', C1 has the highest coordinates)")
    return table[COLUMNS + [c for c in table.columns if c not in COLUMNS]]


def check_genome(events: pd.DataFrame, lengths: dict, events_path, fasta_path) -> None:
    """Every chromosome the events name exists in the FASTA and holds the whole event."""
    absent = sorted(set(events.chrom) - set(lengths))
    if absent:
        n = int(events.chrom.isin(absent).sum())
        raise EventTableError(
            f"{events_path}: {n} event(s) name chromosome(s) {absent[:5]} that {fasta_path} does "
            f"not contain (it has {sorted(lengths)[:5]}...); use the genome the events were "
            f"annotated on, or rename the chrom column to match the FASTA's sequence names")
    end = events[COORDINATES].max(axis=1)
    size = events.chrom.map(lengths)
    beyond = end > size
    if beyond.any():
        row = events[beyond].iloc[0]
        raise EventTableError(
            f"{events_path}: event {row.event_id!r} ends at {end[beyond].iloc[0]} but {row.chrom} is "
            f"{size[beyond].iloc[0]} nt long in {fasta_path}; the event table and genome disagree")


def layout(event) -> dict:
    """Exon bounds as half-open offsets into the event's span in transcript orientation."""
    first = min(event.c1_start, event.c2_start)
    last = max(event.c1_end, event.c2_end)
    out = {}
    for exon in ("c1", "a", "c2"):
        s, e = getattr(event, f"{exon}_start"), getattr(event, f"{exon}_end")
        out[exon] = (s - first, e - first + 1) if event.strand == "+" else (last - e, last - s + 1)
    return out


def span(event) -> tuple[int, int]:
    """0-based half-open genomic span of the event, as pysam's ``fetch`` takes it."""
    return min(event.c1_start, event.c2_start) - 1, max(event.c1_end, event.c2_end)


def oriented(genomic: str, strand: str) -> str:
    """Genome sequence of an event's span, as RNA in transcript orientation."""
    return reverse_complement(genomic) if strand == "-" else to_rna(genomic)


def regions(seq: str, bounds: dict, flank: int = FLANK) -> dict:
    """The REGIONS and SITES of one event, from its oriented span ``seq`` and :func:`layout`."""
    (c1s, c1e), (as_, ae), (c2s, c2e) = bounds["c1"], bounds["a"], bounds["c2"]
    f5, f3 = len(FIVE_SS) - FIVE_SS_EXONIC, len(THREE_SS) - THREE_SS_EXONIC
    return {
        "C1": seq[c1s:c1e],
        "I1_5": seq[c1e:min(c1e + flank, as_)],
        "I1_3": seq[max(as_ - flank, c1e):as_],
        "A": seq[as_:ae],
        "I2_5": seq[ae:min(ae + flank, c2s)],
        "I2_3": seq[max(c2s - flank, ae):c2s],
        "C2": seq[c2s:c2e],
        "C1_5ss": seq[c1e - FIVE_SS_EXONIC:c1e + f5],
        "A_3ss": seq[as_ - f3:as_ + THREE_SS_EXONIC],
        "A_5ss": seq[ae - FIVE_SS_EXONIC:ae + f5],
        "C2_3ss": seq[c2s - f3:c2s + THREE_SS_EXONIC],
    }


def span_sequence(fasta, event, flank: int = FLANK) -> str:
    """Genomic sequence of the event's span, read only where its regions and sites lie.

    Real introns run to 100 kb; every region and splice-site window lies within ``flank`` +
    a splice site's length of an exon, so only those windows are read and the rest of the
    span is filled with N, which no region ever reaches.
    """
    start, end = span(event)
    margin = flank + len(THREE_SS)
    windows = sorted((max(start, getattr(event, f"{x}_start") - 1 - margin),
                      min(end, getattr(event, f"{x}_end") + margin)) for x in ("c1", "a", "c2"))
    pieces, cursor = [], start
    for lo, hi in windows:
        lo = max(lo, cursor)
        if hi > lo:
            pieces += ["N" * (lo - cursor), fasta.fetch(event.chrom, lo, hi)]
            cursor = hi
    pieces.append("N" * (end - cursor))
    return "".join(pieces)


def event_sequences(fasta, events: pd.DataFrame, flank: int = FLANK):
    """Yield (event_id, regions dict) for every event, reading ``fasta`` (a pysam.FastaFile)."""
    for event in events.itertuples(index=False):
        seq = oriented(span_sequence(fasta, event, flank), event.strand)
        yield event.event_id, regions(seq, layout(event), flank)


def to_bed12(events: pd.DataFrame) -> pd.DataFrame:
    """The events as BED12 (one three-block feature per event), for genome browsers."""
    first = events[["c1_start", "c2_start"]].min(axis=1) - 1
    last = events[["c1_end", "c2_end"]].max(axis=1)
    exons = [(events[f"{e}_start"] - 1, events[f"{e}_end"]) for e in ("c1", "a", "c2")]
    starts = np.stack([s - first for s, _ in exons], axis=1)
    sizes = np.stack([e - s for s, e in exons], axis=1)
    order = np.argsort(starts, axis=1)
    starts = np.take_along_axis(starts, order, axis=1)
    sizes = np.take_along_axis(sizes, order, axis=1)
    return pd.DataFrame({
        "chrom": events.chrom, "chromStart": first, "chromEnd": last, "name": events.event_id,
        "score": 0, "strand": events.strand, "thickStart": first, "thickEnd": last,
        "itemRgb": np.where(events.event_type == "cassette", "200,80,0", "60,60,60"),
        "blockCount": 3, "blockSizes": [",".join(map(str, r)) for r in sizes],
        "blockStarts": [",".join(map(str, r)) for r in starts],
    })


def to_gtf(events: pd.DataFrame) -> pd.DataFrame:
    """The events as GTF exon records: gene_id, transcript_id = event_id, exon_number in
    transcript order, and an ``exon_role`` attribute (C1, A or C2)."""
    rows = []
    for role, exon in (("C1", "c1"), ("A", "a"), ("C2", "c2")):
        number = {"C1": 1, "A": 2, "C2": 3}[role]
        attributes = ('gene_id "' + events.gene_id + '"; transcript_id "' + events.event_id
                      + f'"; exon_number "{number}"; exon_role "{role}"; event_type "'
                      + events.event_type + '";')
        rows.append(pd.DataFrame({
            "seqname": events.chrom, "source": "eigflow", "feature": "exon",
            "start": events[f"{exon}_start"], "end": events[f"{exon}_end"], "score": ".",
            "strand": events.strand, "frame": ".", "attribute": attributes}))
    return pd.concat(rows).sort_values(["seqname", "start"], kind="stable")
