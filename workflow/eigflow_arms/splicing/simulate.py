"""A simulated transcriptome in real file formats: the splicing arm's stand-in for the paper's data.

Real data cannot be downloaded here, so :func:`simulate` writes what the paper's pipeline
starts from, in the formats real data come in; the workflow then loads simulated and real
files with the same readers.

==============================  ===============================================================
``genome.fa``, ``genome.fa.fai``  chromosomes chr1..chrN of genes between ~200-nt spacers
``events.tsv``                    one exon triplet C1-A-C2 per gene (:mod:`.events` format)
``events.bed``, ``events.gtf``    the same events, for genome browsers and annotation tools
``majiq/{t}.psi.tsv``             voila-style PSI per tissue (:mod:`.majiq` format)
``majiq/{t1}-{t2}.deltapsi.tsv``  voila-style dPSI per tissue pair
``expression/rbp_tpm.tsv``        TPM of the program's RBPs per tissue and replicate
``psi_true.tsv``                  the true PSI of every event in every tissue
``program.tsv``                   the planted program: one row per RBP and region
``planted_sites.tsv``             every planted motif instance and where it lies in the genome
==============================  ===============================================================

How the truth is made. Each gene is one event, C1 I1 A I2 C2 in transcript order, on a
random strand. Exons and introns are Markov background (GC ~0.50 and ~0.40, shifted per
gene); splice sites are drawn from the matrices that feature extraction scores them with,
strong at constitutive exons and weak to moderate at cassette exons; each RBP of the program
(:class:`.program.Program`, read from its TSV) plants clusters of its motif in one of the
regions it acts from, inside the RBP's ``window`` there while it has room.
The PSI of an event in a tissue is computed from the genome *as written*, read back through
pysam with :func:`.events.event_sequences` exactly as feature extraction reads it::

    logit PSI_t = intercept + weight * (score(A 3'ss) + score(A 5'ss) - centre)
                  + sum_r activity_r(t) * sum_region effect_r,region * (count - mean count)
                  + u_event + e_event,t               (+ a large shift at constitutive exons)

Counts are centred on the transcriptome's mean, so that a regulator expressed in one tissue
does not shift every exon there. Junction reads are then drawn per event and tissue, and
Beta posteriors, as MAJIQ's, give E[PSI], E[dPSI] and the probabilities of change.
"""
from __future__ import annotations

import csv
import logging
import os
import time
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd
import pysam
from eigflow.progress import Progress
from scipy.special import expit

from eigflow_arms.common import io

from . import events as ev
from . import expression, majiq
from . import sequence as sq
from .program import BASAL

__all__ = ["simulate", "program_regulation", "quantify"]

log = logging.getLogger(__name__)

# Gene structure. Alternative exons are shorter than constitutive ones, as in mammals.
_EXON_MEDIAN = {"constitutive": 140, "cassette": 110}
_EXON_SIGMA, _EXON_BOUNDS = 0.35, (40, 400)
_INTRON_SIGMA = 0.5
# Introns hold both 300-nt flanks without overlap, so that a site lies in one intronic region.
_INTRON_MIN = 2 * ev.FLANK + 50
_SPACER = (150, 251)
_GC = {"exon": 0.50, "intron": 0.40}
_GC_GENE_SD = 0.04
_SITE_PWMS = {"C1_5ss": sq.FIVE_SS, "A_3ss": sq.THREE_SS, "A_5ss": sq.FIVE_SS, "C2_3ss": sq.THREE_SS}
# Splice-site strength in sequence.sample_sites: Beta(a, b); C1 and C2 are always constitutive.
_STRENGTH = {"constitutive": (8.0, 1.5), "cassette": (2.0, 2.0)}
# Inclusion beyond program.BASAL.
_EVENT_SD = 0.6            # per-event random effect: what the program does not explain
_CONSTITUTIVE_SHIFT = 7.0  # puts constitutive exons at PSI ~0.97-1

# Junction reads and their quantification.
_GENE_SD, _TISSUE_SD = 0.8, 0.3  # lognormal gene expression, and its change between tissues
_MIN_READS = 10                  # MAJIQ quantifies LSVs with >= 10 reads (builder --minreads)
_PRIOR = 0.5                     # Beta(0.5, 0.5) prior on PSI
_POSTERIOR_SAMPLES = 1000
_CHANGING_PROBABILITY = 0.9      # for the summary log: the paper's P(|dPSI| >= 0.2) >= 0.9

