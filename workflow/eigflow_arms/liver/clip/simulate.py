"""Simulated PAR-CLIP of a simulated transcriptome's liver regulator (the paper's A1CF): aligned
reads in a sorted, indexed BAM.

What a PAR-CLIP library holds after adapter trimming and alignment (paper Methods, "A1CF
PAR-CLIP analysis"; Hafner et al. 2010):

* crosslink tags -- 30-40 nt reads of the transcript strand over a bound site. 4-thiouridine
  crosslinked to the protein reads as C in the cDNA, so a share ``conversion`` of the tags
  carry a T-to-C transition at the crosslinked U (on a '-' strand gene the read is reversed
  and the BAM shows the genome's A as G). Bound sites: each planted instance of the RBP's
  motif with probability ``occupancy``, and each chance match of the motif in the events'
  spans with probability ``chance_occupancy``; the crosslinked U is one of the instance's Us.
* background tags -- reads of the events' pre-mRNA anywhere in their spans, with no
  transition but for sequencing errors.
* sequencing errors -- any base, at ``error_rate`` per base, in every tag.
* PCR duplicates -- each tag repeated 1 + Poisson(``duplicate_rate``) times, base for base.

Reads are written as BWA would: CIGAR ``{L}M``, MD and NM tags, mapping quality 37, flag 16
on the reverse strand; the BAM is coordinate-sorted (``SO:coordinate``) and indexed.
"""
from __future__ import annotations

import logging
import os
from pathlib import Path

import numpy as np
import pandas as pd
import pysam

from eigflow_arms.common import io
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import sequence as sq
from eigflow_arms.splicing.features import motif_instances

__all__ = ["simulate_parclip"]

log = logging.getLogger(__name__)

_MAPQ = 37
_QUALITY = 30
_DNA = "ACGT"
# The transcript's U as the genome's forward strand shows it, and the crosslink's base there.
_REFERENCE_BASE = {"+": "T", "-": "A"}
_CONVERTED_BASE = {"+": "C", "-": "G"}


def simulate_parclip(genome_fasta, events: pd.DataFrame, planted_sites_tsv, out_bam, seed: int, *,
                     rbp, occupancy: float = 0.9, chance_occupancy: float = 0.3,
                     tags_per_site: float = 6.0, conversion: float = 0.7, n_background: int = 2000,
                     error_rate: float = 0.004, duplicate_rate: float = 1.0,
                     read_length: tuple[int, int] = (30, 40)) -> pd.DataFrame:
    """Write a PAR-CLIP BAM (and its .bai) of ``events``; return the crosslink sites behind it.

    Parameters
    ----------
    genome_fasta : path
        Indexed FASTA the events lie on.
    events : DataFrame
        The event table (:func:`eigflow_arms.splicing.events.read_events`).
    planted_sites_tsv : path
        ``planted_sites.tsv`` of :func:`eigflow_arms.splicing.simulate.simulate`.
    out_bam : path
    seed : int
    rbp : RBP
        The crosslinked RBP of the program (:class:`eigflow_arms.splicing.program.RBP`: the
        liver's regulator, :meth:`~eigflow_arms.splicing.program.Program.regulator`); its
        planted instances and its motif's chance matches bind.
    occupancy, chance_occupancy : float
        Probability that a planted / chance instance is bound.
    tags_per_site : float
        Mean unique tags of a bound site (Poisson).
    conversion : float
        Share of a site's tags with the T-to-C transition at the crosslinked U.
    n_background : int
        Unique tags from anywhere in the events' spans.
    error_rate : float
        Per-base substitution rate of sequencing.
    duplicate_rate : float
        Mean PCR copies of a tag beyond the first (Poisson).
    read_length : (int, int)
        Shortest and longest read (inclusive).

    Returns
    -------
    DataFrame
        One row per bound site: chrom, pos0 (0-based genomic position of the crosslinked U),
        strand, event_id, source (``planted`` or ``chance``), tags (unique tags drawn),
        converted (those with the transition).
    """
    _check(occupancy, chance_occupancy, tags_per_site, conversion, n_background, error_rate,
           duplicate_rate, read_length)
    rng = np.random.default_rng(seed)
    motif = rbp.motif
    if any("U" not in instance for instance in motif_instances(motif)):
        # 4-thiouridine crosslinks at a U: a site without one leaves no transition to call.
        raise ValueError(f"{rbp.name}'s motif {motif} has instances without a U, which PAR-CLIP "
                         f"cannot crosslink; give the program's liver regulator a motif whose every "
                         f"instance holds a U")
    planted = pd.read_csv(planted_sites_tsv, sep="\t", dtype={"event_id": str, "chrom": str})
    planted = planted[planted.rbp == rbp.name]
    with pysam.FastaFile(str(genome_fasta)) as fasta:
        sites = pd.concat([_planted_sites(planted, rng), _chance_sites(fasta, events, planted, motif, rng)],
                          ignore_index=True)
        bound = rng.random(len(sites)) < np.where(sites.source == "planted", occupancy, chance_occupancy)
        sites = sites[bound].reset_index(drop=True)
        sites["tags"] = rng.poisson(tags_per_site, len(sites))
        sites["converted"] = rng.binomial(sites.tags, conversion)
        tags = pd.concat([_site_tags(sites, read_length, rng), _background_tags(events, n_background,
                                                                                read_length, rng)],
                         ignore_index=True)
        reads = _reads(fasta, tags, error_rate, rng)
        header = {"HD": {"VN": "1.6", "SO": "coordinate"},
                  "SQ": [{"SN": name, "LN": length} for name, length in zip(fasta.references, fasta.lengths)],
                  "PG": [{"ID": "eigflow_arms.liver.clip.simulate", "PN": "eigflow"}]}
    copies = 1 + rng.poisson(duplicate_rate, len(reads))
    reads = reads.loc[reads.index.repeat(copies)].reset_index(drop=True)
    _write_bam(Path(out_bam), header, reads)
    log.info("PAR-CLIP: %d bound %s sites (%d planted, %d chance matches of %s) with %d unique "
             "tags (%d with T-to-C), %d background tags; %d reads with PCR duplicates -> %s",
             len(sites), rbp.name, sites.source.eq("planted").sum(), sites.source.eq("chance").sum(),
             motif, sites.tags.sum(), sites.converted.sum(), n_background, len(reads), out_bam)
    return sites


