"""PAR-CLIP crosslink sites as the CLIP Tool Kit calls them, and binding around exon sets.

From a BAM of aligned PAR-CLIP reads (paper Methods, "A1CF PAR-CLIP analysis"; CTK's
PAR-CLIP protocol, Shah et al. 2017):

1. :func:`open_bam` -- a coordinate-sorted, indexed BAM, or a :class:`ClipError` that names
   the file and the ``samtools`` command that fixes it;
2. :func:`collapse_duplicates` -- exact PCR duplicates (same chromosome, strand, start, end
   and sequence) collapse to one read;
3. :func:`unique_tags` -- each remaining read is a unique tag; its T-to-C transitions on the
   transcript strand (genome A-to-G for a reverse-strand read) are read from the alignment
   against the reference bases of its MD tag;
4. :func:`crosslink_sites` -- positions with transitions in >= ``min_tags`` unique tags
   (paper: 2), written by :func:`write_bed` as BED6 (score: unique tags); a BAM that gives
   none (no reads, no T-to-C tags) is refused.

Then, per exon triplet (:mod:`eigflow_arms.splicing.events`), on the sites of
:func:`read_sites_for_events` (refused when they share too few chromosome names with the
events, which would leave every exon unbound): :func:`binding_table` (a site
within 300 nt upstream of the alternative exon A, inside it, within 300 nt downstream, or
any), :func:`fisher_by_region` (Fig. 4d), :func:`tags_by_position` (supp. S12b) and
:func:`motif_enrichment_at_sites` (supp. S12a).

``python -m eigflow_arms.liver.clip.sites IN.bam OUT.bed [--min-tags 2]`` runs steps 1-4.
"""
from __future__ import annotations

import argparse
import csv
import logging
import sys
from collections import Counter
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

import numpy as np
import pandas as pd
import pysam
from eigflow.progress import Progress
from scipy.stats import fisher_exact

from eigflow_arms.common import io
from eigflow_arms.common.checks import examples, require_matches
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import sequence as sq

__all__ = ["ClipError", "Tag", "REGIONS", "open_bam", "aligned_reads",
           "collapse_duplicates", "unique_tags", "crosslink_sites", "write_bed", "read_bed",
           "read_sites_for_events", "call_sites", "binding_table", "fisher_by_region",
           "binding_tests", "tags_by_position", "motif_enrichment_at_sites"]

log = logging.getLogger(__name__)

REGIONS = ("upstream", "exon", "downstream", "any")
SITE_COLUMNS = ["chrom", "pos0", "strand", "tags"]
# The transcript's U and the cDNA's C as the genome's forward strand shows them; MD gives the
# reference base of a mismatch in lower case through get_aligned_pairs(with_seq=True).
_TRANSITION = {False: ("t", "C"), True: ("a", "G")}
_SKIP = 0x4 | 0x100 | 0x200 | 0x800   # unmapped, secondary, QC fail, supplementary


class ClipError(ValueError):
    """A PAR-CLIP input that cannot be used, with the file, the field and the fix."""


def _sort_fix(path: Path) -> str:
    fixed = path.with_name(f"{path.stem}.sorted.bam")
    return f"sort it by coordinate and index it: `samtools sort -o {fixed} {path} && samtools index {fixed}`"


# --- reads ------------------------------------------------------------------------------------

def open_bam(path) -> pysam.AlignmentFile:
    """Open a BAM of aligned reads; refuse one whose header is not ``SO:coordinate`` or that
    has no index (.bai/.csi) beside it."""
    path = Path(path)
    if not path.is_file():
        raise ClipError(f"{path}: no such file; expected a BAM of aligned PAR-CLIP reads")
    try:
        bam = pysam.AlignmentFile(str(path), "rb")
    except (ValueError, OSError) as err:
        raise ClipError(f"{path}: cannot be read as a BAM ({err})") from None
    order = bam.header.to_dict().get("HD", {}).get("SO", "unknown")
    if order != "coordinate":
        bam.close()
        raise ClipError(f"{path}: header says SO:{order}, not SO:coordinate; {_sort_fix(path)}")
    if not bam.has_index():
        bam.close()
        raise ClipError(f"{path}: no index (.bai or .csi) beside it; run `samtools index {path}`")
    return bam