_TPM_SD = 0.25
_HOUSEKEEPING = {"ACTB": 2000.0, "GAPDH": 1500.0}

_CHUNK = 500  # genes (and events) at a time: memory stays bounded at any transcriptome size
_LINE = 60
_DNA = np.frombuffer(b"ACGT", dtype=np.uint8)
_STAGES = ("structure", "genome", "psi", "reads", "posterior", "expression")


def _counted(program) -> tuple:
    """Every (motif, region) whose count the program reads."""
    return tuple(dict.fromkeys((r.motif, region) for r in program for region in r.effects))


def simulate(out_dir, n_cassette: int, n_constitutive: int, seed: int, *, program,
             tissues=None, replicates: int = 6, intron_median: float = 1200,
             read_depth: float = 60, changing_threshold: float = 0.2,
             non_changing_threshold: float = 0.05, n_chromosomes: int = 5) -> dict:
    """Write a simulated transcriptome into ``out_dir`` (every file atomically).

    Parameters
    ----------
    out_dir : path
    n_cassette, n_constitutive : int
        Events of each kind (paper: 14,596 and 74,156), one gene each.
    seed : int
        Seeds every random choice; the same seed gives byte-identical files.
    program : Program
        The planted program (:func:`.program.read_program`).
    tissues : sequence of str, optional
        Tissues of the program to quantify (default: all of them).
    replicates : int
        Samples per tissue in the TPM table (and the group size in the voila metadata).
    intron_median : float
        Median intron length (nt); introns are at least 650 nt.
    read_depth : float
        Mean junction reads of an event of median expression.
    changing_threshold, non_changing_threshold : float
        |dPSI| thresholds of ``probability_changing`` and ``probability_non_changing``.
    n_chromosomes : int

    Returns
    -------
    dict
        Path of every output: genome, fai, events, bed, gtf, majiq (the folder), psi_true,
        program, planted_sites, expression.
    """
    tissues = tuple(program.tissues if tissues is None else tissues)
    _check(program, n_cassette, n_constitutive, tissues, replicates, intron_median, read_depth,
           changing_threshold, non_changing_threshold, n_chromosomes)
    started = time.perf_counter()
    out = Path(out_dir)
    paths = {"genome": out / "genome.fa", "fai": out / "genome.fa.fai", "events": out / "events.tsv",
             "bed": out / "events.bed", "gtf": out / "events.gtf", "majiq": out / "majiq",
             "psi_true": out / "psi_true.tsv", "program": out / "program.tsv",
             "planted_sites": out / "planted_sites.tsv", "expression": out / "expression" / "rbp_tpm.tsv"}
    rng = {stage: np.random.default_rng(s)
           for stage, s in zip(_STAGES, np.random.SeedSequence(seed).spawn(len(_STAGES)))}

    genes = _draw_genes(n_cassette, n_constitutive, n_chromosomes, intron_median, rng["structure"])
    events = _events_table(genes)
    planted = _planted_table(_write_genome(paths["genome"], genes, program, rng["genome"]), genes, events)
    io.write_tsv(paths["events"], events)
    _write_plain(paths["bed"], ev.to_bed12(events))
    _write_plain(paths["gtf"], ev.to_gtf(events))
    io.write_tsv(paths["planted_sites"], planted)

    strength, counts = _read_back(paths["genome"], events, _counted(program))
    constitutive = events.event_type.eq("constitutive").to_numpy()
    regulation = _regulation(counts, program)
    psi = _true_psi(strength, regulation, constitutive, program.activities(tissues), rng["psi"])
    pairs, p_changing = _quantify(paths["majiq"], events, tissues, psi, rng["reads"], rng["posterior"],
                                  read_depth=read_depth, replicates=replicates,
                                  thresholds=(changing_threshold, non_changing_threshold))
    io.write_tsv(paths["psi_true"], pd.concat([events[["event_id"]], pd.DataFrame(psi, columns=tissues)],
                                              axis=1))
    io.write_tsv(paths["program"], _program_table(program, tissues))
    expression.write_tpm(paths["expression"], _rbp_tpm(program, tissues, replicates, rng["expression"]))
    _summarise(program, events, psi, regulation, p_changing, pairs, tissues, planted,
               changing_threshold, time.perf_counter() - started)
    return paths