def _check(occupancy, chance_occupancy, tags_per_site, conversion, n_background, error_rate,
           duplicate_rate, read_length) -> None:
    for name, value in (("occupancy", occupancy), ("chance_occupancy", chance_occupancy),
                        ("conversion", conversion), ("error_rate", error_rate)):
        if not 0 <= value <= 1:
            raise ValueError(f"{name}={value}: a probability in [0, 1]")
    if tags_per_site < 0 or n_background < 0 or duplicate_rate < 0:
        raise ValueError(f"tags_per_site={tags_per_site}, n_background={n_background}, "
                         f"duplicate_rate={duplicate_rate}: none may be negative")
    if not 1 <= read_length[0] <= read_length[1]:
        raise ValueError(f"read_length={read_length}: give (shortest, longest), 1 <= shortest <= longest")


# --- crosslink sites --------------------------------------------------------------------------

def _crosslink(first_base: np.ndarray, strand: np.ndarray, instances, rng) -> np.ndarray:
    """(m,) 0-based genomic position of a random U of each instance (RNA, transcript
    orientation) whose first base is at 0-based ``first_base``."""
    offset = np.array([rng.choice([k for k, base in enumerate(inst) if base == "U"]) for inst in instances],
                      dtype=np.int64)
    return np.where(strand == "+", first_base + offset, first_base - offset)


def _planted_sites(planted: pd.DataFrame, rng) -> pd.DataFrame:
    """A crosslinked U in every planted instance (``position``: 1-based, first base)."""
    with_u = planted[planted.instance.str.contains("U")]
    strand = with_u.strand.to_numpy()
    return pd.DataFrame({"chrom": with_u.chrom.to_numpy(),
                         "pos0": _crosslink(with_u.position.to_numpy(np.int64) - 1, strand,
                                            with_u.instance, rng),
                         "strand": strand, "event_id": with_u.event_id.to_numpy(), "source": "planted"})


def _chance_sites(fasta, events: pd.DataFrame, planted: pd.DataFrame, motif: str, rng) -> pd.DataFrame:
    """A crosslinked U in every match of ``motif`` in the events' spans that was not planted."""
    rows = []
    for event in events.itertuples(index=False):
        start, end = ev.span(event)
        oriented = ev.oriented(ev.span_sequence(fasta, event), event.strand)
        for offset in sq.motif_positions(oriented, motif):
            first = start + offset if event.strand == "+" else end - 1 - offset
            rows.append((event.chrom, first, event.strand, event.event_id,
                         oriented[offset:offset + len(motif)]))
    found = pd.DataFrame(rows, columns=["chrom", "first", "strand", "event_id", "instance"])
    known = set(zip(planted.chrom, planted.position - 1, planted.strand))
    fresh = found[[key not in known for key in zip(found.chrom, found["first"], found.strand)]]
    fresh = fresh[fresh.instance.str.contains("U")]
    return pd.DataFrame({"chrom": fresh.chrom.to_numpy(),
                         "pos0": _crosslink(fresh["first"].to_numpy(np.int64), fresh.strand.to_numpy(),
                                            fresh.instance, rng),
                         "strand": fresh.strand.to_numpy(), "event_id": fresh.event_id.to_numpy(),
                         "source": "chance"})


# --- tags -------------------------------------------------------------------------------------