def aligned_reads(bam: pysam.AlignmentFile, path) -> Iterator[pysam.AlignedSegment]:
    """The primary mapped reads of ``bam`` in file order, checked to be coordinate-sorted and
    to carry MD tags as they stream by."""
    previous = (-1, -1)
    for read in bam.fetch(until_eof=True):
        if read.flag & _SKIP:
            continue
        here = (read.reference_id, read.reference_start)
        if here < previous:
            raise ClipError(f"{path}: read {read.query_name!r} at {read.reference_name}:"
                            f"{read.reference_start + 1} comes after position {previous[1] + 1} of "
                            f"reference {previous[0]} although the header says SO:coordinate; "
                            f"{_sort_fix(Path(path))}")
        if not read.has_tag("MD"):
            raise ClipError(f"{path}: read {read.query_name!r} has no MD tag, which gives the "
                            f"reference base of each mismatch; add them: `samtools calmd -b {path} "
                            f"genome.fa > with_md.bam && samtools index with_md.bam`")
        previous = here
        yield read


def collapse_duplicates(reads: Iterable[pysam.AlignedSegment]) -> Iterator[pysam.AlignedSegment]:
    """The first read of each group of exact duplicates (chromosome, strand, start, end,
    sequence) of coordinate-sorted ``reads``. Duplicates share a start, so only the reads of
    the current start are remembered."""
    here, seen = None, set()
    for read in reads:
        start = (read.reference_id, read.reference_start)
        if start != here:
            here, seen = start, set()
        key = (read.is_reverse, read.reference_end, read.query_sequence)
        if key not in seen:
            seen.add(key)
            yield read


class Tag(NamedTuple):
    """A unique tag: its chromosome, strand, 0-based half-open span, and the 0-based genomic
    positions of its T-to-C transitions."""

    chrom: str
    strand: str
    start: int
    end: int
    transitions: tuple[int, ...]


def unique_tags(reads: Iterable[pysam.AlignedSegment]) -> Iterator[Tag]:
    """Each (already collapsed) read as a :class:`Tag` with its T-to-C transitions."""
    for read in reads:
        reference, converted = _TRANSITION[read.is_reverse]
        sequence = read.query_sequence
        pairs = read.get_aligned_pairs(matches_only=True, with_seq=True)
        transitions = tuple(rpos for qpos, rpos, base in pairs
                            if base == reference and sequence[qpos] == converted)
        yield Tag(read.reference_name, "-" if read.is_reverse else "+", read.reference_start,
                  read.reference_end, transitions)


def crosslink_sites(bam_path, min_tags: int = 2) -> pd.DataFrame:
    """Positions with T-to-C transitions in at least ``min_tags`` unique tags.

    Returns
    -------
    DataFrame
        chrom, pos0 (0-based), strand, tags (unique tags with the transition there), in the
        BAM header's chromosome order, then by position.

    Raises
    ------
    ClipError
        For a BAM refused by :func:`open_bam` or :func:`aligned_reads`, and for one that gives
        no site, saying whether it has no reads, no T-to-C tags or too few tags per position.
    """
    path = Path(bam_path)
    counts, n_tags, n_converted = Counter(), 0, 0
    with open_bam(path) as bam:
        order = {name: k for k, name in enumerate(bam.references)}
        progress = Progress(bam.mapped, "reads", log, f"{path.name}: unique tags")
        reads = aligned_reads(bam, path)
        for tag in unique_tags(collapse_duplicates(_counted(reads, progress))):
            n_tags += 1
            n_converted += bool(tag.transitions)
            counts.update((tag.chrom, pos, tag.strand) for pos in tag.transitions)
    sites = pd.DataFrame([(*key, n) for key, n in counts.items()], columns=SITE_COLUMNS)
    kept = sites[sites.tags >= min_tags]
    kept = kept.assign(order=kept.chrom.map(order)).sort_values(["order", "pos0", "strand"])
    log.info("%s: %d reads -> %d unique tags, %d with T-to-C transitions, at %d positions; %d "
             "with >= %d unique tags", path, progress.done, n_tags, n_converted, len(sites), len(kept),
             min_tags)
    # No site would give Fig. 4d and supp. S12 zero bound exons in every set: figures of
    # nothing, not of the regulator's binding.
    if not progress.done:
        raise ClipError(f"{path}: no crosslink site, no reads: the BAM holds no primary mapped read "
                        f"(it is empty, or every read is unmapped, secondary or QC-failed); align "
                        f"the PAR-CLIP reads into it")
    if not n_converted:
        raise ClipError(f"{path}: no crosslink site, no T-to-C tags: none of its {n_tags} unique tags "
                        f"has a T-to-C transition, which 4-thiouridine crosslinks leave; check the MD "
                        f"tags (`samtools calmd`) and that these are PAR-CLIP reads")
    if kept.empty:
        raise ClipError(f"{path}: no crosslink site: no position has T-to-C transitions in >= "
                        f"{min_tags} unique tags; lower liver.parclip.min_tags or sequence deeper")
    return kept[SITE_COLUMNS].reset_index(drop=True).astype({"pos0": np.int64, "tags": np.int64})