def _check(program, n_cassette, n_constitutive, tissues, replicates, intron_median, read_depth,
           changing_threshold, non_changing_threshold, n_chromosomes) -> None:
    unknown = [t for t in tissues if t not in program.tissues]
    if not tissues or unknown or len(set(tissues)) != len(tissues):
        raise ValueError(f"tissues {list(tissues)}: give distinct tissues of the program "
                         f"{program.path}, {list(program.tissues)}")
    if min(n_cassette, n_constitutive) < 0 or not 1 <= n_chromosomes <= n_cassette + n_constitutive:
        raise ValueError(f"n_cassette={n_cassette}, n_constitutive={n_constitutive}, "
                         f"n_chromosomes={n_chromosomes}: event counts must be >= 0 and each "
                         f"chromosome needs at least one event")
    if replicates < 1 or intron_median <= 0 or read_depth <= 0:
        raise ValueError(f"replicates={replicates}, intron_median={intron_median}, "
                         f"read_depth={read_depth}: all must be positive")
    if not 0 < non_changing_threshold < changing_threshold < 1:
        raise ValueError(f"thresholds: need 0 < non_changing_threshold ({non_changing_threshold}) "
                         f"< changing_threshold ({changing_threshold}) < 1")


# --- gene structure ---------------------------------------------------------------------------

def _lengths(rng, median: float, sigma: float, bounds, n: int) -> np.ndarray:
    """(n,) int64 lognormal lengths around ``median``, clipped to ``bounds``."""
    return np.clip(np.rint(median * rng.lognormal(0.0, sigma, n)), *bounds).astype(np.int64)


def _draw_genes(n_cassette, n_constitutive, n_chromosomes, intron_median, rng) -> pd.DataFrame:
    """One row per gene (= event), in genome order.

    Columns: event_type, chrom, strand, gc_shift, segment lengths (spacer, c1, i1, a, i2, c2),
    the strength of every splice site (:data:`.events.SITES`), length and start (the gene's
    0-based genomic start, after its spacer).
    """
    n = n_cassette + n_constitutive
    cassette = rng.permutation(np.arange(n) < n_cassette)
    sizes = [len(part) for part in np.array_split(np.arange(n), n_chromosomes)]
    introns = (intron_median, _INTRON_SIGMA, (_INTRON_MIN, max(6 * intron_median, _INTRON_MIN)), n)
    constitutive_exon = (_EXON_MEDIAN["constitutive"], _EXON_SIGMA, _EXON_BOUNDS, n)
    genes = pd.DataFrame({
        "event_type": np.where(cassette, "cassette", "constitutive"),
        "chrom": np.repeat([f"chr{k + 1}" for k in range(n_chromosomes)], sizes),
        "strand": rng.choice(np.array(["+", "-"]), n),
        "gc_shift": rng.normal(0.0, _GC_GENE_SD, n),
        "spacer": rng.integers(*_SPACER, n),
        "c1": _lengths(rng, *constitutive_exon),
        "i1": _lengths(rng, *introns),
        "a": np.where(cassette, _lengths(rng, _EXON_MEDIAN["cassette"], _EXON_SIGMA, _EXON_BOUNDS, n),
                      _lengths(rng, *constitutive_exon)),
        "i2": _lengths(rng, *introns),
        "c2": _lengths(rng, *constitutive_exon),
    })
    a_alpha, a_beta = np.where(cassette[:, None], _STRENGTH["cassette"], _STRENGTH["constitutive"]).T
    for site in ev.SITES:
        genes[site] = (rng.beta(a_alpha, a_beta) if site.startswith("A_")
                       else rng.beta(*_STRENGTH["constitutive"], n))
    genes["length"] = genes[["c1", "i1", "a", "i2", "c2"]].sum(axis=1)
    unit_end = (genes.spacer + genes.length).groupby(genes.chrom, sort=False).cumsum()
    genes["start"] = unit_end - genes.length
    return genes


def _exon_bounds(genes: pd.DataFrame) -> dict:
    """Half-open transcript-orientation bounds of each exon within its gene: exon -> (start, end)."""
    a_start = genes.c1 + genes.i1
    return {"c1": (np.zeros(len(genes), np.int64), genes.c1.to_numpy()),
            "a": (a_start.to_numpy(), (a_start + genes.a).to_numpy()),
            "c2": ((genes.length - genes.c2).to_numpy(), genes.length.to_numpy())}