def _site_tags(sites: pd.DataFrame, read_length, rng) -> pd.DataFrame:
    """Unique tags over the sites: chrom, strand, start (0-based), length, and converted (the
    0-based genomic position of the T-to-C transition, -1 for none)."""
    row = np.repeat(np.arange(len(sites)), sites.tags.to_numpy())
    # The first ``converted`` tags of each site carry the transition.
    rank = np.arange(len(row)) - np.repeat(np.cumsum(sites.tags.to_numpy()) - sites.tags.to_numpy(),
                                           sites.tags.to_numpy())
    converted = rank < sites.converted.to_numpy()[row]
    length = rng.integers(read_length[0], read_length[1] + 1, len(row))
    # Where along the read (in transcript orientation) the crosslinked U falls.
    along = rng.integers(0, length)
    pos0 = sites.pos0.to_numpy()[row]
    plus = sites.strand.to_numpy()[row] == "+"
    return pd.DataFrame({"chrom": sites.chrom.to_numpy()[row], "strand": sites.strand.to_numpy()[row],
                         "start": np.where(plus, pos0 - along, pos0 + along - length + 1),
                         "length": length, "converted": np.where(converted, pos0, -1)})


def _background_tags(events: pd.DataFrame, n: int, read_length, rng) -> pd.DataFrame:
    """``n`` unique tags from the events' pre-mRNA, events drawn by span length."""
    first = events[["c1_start", "c2_start"]].min(axis=1).to_numpy(np.int64) - 1
    last = events[["c1_end", "c2_end"]].max(axis=1).to_numpy(np.int64)
    length = rng.integers(read_length[0], read_length[1] + 1, n)
    pick = rng.choice(len(events), n, p=(last - first) / (last - first).sum())
    start = first[pick] + np.floor(rng.random(n) * (last[pick] - first[pick] - length + 1)).astype(np.int64)
    return pd.DataFrame({"chrom": events.chrom.to_numpy()[pick], "strand": events.strand.to_numpy()[pick],
                         "start": start, "length": length, "converted": -1})


def _reads(fasta, tags: pd.DataFrame, error_rate: float, rng) -> pd.DataFrame:
    """The tags as aligned reads: chrom, strand, start, sequence (genome forward strand), MD, NM."""
    lengths = dict(zip(fasta.references, fasta.lengths))
    inside = (tags.start >= 0) & (tags.start + tags.length <= tags.chrom.map(lengths))
    tags = tags[inside].reset_index(drop=True)
    errors = rng.random(int(tags.length.sum())) < error_rate
    substitute = rng.integers(1, 4, len(errors))   # a shift of 1-3 in ACGT: always another base
    cut = np.concatenate([[0], np.cumsum(tags.length.to_numpy())])
    sequences, mds, nms = [], [], []
    for k, tag in enumerate(tags.itertuples(index=False)):
        reference = fasta.fetch(tag.chrom, tag.start, tag.start + tag.length).upper()
        read = list(reference)
        for j in np.flatnonzero(errors[cut[k]:cut[k + 1]]):
            if reference[j] in _DNA:
                read[j] = _DNA[(_DNA.index(reference[j]) + substitute[cut[k] + j]) % 4]
        if tag.converted >= 0:
            j = tag.converted - tag.start
            if reference[j] == _REFERENCE_BASE[tag.strand]:
                read[j] = _CONVERTED_BASE[tag.strand]
        md, nm = _md(reference, read)
        sequences.append("".join(read))
        mds.append(md)
        nms.append(nm)
    return tags[["chrom", "strand", "start"]].assign(sequence=sequences, md=mds, nm=nms)


def _md(reference: str, read) -> tuple[str, int]:
    """The SAM MD string and edit distance of an ungapped alignment."""
    parts, run, mismatches = [], 0, 0
    for ref_base, read_base in zip(reference, read):
        if ref_base == read_base:
            run += 1
        else:
            parts += [str(run), ref_base]
            run, mismatches = 0, mismatches + 1
    return "".join(parts) + str(run), mismatches


# --- the BAM ----------------------------------------------------------------------------------

def _write_bam(path: Path, header: dict, reads: pd.DataFrame) -> None:
    """Coordinate-sorted BAM and its index, each written atomically."""
    chrom_index = {entry["SN"]: k for k, entry in enumerate(header["SQ"])}
    reads = reads.assign(tid=reads.chrom.map(chrom_index)).sort_values(["tid", "start"], kind="stable")
    qualities = pysam.qualitystring_to_array(chr(_QUALITY + 33) * int(reads.sequence.str.len().max()))
    with io.atomic_path(path) as tmp:
        with pysam.AlignmentFile(str(tmp), "wb", header=header) as bam:
            for k, read in enumerate(reads.itertuples(index=False)):
                segment = pysam.AlignedSegment(bam.header)
                segment.query_name = f"read{k:08d}"
                segment.query_sequence = read.sequence
                segment.flag = 16 if read.strand == "-" else 0
                segment.reference_id = int(read.tid)
                segment.reference_start = int(read.start)
                segment.mapping_quality = _MAPQ
                segment.cigartuples = [(0, len(read.sequence))]
                segment.query_qualities = qualities[:len(read.sequence)]
                segment.set_tags([("MD", read.md), ("NM", int(read.nm))])
                bam.write(segment)
        pysam.index(str(tmp))
        with io.atomic_path(f"{path}.bai") as bai:
            os.replace(f"{tmp}.bai", bai)