def _counted(reads: Iterable, progress: Progress) -> Iterator:
    for read in reads:
        progress.advance(1)
        yield read


def write_bed(path, sites: pd.DataFrame) -> None:
    """BED6 of the sites (name ``T2C``, score: unique tags), written atomically."""
    bed = pd.DataFrame({"chrom": sites.chrom, "start": sites.pos0, "end": sites.pos0 + 1,
                        "name": "T2C", "score": sites.tags, "strand": sites.strand})
    with io.atomic_path(path) as tmp:
        bed.to_csv(tmp, sep="\t", header=False, index=False, quoting=csv.QUOTE_NONE)


def read_bed(path) -> pd.DataFrame:
    """Read a BED6 of single-nucleotide crosslink sites (:func:`write_bed`'s format; score:
    unique tags) into chrom, pos0, strand, tags."""
    path = Path(path)
    try:
        bed = pd.read_csv(path, sep="\t", header=None, comment="#", dtype={0: str})
    except pd.errors.EmptyDataError:
        return pd.DataFrame({"chrom": pd.Series(dtype=str), "pos0": pd.Series(dtype=np.int64),
                             "strand": pd.Series(dtype=str), "tags": pd.Series(dtype=np.int64)})
    except (OSError, pd.errors.ParserError) as err:
        raise ClipError(f"{path}: cannot be read as a BED of crosslink sites ({err})") from None
    if bed.shape[1] < 6:
        raise ClipError(f"{path}: {bed.shape[1]} columns; a BED6 of sites needs chrom, start, end, "
                        f"name, score (unique tags), strand")
    start, end, score = (pd.to_numeric(bed[k], errors="coerce") for k in (1, 2, 4))
    bad = (start.isna() | end.isna() | score.isna() | (end != start + 1) | (score < 0)
           | ~bed[5].isin(["+", "-"]))
    if bad.any():
        line = int(np.flatnonzero(bad.to_numpy())[0]) + 1
        raise ClipError(f"{path}: line {line} ({' '.join(map(str, bed.loc[bad].iloc[0, :6]))}) is not a "
                        f"site: need end = start + 1 (one nucleotide), a score >= 0 (unique tags) and "
                        f"strand '+' or '-'")
    return pd.DataFrame({"chrom": bed[0], "pos0": start.astype(np.int64), "strand": bed[5],
                         "tags": score.astype(np.int64)})