def _to_genome(genes: pd.DataFrame, start, end) -> tuple[np.ndarray, np.ndarray]:
    """1-based inclusive genomic interval of half-open transcript intervals [start, end)."""
    plus = genes.strand.eq("+").to_numpy()
    g0, length = genes.start.to_numpy(), genes.length.to_numpy()
    return (np.where(plus, g0 + start + 1, g0 + length - end + 1),
            np.where(plus, g0 + end, g0 + length - start))


def _events_table(genes: pd.DataFrame) -> pd.DataFrame:
    """The event table (:data:`.events.COLUMNS`) of the genes."""
    number = np.char.zfill(np.arange(1, len(genes) + 1).astype(str), 6)
    table = pd.DataFrame({"event_id": np.char.add("E", number), "gene_id": np.char.add("G", number),
                          "chrom": genes.chrom.to_numpy(), "strand": genes.strand.to_numpy()})
    for exon, (start, end) in _exon_bounds(genes).items():
        table[f"{exon}_start"], table[f"{exon}_end"] = _to_genome(genes, start, end)
    table["event_type"] = genes.event_type.to_numpy()
    return table[ev.COLUMNS]


# --- genome -----------------------------------------------------------------------------------

def _windows(length: int, bounds: dict) -> dict:
    """Half-open transcript-orientation window of every REGION and SITE of one gene, sliced
    by :func:`.events.regions` itself, so that plants land where feature extraction looks."""
    return {name: (int(part[0]), int(part[-1]) + 1)
            for name, part in ev.regions(np.arange(length), bounds).items()}


def _free_start(occupied: np.ndarray, lo: int, hi: int, width: int, rng) -> int | None:
    """A random start in [lo, hi - width] whose ``width`` positions are all free, or None."""
    if hi - lo < width:
        return None
    taken = np.concatenate([[0], np.cumsum(occupied[lo:hi])])
    free = np.flatnonzero(taken[width:] == taken[:-width])
    return lo + int(rng.choice(free)) if len(free) else None


def _plant(gene, occupied, window, preferred, rbp, rng) -> list[tuple[int, str]]:
    """Write ``rbp.copies`` motif instances at free, non-overlapping positions of ``window``
    (inside ``preferred`` while it has room); return (start, instance) of each placed one."""
    placed = []
    for instance in sq.sample_motif(rbp.motif, rng, rbp.copies):
        width = len(instance)
        start = _free_start(occupied, *preferred, width, rng) if preferred else None
        if start is None:
            start = _free_start(occupied, *window, width, rng)
        if start is None:
            continue
        gene[start:start + width] = sq.codes(instance)
        occupied[start:start + width] = True
        placed.append((start, instance))
    return placed


def _segments(exonic: np.ndarray, other: np.ndarray, lengths) -> tuple[np.ndarray, np.ndarray]:
    """One gene's codes in transcript orientation, C1 I1 A I2 C2, and its spacer, cut from its
    exonic and non-exonic background rows."""
    c1, i1, a, i2, c2, spacer = lengths
    gene = np.concatenate([exonic[:c1], other[:i1], exonic[c1:c1 + a], other[i1:i1 + i2],
                           exonic[c1 + a:c1 + a + c2]])
    return gene, other[i1 + i2:i1 + i2 + spacer]


def _chunk_genome(chunk: pd.DataFrame, program, rng) -> tuple[np.ndarray, list, int]:
    """Genome-orientation codes (A C G T = 0..3) of a run of genes with their spacers, the
    sites planted there, as (row in chunk, rbp, region, offset in region, instance,
    transcript start), and how many motif copies found no free room."""
    m = len(chunk)
    cassette = chunk.event_type.eq("cassette").to_numpy()
    # Who plants where, drawn for the whole chunk: RBP r plants in gene j, in region pick[j].
    plans = [(r, (cassette | r.everywhere) & (rng.random(m) < r.rate), rng.integers(len(r.effects), size=m))
             for r in program]
    lengths = chunk[["c1", "i1", "a", "i2", "c2", "spacer"]].to_numpy()
    c1, i1, a, i2, c2, spacer = lengths.T
    shift = chunk.gc_shift.to_numpy()
    exonic = sq.markov_background(rng, m, int((c1 + a + c2).max()), _GC["exon"] + shift)
    other = sq.markov_background(rng, m, int((i1 + i2 + spacer).max()), _GC["intron"] + shift)
    sites = {name: sq.sample_sites(pwm, chunk[name].to_numpy(), rng) for name, pwm in _SITE_PWMS.items()}
    bounds = _exon_bounds(chunk)
    plus = chunk.strand.eq("+").to_numpy()
    units, planted, dropped = [], [], 0
    for j in range(m):
        gene, spacer_codes = _segments(exonic[j], other[j], lengths[j])
        windows = _windows(len(gene), {e: (int(s[j]), int(t[j])) for e, (s, t) in bounds.items()})
        occupied = np.zeros(len(gene), bool)
        for name in _SITE_PWMS:
            lo, hi = windows[name]
            gene[lo:hi] = sq.codes(sites[name][j])
            occupied[lo:hi] = True
        for rbp, chosen, pick in plans:
            if chosen[j]:
                region = list(rbp.effects)[pick[j]]
                lo, hi = windows[region]
                inside = rbp.window is not None and rbp.window[0] == region
                preferred = (lo + rbp.window[1], min(lo + rbp.window[2], hi)) if inside else None
                placed = _plant(gene, occupied, (lo, hi), preferred, rbp, rng)
                planted += [(j, rbp.name, region, start - lo, instance, start) for start, instance in placed]
                dropped += rbp.copies - len(placed)
        units += [spacer_codes, gene if plus[j] else 3 - gene[::-1]]
    return np.concatenate(units), planted, dropped


class _FastaWriter:
    """FASTA records in fixed-width lines, each sequence arriving in pieces."""

    def __init__(self, handle, width: int = _LINE):
        self.handle, self.width, self.pending = handle, width, np.zeros(0, np.uint8)

    def begin(self, name: str) -> None:
        self.end()
        self.handle.write(f">{name}\n".encode())

    def extend(self, letters: np.ndarray) -> None:
        data = np.concatenate([self.pending, letters])
        full = len(data) - len(data) % self.width
        rows = data[:full].reshape(-1, self.width)
        self.handle.write(np.hstack([rows, np.full((len(rows), 1), ord("\n"), np.uint8)]).tobytes())
        self.pending = data[full:]

    def end(self) -> None:
        if len(self.pending):
            self.handle.write(self.pending.tobytes() + b"\n")
        self.pending = np.zeros(0, np.uint8)


def _write_genome(path: Path, genes: pd.DataFrame, program, rng) -> list:
    """Write the FASTA and its .fai; return the planted sites as
    (gene row, rbp, region, offset, instance, transcript start)."""
    planted, dropped = [], 0
    progress = Progress(len(genes), "genes", log, "genome")
    chroms = genes.chrom.to_numpy()
    with io.atomic_path(path) as tmp:
        with open(tmp, "wb") as handle:
            fasta = _FastaWriter(handle)
            for chrom in pd.unique(chroms):
                fasta.begin(chrom)
                rows = np.flatnonzero(chroms == chrom)
                for lo in range(0, len(rows), _CHUNK):
                    chunk = rows[lo:lo + _CHUNK]
                    codes, sites, full = _chunk_genome(genes.iloc[chunk], program, rng)
                    fasta.extend(_DNA[codes])
                    planted += [(chunk[j], *rest) for j, *rest in sites]
                    dropped += full
                    progress.advance(len(chunk))
            fasta.end()
        pysam.faidx(str(tmp))
        with io.atomic_path(f"{path}.fai") as fai:
            os.replace(f"{tmp}.fai", fai)
    log.info("planted %d motif instances; %d more found no free room in their region (short "
             "exons already full of sites) and were left out", len(planted), dropped)
    return planted


def _planted_table(planted: list, genes: pd.DataFrame, events: pd.DataFrame) -> pd.DataFrame:
    """One row per planted motif instance: event_id, rbp, region, offset (0-based, from the
    region's start in transcript orientation), instance (RNA, transcript orientation), chrom,
    position (1-based genomic position of the instance's first base: its lowest coordinate on
    '+', its highest on '-'), strand."""
    table = pd.DataFrame(planted, columns=["row", "rbp", "region", "offset", "instance", "tstart"])
    rows = table.row.to_numpy()
    first_base = table.tstart.to_numpy()
    start, end = _to_genome(genes.iloc[rows], first_base, first_base + 1)
    return pd.DataFrame({"event_id": events.event_id.to_numpy()[rows], "rbp": table.rbp,
                         "region": table.region, "offset": table.offset, "instance": table.instance,
                         "chrom": events.chrom.to_numpy()[rows], "position": start,
                         "strand": events.strand.to_numpy()[rows]})