def read_sites_for_events(bed_path, events: pd.DataFrame, events_path) -> pd.DataFrame:
    """:func:`read_bed` of the sites that :func:`binding_table` and :func:`tags_by_position`
    lay over an event table, refused when they cannot meet its events.

    Sites match by chromosome name only: a BAM aligned to ``1..5`` and events on ``chr1..5``
    would find no site near any exon, and every set would come out unbound. Raises
    :class:`ClipError` when the BED holds no site, or when fewer than
    :data:`eigflow_arms.common.checks.MIN_FRACTION` of its sites lie on a chromosome of the
    events, naming both spellings.
    """
    sites = read_bed(bed_path)
    if sites.empty:
        fix = ("the BED holds no crosslink site: its PAR-CLIP BAM gave no reads or no T-to-C "
               "tags (see the parclip_sites job log); call the sites again from a BAM of aligned reads")
    else:
        fix = (f"the BAM says {examples(sites.chrom)} (its reference names, in these sites), the "
               f"events ({events_path}) say {examples(events.chrom)}; rename the BAM's references "
               f"with `samtools reheader` (or align to the events' genome) and call the sites "
               f"again, or fix the event table's chrom column")
    require_matches(int(sites.chrom.isin(set(events.chrom)).sum()), len(sites),
                    "crosslink sites on a chromosome of the events", bed_path, "chrom", fix, error=ClipError)
    return sites


def call_sites(bam_path, bed_path, min_tags: int = 2) -> pd.DataFrame:
    """:func:`crosslink_sites` of a BAM written to a BED; nothing is written if the BAM is refused."""
    sites = crosslink_sites(bam_path, min_tags)
    write_bed(bed_path, sites)
    return sites


# --- sites around exon triplets ---------------------------------------------------------------

def _by_strand(sites: pd.DataFrame) -> dict:
    """(chrom, strand) -> (sorted 0-based positions, their tags)."""
    out = {}
    for key, group in sites.groupby(["chrom", "strand"], sort=False):
        order = np.argsort(group.pos0.to_numpy(), kind="stable")
        out[key] = group.pos0.to_numpy(np.int64)[order], group.tags.to_numpy(np.int64)[order]
    return out


def _flank_intervals(events: pd.DataFrame, flank: int) -> dict:
    """Half-open 0-based genomic intervals (lo, hi), each (n,), of the region upstream of A
    (the last ``flank`` nt of its intron, in transcript orientation), A, and downstream."""
    plus = (events.strand == "+").to_numpy()
    c1s, c1e, a_s, a_e, c2s, c2e = (events[c].to_numpy(np.int64) for c in ev.COORDINATES)
    before = (np.maximum(a_s - 1 - flank, np.where(plus, c1e, c2e)), a_s - 1)   # genomically before A
    after = (a_e, np.minimum(a_e + flank, np.where(plus, c2s, c1s) - 1))       # genomically after A
    return {"upstream": tuple(np.where(plus, b, a) for b, a in zip(before, after)),
            "exon": (a_s - 1, a_e),
            "downstream": tuple(np.where(plus, a, b) for b, a in zip(before, after))}


def binding_table(sites: pd.DataFrame, events: pd.DataFrame, flank: int = 300) -> pd.DataFrame:
    """Whether a site lies near each event's alternative exon A, on the event's strand.

    Returns
    -------
    DataFrame
        event_id and a bool column per :data:`REGIONS`: ``upstream`` (within ``flank`` nt of
        intron before A), ``exon`` (inside A), ``downstream`` (within ``flank`` nt of intron
        after A), ``any``.
    """
    index = _by_strand(sites)
    intervals = _flank_intervals(events, flank)
    found = {region: np.zeros(len(events), bool) for region in intervals}
    for (chrom, strand), rows in events.groupby(["chrom", "strand"], sort=False).indices.items():
        positions, _ = index.get((chrom, strand), (np.zeros(0, np.int64), None))
        for region, (lo, hi) in intervals.items():
            found[region][rows] = np.searchsorted(positions, hi[rows]) > np.searchsorted(positions, lo[rows])
    table = pd.DataFrame({"event_id": events.event_id.to_numpy(), **found})
    table["any"] = table[list(intervals)].any(axis=1)
    return table