# --- the truth --------------------------------------------------------------------------------

def _read_back(genome: Path, events: pd.DataFrame, counted: tuple) -> tuple[np.ndarray, np.ndarray]:
    """From the written genome: exon A's splice-site strength, score(3'ss) + score(5'ss), (n,),
    and the count of every (motif, region) of ``counted`` (:func:`_counted`), (n, K)."""
    counts = np.zeros((len(events), len(counted)), np.int64)
    sites = {"A_3ss": [], "A_5ss": []}
    progress = Progress(len(events), "events", log, "reading the genome back")
    with pysam.FastaFile(str(genome)) as fasta:
        for i, (_, regions) in enumerate(ev.event_sequences(fasta, events)):
            counts[i] = [sq.count_motif(regions[region], motif) for motif, region in counted]
            for name, found in sites.items():
                found.append(regions[name])
            progress.advance(1)
    strength = sq.score_sites(sites["A_3ss"], sq.THREE_SS) + sq.score_sites(sites["A_5ss"], sq.FIVE_SS)
    return strength, counts


def _regulation(counts: np.ndarray, program) -> np.ndarray:
    """(n, R): each RBP's change of inclusion log-odds at full activity, from the (n, K) motif
    counts (of :func:`_counted`) centred on the transcriptome's mean."""
    centred = counts - counts.mean(axis=0)
    column = {key: k for k, key in enumerate(_counted(program))}
    return np.stack([sum(effect * centred[:, column[r.motif, region]] for region, effect in r.effects.items())
                     for r in program], axis=1)


def _true_psi(strength, regulation, constitutive, activity, rng) -> np.ndarray:
    """(n, T) true PSI: basal inclusion from A's splice sites, each RBP's regulation scaled by
    its (R, T) ``activity`` in the tissue, a per-event random effect and per-tissue noise."""
    basal = BASAL
    logit = (basal.intercept + basal.weight * (strength - basal.centre)
             + rng.normal(0.0, _EVENT_SD, len(strength)) + _CONSTITUTIVE_SHIFT * constitutive)
    noise = rng.normal(0.0, basal.noise, (len(strength), activity.shape[1]))
    return expit(logit[:, None] + regulation @ activity + noise)


# --- reads and their quantification -----------------------------------------------------------

def _junction_reads(psi: np.ndarray, read_depth: float, rng) -> tuple[np.ndarray, np.ndarray]:
    """(n, T) inclusion reads and (n, T) total junction reads (inclusion + exclusion)."""
    n, t = psi.shape
    level = rng.lognormal(0.0, _GENE_SD, (n, 1)) * rng.lognormal(0.0, _TISSUE_SD, (n, t))
    total = np.maximum(rng.poisson(read_depth * level), _MIN_READS)
    return rng.binomial(total, psi), total


def _change_probabilities(alpha, beta, pairs, changing, non_changing, rng) -> tuple[np.ndarray, np.ndarray]:
    """P(|dPSI| >= changing) and P(|dPSI| <= non_changing), each (n, P), for every tissue pair
    by Monte Carlo from the (n, T) Beta(alpha, beta) posteriors, in chunks of events."""
    n, t = alpha.shape
    p_changing, p_non_changing = np.zeros((n, len(pairs))), np.zeros((n, len(pairs)))
    progress = Progress(n, "events", log, "dPSI posteriors")
    for lo in range(0, n, _CHUNK):
        hi = min(lo + _CHUNK, n)
        samples = rng.beta(alpha[lo:hi, :, None], beta[lo:hi, :, None], (hi - lo, t, _POSTERIOR_SAMPLES))
        for k, (x, y) in enumerate(pairs):
            change = np.abs(samples[:, y] - samples[:, x])
            p_changing[lo:hi, k] = (change >= changing).mean(axis=1)
            p_non_changing[lo:hi, k] = (change <= non_changing).mean(axis=1)
        progress.advance(hi - lo)
    return p_changing, p_non_changing