def fisher_by_region(binding: pd.DataFrame, set_a, set_b) -> pd.DataFrame:
    """Two-tailed Fisher's exact test of bound exons in ``set_a`` vs ``set_b`` per region.

    ``set_a``, ``set_b``: (n,) bool masks over the rows of ``binding``. Returns region, n_a,
    n_b, fraction_a, fraction_b (share bound), odds_ratio, p.
    """
    set_a, set_b = np.asarray(set_a, bool), np.asarray(set_b, bool)
    rows = []
    for region in REGIONS:
        bound = binding[region].to_numpy(bool)
        table = [[int((bound & set_a).sum()), int((~bound & set_a).sum())],
                 [int((bound & set_b).sum()), int((~bound & set_b).sum())]]
        odds, p = fisher_exact(table, alternative="two-sided")
        rows.append({"region": region, "n_a": int(set_a.sum()), "n_b": int(set_b.sum()),
                     "fraction_a": table[0][0] / max(set_a.sum(), 1),
                     "fraction_b": table[1][0] / max(set_b.sum(), 1), "odds_ratio": odds, "p": p})
    return pd.DataFrame(rows)


def binding_tests(binding: pd.DataFrame, sets: dict, comparisons) -> pd.DataFrame:
    """:func:`fisher_by_region` for each (set_a, set_b) name pair of ``comparisons`` over the
    masks ``sets``; the Fig. 4d table, with set_a and set_b columns first."""
    return pd.concat([fisher_by_region(binding, sets[a], sets[b]).assign(set_a=a, set_b=b)
                      for a, b in comparisons], ignore_index=True)[
        ["set_a", "set_b", "region", "n_a", "n_b", "fraction_a", "fraction_b", "odds_ratio", "p"]]


def _splice_site_grid(events: pd.DataFrame, flank: int, exonic: int) -> dict:
    """0-based genomic position of every transcript offset around A's splice sites, (n, W):
    ``3ss`` offsets -flank..exonic-1 from A's first base, ``5ss`` -exonic..flank-1 from the
    first intronic base after A."""
    plus = (events.strand == "+").to_numpy()[:, None]
    a_s, a_e = (events[c].to_numpy(np.int64)[:, None] for c in ("a_start", "a_end"))
    three, five = np.arange(-flank, exonic), np.arange(-exonic, flank)
    return {"3ss": (np.where(plus, a_s - 1 + three, a_e - 1 - three), three),
            "5ss": (np.where(plus, a_e + five, a_s - 2 - five), five)}


def tags_by_position(sites: pd.DataFrame, events: pd.DataFrame, sets: dict, flank: int = 300,
                     exonic: int = 50) -> pd.DataFrame:
    """Mean unique tags per exon of each set at every position around A's splice sites
    (supp. S12b), on the event's strand and in transcript orientation.

    Returns
    -------
    DataFrame
        set, splice_site (``3ss``: position 0 is A's first base; ``5ss``: position 0 is the
        first intronic base after A), position, mean_tags. Windows run ``flank`` nt into the
        intron and ``exonic`` nt into A, whatever the intron's or exon's length.
    """
    index = _by_strand(sites)
    grids = _splice_site_grid(events, flank, exonic)
    tables = []
    for site, (grid, offsets) in grids.items():
        tags = np.zeros(grid.shape)
        for (chrom, strand), rows in events.groupby(["chrom", "strand"], sort=False).indices.items():
            if (chrom, strand) not in index:
                continue
            positions, counts = index[chrom, strand]
            at = np.minimum(np.searchsorted(positions, grid[rows]), len(positions) - 1)
            tags[rows] = np.where(positions[at] == grid[rows], counts[at], 0)
        for name, mask in sets.items():
            mask = np.asarray(mask, bool)
            mean = tags[mask].mean(axis=0) if mask.any() else np.full(len(offsets), np.nan)
            tables.append(pd.DataFrame({"set": name, "splice_site": site, "position": offsets,
                                        "mean_tags": mean}))
    return pd.concat(tables, ignore_index=True)


def _coverage(seq: str, motifs) -> np.ndarray:
    """(len(seq),) bool: the position lies in an occurrence of one of ``motifs``."""
    delta = np.zeros(len(seq) + 1, np.int64)
    for motif in motifs:
        starts = sq.motif_positions(seq, motif)
        np.add.at(delta, starts, 1)
        np.add.at(delta, starts + len(motif), -1)
    return np.cumsum(delta[:-1]) > 0


def motif_enrichment_at_sites(fasta_path, sites: pd.DataFrame, motifs, window: int = 50,
                              shift: tuple[int, int] = (100, 300), seed: int = 0) -> pd.DataFrame:
    """How often the motifs cover each position around crosslink sites, against background
    Us (supp. S12a).

    ``motifs``: IUPAC motifs, the liver regulator's k-mers (paper: AAU, UAA, AUU;
    :mod:`eigflow_arms.liver.regulator`). A crosslink needs a U, so each site's background is a U drawn at random ``shift`` nt
    (either side) from it on the same strand: same transcript, same composition, no site.

    Returns
    -------
    DataFrame
        offset (-window..window, transcript orientation), sites and background (the share of
        sites / background Us with a motif occurrence covering that offset), n (sites used:
        those whose windows fit on their chromosome and have a background U).

    Raises
    ------
    ClipError
        When none, or implausibly few, of the sites lie on a chromosome of the FASTA (another
        spelling of the names), or have windows that fit there (another assembly).
    """
    rng = np.random.default_rng(seed)
    reach = window + shift[1]
    width = 2 * window + 1
    at_sites, at_background = np.zeros(width), np.zeros(width)
    used = 0
    with pysam.FastaFile(str(fasta_path)) as fasta:
        lengths = dict(zip(fasta.references, fasta.lengths))
        on_fasta = sites.chrom.isin(set(lengths))
        require_matches(int(on_fasta.sum()), len(sites), "crosslink sites on a chromosome of the FASTA",
                        fasta_path, "sequence names",
                        f"the sites (from the PAR-CLIP BAM) say {examples(sites.chrom)}, the FASTA says "
                        f"{examples(fasta.references)}; rename the BAM's references with `samtools "
                        f"reheader`, or align the reads to this genome", error=ClipError)
        for site in sites[on_fasta].itertuples(index=False):
            lo, hi = site.pos0 - reach, site.pos0 + reach + 1
            if lo < 0 or hi > lengths[site.chrom]:
                continue
            seq = ev.oriented(fasta.fetch(site.chrom, lo, hi), site.strand)
            distance = np.abs(np.arange(len(seq)) - reach)
            candidates = np.flatnonzero((sq.codes(seq) == 3) & (distance >= shift[0])
                                        & (distance <= shift[1]))
            if not len(candidates):
                continue
            covered = _coverage(seq, motifs)
            background = int(rng.choice(candidates))
            at_sites += covered[reach - window:reach + window + 1]
            at_background += covered[background - window:background + window + 1]
            used += 1
    # Sites past a chromosome's end, or without a U around them, mean another assembly.
    require_matches(used, int(on_fasta.sum()), f"crosslink sites whose {reach}-nt flanks fit on the "
                    f"chromosome and hold a background U", fasta_path, "pos0 of the sites",
                    "the sites lie beyond the chromosomes' ends or on no transcript sequence; align "
                    "the PAR-CLIP reads to the genome FASTA the events come from", error=ClipError)
    log.info("motif enrichment: %d of %d sites used; %s cover %.0f%% of crosslinked positions "
             "and %.0f%% of background Us", used, len(sites), "/".join(motifs),
             100 * at_sites[window] / used, 100 * at_background[window] / used)
    return pd.DataFrame({"offset": np.arange(-window, window + 1), "sites": at_sites / used,
                         "background": at_background / used, "n": used})


# --- command line -----------------------------------------------------------------------------

def main(argv=None) -> int:
    """``python -m eigflow_arms.liver.clip.sites IN.bam OUT.bed [--min-tags N]``; exit 2 on a refused BAM."""
    parser = argparse.ArgumentParser(description="CTK-like PAR-CLIP crosslink sites (T-to-C in "
                                                 ">= N unique tags) from a sorted, indexed BAM")
    parser.add_argument("bam")
    parser.add_argument("bed")
    parser.add_argument("--min-tags", type=int, default=2)
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(levelname)s %(name)s: %(message)s")
    try:
        call_sites(args.bam, args.bed, args.min_tags)
    except ClipError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