def _quantify(folder, events, groups, psi, reads_rng, posterior_rng, *, read_depth: float,
              replicates: int, thresholds: tuple[float, float]) -> tuple[list, np.ndarray]:
    """Junction reads from the (n, G) true PSI of ``groups``, their Beta posteriors, and the
    voila TSVs; returns the group pairs and P(|dPSI| >= thresholds[0]), (n, P)."""
    inclusion, total = _junction_reads(psi, read_depth, reads_rng)
    pairs = list(combinations(range(len(groups)), 2))
    alpha, beta = inclusion + _PRIOR, total - inclusion + _PRIOR
    p_changing, p_non_changing = _change_probabilities(alpha, beta, pairs, *thresholds, posterior_rng)
    _write_majiq(folder, events, groups, alpha, beta, pairs, p_changing, p_non_changing,
                 replicates=replicates, thresholds=thresholds)
    return pairs, p_changing


def _write_majiq(folder: Path, events, tissues, alpha, beta, pairs, p_changing, p_non_changing, *,
                 replicates: int, thresholds: tuple[float, float]) -> None:
    """voila-style psi TSVs per tissue, from the (n, T) Beta(alpha, beta) posteriors, and
    deltapsi TSVs per pair, the first tissue in ``tissues`` order first, so that E[dPSI] =
    E[PSI_second] - E[PSI_first] as voila writes it."""
    mean = alpha / (alpha + beta)
    stdev = np.sqrt(alpha * beta / ((alpha + beta) ** 2 * (alpha + beta + 1)))
    about = {"written_by": "eigflow_arms.splicing.simulate", "prior": f"Beta({_PRIOR}, {_PRIOR})"}
    lsvs = majiq.source_lsvs(events)
    for k, tissue in enumerate(tissues):
        majiq.write_psi(folder / majiq.psi_name(tissue), lsvs, mean[:, k], stdev[:, k],
                        {**about, "group_sizes": {tissue: replicates}})
    for p, (x, y) in enumerate(pairs):
        first, second = tissues[x], tissues[y]
        majiq.write_deltapsi(
            folder / majiq.deltapsi_name(first, second), lsvs, (first, second),
            mean[:, y] - mean[:, x], p_changing[:, p], p_non_changing[:, p], mean[:, [x, y]],
            {**about, "group_sizes": {first: replicates, second: replicates},
             "changing_threshold": thresholds[0], "non_changing_threshold": thresholds[1],
             "posterior_samples": _POSTERIOR_SAMPLES})


# --- perturbing the planted program -----------------------------------------------------------
# Hooks for experiments on a transcriptome already written, such as the A1cf knockout of
# eigflow_arms.liver.knockout: the regulation term of the truth, and the same quantification.

def program_regulation(genome, events: pd.DataFrame, program) -> np.ndarray:
    """(n, R) each RBP's change of inclusion log-odds at full activity, in ``program``'s order
    (the :class:`.program.Program` the genome was simulated from): the term ``activity_r(t)
    * sum_region effect * (count - mean count)`` of the truth without its activity, read from
    ``genome`` as :func:`simulate` reads it. ``events`` must be the whole event table written with ``genome``, since counts
    are centred on its mean."""
    return _regulation(_read_back(Path(genome), events, _counted(program))[1], program)


def quantify(folder, events: pd.DataFrame, groups, psi, seed: int, *, read_depth: float = 60,
             replicates: int = 6, changing_threshold: float = 0.2,
             non_changing_threshold: float = 0.05) -> None:
    """Quantify true PSI as :func:`simulate` quantifies tissues, into ``folder``.

    ``psi`` (n, G): the true PSI of ``events`` in each of ``groups`` (names); writes
    ``{group}.psi.tsv`` per group and ``{g1}-{g2}.deltapsi.tsv`` per pair (g1 before g2 in
    ``groups``), from junction reads and Beta posteriors seeded by ``seed``.
    """
    reads_rng, posterior_rng = (np.random.default_rng(s) for s in np.random.SeedSequence(seed).spawn(2))
    _quantify(Path(folder), events, tuple(groups), np.asarray(psi, float), reads_rng, posterior_rng,
              read_depth=read_depth, replicates=replicates,
              thresholds=(changing_threshold, non_changing_threshold))


# --- the other tables -------------------------------------------------------------------------

def _write_plain(path: Path, table: pd.DataFrame) -> None:
    """A headerless TSV (BED, GTF), the attribute column written as it is."""
    with io.atomic_path(path) as tmp:
        table.to_csv(tmp, sep="\t", header=False, index=False, quoting=csv.QUOTE_NONE)


def _program_table(program, tissues) -> pd.DataFrame:
    """One row per RBP and region it acts from, with its activity in each tissue."""
    activity = program.activities(tissues)
    return pd.DataFrame([
        {"rbp": r.name, "motif": r.motif, "region": region, "effect": effect, "rate": r.rate,
         "copies": r.copies, "everywhere": r.everywhere,
         **{f"activity_{t}": activity[i, k] for k, t in enumerate(tissues)},
         "source": r.source}
        for i, r in enumerate(program) for region, effect in r.effects.items()])


def _rbp_tpm(program, tissues, replicates: int, rng) -> pd.DataFrame:
    """Wide TPM table: every RBP of the program and two housekeeping genes; each sample is the
    gene's mean TPM in the tissue times lognormal noise."""
    mean = {r.name: [r.expression[t] for t in tissues] for r in program}
    mean |= {gene: [tpm] * len(tissues) for gene, tpm in _HOUSEKEEPING.items()}
    level = np.array(list(mean.values()))[:, :, None]                                    # (G, T, 1)
    tpm = level * rng.lognormal(0.0, _TPM_SD, (len(mean), len(tissues), replicates))
    columns = [expression.sample_column(t, k + 1) for t in tissues for k in range(replicates)]
    return pd.concat([pd.DataFrame({"gene_name": list(mean)}),
                      pd.DataFrame(tpm.reshape(len(mean), -1), columns=columns)], axis=1)


def _summarise(program, events, psi, regulation, p_changing, pairs, tissues, planted, threshold,
               seconds) -> None:
    """Log the spread of PSI and, per tissue, the cassette events that change against at least
    one other tissue, what drives the true differences, and whose planted sites they carry."""
    cassette = events.event_type.eq("cassette").to_numpy()
    for kind, chosen in (("cassette", cassette), ("constitutive", ~cassette)):
        if chosen.any():
            values = psi[chosen]
            log.info("%s true PSI: %.0f%% of (event, tissue) values in (0.05, 0.95); percentiles "
                     "1/5/25/50/75/95/99: %s", kind, 100 * ((values > 0.05) & (values < 0.95)).mean(),
                     "/".join(f"{q:.3f}" for q in np.percentile(values, [1, 5, 25, 50, 75, 95, 99])))
    if not cassette.any():
        return
    changes = p_changing >= _CHANGING_PROBABILITY
    activity = program.activities(tissues)
    for k, tissue in enumerate(tissues):
        changing = changes[:, [p for p, pair in enumerate(pairs) if k in pair]].any(axis=1)
        share = _program_share(regulation[cassette], activity, k)
        top = np.argsort(share)[::-1][:3]
        specific = program.specific_rbps(tissue)
        carries = events.event_id.isin(planted.event_id[planted.rbp.isin(specific)]).to_numpy()
        hits = changing & cassette
        log.info("%s: %d cassette (%d constitutive) events change against >= 1 other tissue "
                 "(P(|dPSI| >= %.2f) >= %.1f). The program makes %.0f%% of the variance of the true "
                 "logit-PSI differences to the other tissues (the rest: per-tissue noise), led by %s; "
                 "%.0f%% of the changing cassette events carry planted sites of its specific "
                 "regulators (%s), %.0f%% of all cassette events do",
                 tissue, hits.sum(), (changing & ~cassette).sum(), threshold, _CHANGING_PROBABILITY,
                 100 * share.sum(),
                 ", ".join(f"{program.rbps[r].name} {100 * share[r]:.0f}%" for r in top),
                 100 * carries[hits].mean() if hits.any() else 0.0, ", ".join(specific) or "none",
                 100 * carries[cassette].mean())
    log.info("simulated %d events (%d cassette) in %.1f s", len(events), cassette.sum(), seconds)


def _program_share(regulation: np.ndarray, activity: np.ndarray, k: int) -> np.ndarray:
    """(R,) share of each RBP in the variance of the true logit-PSI differences between tissue
    ``k`` and the others, averaged over the others; per-tissue noise takes the remainder.
    RBPs are planted independently, so their covariances are left out."""
    others = [j for j in range(activity.shape[1]) if j != k]
    if not others:
        return np.zeros(len(regulation.T))
    step = activity[:, [k]] - activity[:, others]                                        # (R, T-1)
    per_rbp = (regulation.var(axis=0)[:, None] * step ** 2).mean(axis=1)                 # (R,)
    return per_rbp / (per_rbp.sum() + 2 * BASAL.noise ** 2)
