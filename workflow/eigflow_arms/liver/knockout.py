"""The regulator's knockout (paper "Analysis of A1CF RNA-seq"): WT vs KO liver, and the exons it regulates.

:func:`simulate_knockout` knocks the program's liver regulator (A1CF in the shipped program;
:meth:`eigflow_arms.splicing.program.Program.regulator`) out of a simulated transcriptome: the
true PSI of wild-type liver is the simulated liver's (``psi_true.tsv``); in the knockout the RBP's
activity drops to 0, which removes its term from the truth's logit PSI (:func:`eigflow.
splicing.simulate.program_regulation`)::

    logit PSI_KO = logit PSI_WT - activity_rbp(liver) * regulation_rbp

The regulation term is centred on the transcriptome's mean motif count, as in the truth, so
exons without the motif shift a little too. Both groups are then quantified as the
simulator quantifies tissues (:func:`eigflow_arms.splicing.simulate.quantify`), into
``WT.psi.tsv``, ``KO.psi.tsv`` and ``WT-KO.deltapsi.tsv``.

:func:`knockout_sets` reads a deltapsi TSV alone -- simulated, or ``voila tsv`` of ``majiq
deltapsi`` on real WT and KO livers -- and calls, over cassette exons:

* ``regulated`` -- an inclusion junction (C1->A or A->C2) and an exclusion junction (C1->C2)
  both with |E[dPSI]| >= ``regulated`` (paper: 0.10; 171 exons);
* ``enhanced`` / ``repressed`` -- regulated exons whose inclusion falls / rises upon knockout
  (E[PSI_KO - PSI_WT] of the inclusion junction with the largest |E[dPSI]| < 0 / > 0);
* ``non_regulated`` -- every junction of every LSV that holds one of the exon's junctions
  with |E[dPSI]| < ``non_regulated`` (paper: 0.05; 2,748);
* ``quantified`` -- an inclusion and the exclusion junction found in the file.

Sign convention: voila's ``mean_dpsi_per_lsv_junction`` is E[PSI_second - PSI_first] for
``majiq deltapsi -grp1 first -grp2 second``; the order of the ``{group}_mean_psi`` columns
tells which group came first, so a file of either order gives KO minus WT here.
"""
from __future__ import annotations

import logging
from pathlib import Path

import numpy as np
import pandas as pd
from scipy.special import expit, logit

from eigflow_arms.common import io
from eigflow_arms.common.checks import require_matches
from eigflow_arms.splicing import events as ev
from eigflow_arms.splicing import majiq, simulate

__all__ = ["WT", "KO", "simulate_knockout", "cassette_junctions", "knockout_sets"]

log = logging.getLogger(__name__)

WT, KO = "WT", "KO"
# logit of a PSI written as exactly 0 or 1 (psi_true.tsv keeps 6 digits) stays finite.
_PSI_EPS = 1e-6


def simulate_knockout(sim_dir, out_dir, seed: int, *, program, tissue: str = "liver",
                      read_depth: float = 200, replicates: int = 3, changing_threshold: float = 0.1,
                      non_changing_threshold: float = 0.05) -> dict:
    """Write WT vs KO liver quantifications of a simulated transcriptome into ``out_dir``.

    Parameters
    ----------
    sim_dir : path
        An output folder of :func:`eigflow_arms.splicing.simulate.simulate` (genome.fa,
        events.tsv, psi_true.tsv).
    out_dir : path
    seed : int
        Seeds the reads and posteriors.
    program : Program
        The program the transcriptome was simulated from; its regulator of ``tissue`` is
        knocked out.
    tissue : str
    read_depth : float
        Mean junction reads of an event of median expression, replicates pooled.
    replicates : int
        Mice per group (voila metadata).
    changing_threshold, non_changing_threshold : float
        |dPSI| thresholds of the files' probability_changing / probability_non_changing.

    Returns
    -------
    dict
        Paths: ``deltapsi`` (WT-KO.deltapsi.tsv), ``psi_wt``, ``psi_ko``, ``psi_true`` (the
        true PSI of both groups: event_id, WT, KO).
    """
    sim_dir, out = Path(sim_dir), Path(out_dir)
    rbp = program.regulator(tissue).name
    r = program.index(rbp)
    events = ev.read_events(sim_dir / "events.tsv")
    truth = pd.read_csv(sim_dir / "psi_true.tsv", sep="\t", dtype={"event_id": str}).set_index("event_id")
    wt = truth[tissue].reindex(events.event_id).to_numpy(float)
    if np.isnan(wt).any():
        raise ValueError(f"{sim_dir / 'psi_true.tsv'}: no true {tissue} PSI for some events of "
                         f"{sim_dir / 'events.tsv'}; both must come from one simulation")
    regulation = simulate.program_regulation(sim_dir / "genome.fa", events, program)[:, r]
    activity = program.activities([tissue])[r, 0]
    ko = expit(logit(np.clip(wt, _PSI_EPS, 1 - _PSI_EPS)) - activity * regulation)
    simulate.quantify(out, events, (WT, KO), np.stack([wt, ko], axis=1), seed, read_depth=read_depth,
                      replicates=replicates, changing_threshold=changing_threshold,
                      non_changing_threshold=non_changing_threshold)
    paths = {"deltapsi": out / majiq.deltapsi_name(WT, KO), "psi_wt": out / majiq.psi_name(WT),
             "psi_ko": out / majiq.psi_name(KO), "psi_true": out / "psi_true.tsv"}
    io.write_tsv(paths["psi_true"], pd.DataFrame({"event_id": events.event_id, WT: wt, KO: ko}))
    cassette = events.event_type.eq("cassette").to_numpy()
    change = np.abs(ko - wt)[cassette]
    log.info("%s knockout in %s: true |PSI_KO - PSI_WT| >= 0.10 for %d of %d cassette exons, "
             "< 0.05 for %d", rbp, tissue, (change >= 0.10).sum(), cassette.sum(), (change < 0.05).sum())
    return paths


def cassette_junctions(events: pd.DataFrame) -> pd.DataFrame:
    """The three junctions of every exon triplet, in voila's ``junctions_coords`` terms.

    Returns a DataFrame with event (row of ``events``), kind (``inclusion`` for C1->A and
    A->C2, ``exclusion`` for C1->C2), seqid, strand, junction_start (last base of the
    upstream exon in genome order) and junction_end (first base of the downstream exon).
    """
    c1_to_a, c1_to_c2 = majiq.event_junctions(events)
    plus = (events.strand == "+").to_numpy()
    a_s, a_e, c2s, c2e = (events[c].to_numpy(np.int64) for c in ("a_start", "a_end", "c2_start", "c2_end"))
    a_to_c2 = np.where(plus[:, None], np.stack([a_e, c2s], 1), np.stack([c2e, a_s], 1))
    n = len(events)
    parts = [(c1_to_a, "inclusion"), (a_to_c2, "inclusion"), (c1_to_c2, "exclusion")]
    return pd.DataFrame({
        "event": np.tile(np.arange(n), len(parts)),
        "kind": np.repeat([kind for _, kind in parts], n),
        "seqid": np.tile(events.chrom.astype(str).to_numpy(), len(parts)),
        "strand": np.tile(events.strand.astype(str).to_numpy(), len(parts)),
        "junction_start": np.concatenate([j[:, 0] for j, _ in parts]),
        "junction_end": np.concatenate([j[:, 1] for j, _ in parts]),
    })


def _ko_minus_wt(junctions: pd.DataFrame, path, control: str, knockout: str) -> np.ndarray:
    """E[PSI_KO - PSI_WT] of every junction row, from the file's group order."""
    groups = [c[: -len("_mean_psi")] for c in junctions.columns if c.endswith("_mean_psi")]
    if sorted(groups) != sorted([control, knockout]):
        raise majiq.MajiqError(
            f"{path}: group columns {[f'{g}_mean_psi' for g in groups]} do not name the control "
            f"{control!r} and the knockout {knockout!r}; pass their names as voila wrote them "
            f"(the -n names of `majiq deltapsi`), which tell the sign of mean_dpsi_per_lsv_junction")
    sign = 1.0 if groups[0] == control else -1.0
    return sign * junctions.mean_dpsi_per_lsv_junction.to_numpy(float)


def _largest(matched: pd.DataFrame, n: int) -> np.ndarray:
    """(n,) the E[PSI_KO - PSI_WT] of largest size among each event's matched junction rows;
    NaN for an event with none."""
    best = matched.assign(size=matched.ko_dpsi.abs()).sort_values("size", ascending=False, kind="stable")
    best = best.drop_duplicates("event")
    out = np.full(n, np.nan)
    out[best.event.to_numpy()] = best.ko_dpsi.to_numpy()
    return out


def knockout_sets(events: pd.DataFrame, deltapsi_path, regulated: float = 0.10,
                  non_regulated: float = 0.05, control: str = WT,
                  knockout: str = KO) -> dict[str, np.ndarray]:
    """Regulated and non-regulated cassette exons of a knockout, from its deltapsi TSV alone.

    Parameters
    ----------
    events : DataFrame
        The event table (:func:`eigflow_arms.splicing.events.read_events`).
    deltapsi_path : path
        voila deltapsi TSV of the control and knockout groups, in either order.
    regulated, non_regulated : float
        |E[dPSI]| thresholds (see the module docstring).
    control, knockout : str
        The group names in the file.

    Returns
    -------
    dict
        name -> (n,) bool mask for ``regulated``, ``enhanced``, ``repressed``,
        ``non_regulated``, ``quantified``; and ``dpsi``, (n,) float: E[PSI_KO - PSI_WT] of
        the exon's inclusion junction with the largest |E[dPSI]| (NaN where unquantified).

    Raises
    ------
    MajiqError
        When a value of the file is out of range (:func:`eigflow_arms.splicing.majiq.read_deltapsi`),
        or when none, or implausibly few, of the cassette exons have a junction in it
        (:func:`eigflow_arms.common.checks.require_matches`): its seqids or coordinates are
        not the event table's.
    """
    junctions = majiq.read_deltapsi(deltapsi_path)
    junctions["ko_dpsi"] = _ko_minus_wt(junctions, deltapsi_path, control, knockout)
    keys = ["seqid", "strand", "junction_start", "junction_end"]
    matched = cassette_junctions(events).merge(junctions[keys + ["lsv_id", "ko_dpsi"]], on=keys)
    n = len(events)
    cassette = events.event_type.eq("cassette").to_numpy()
    # A file of other chromosome names or coordinates matches nothing, and Fig. 4e would
    # count 0/0/0/0 with p = 1.
    require_matches(int(cassette[matched.event.unique()].sum()), int(cassette.sum()),
                    "cassette events to a junction", deltapsi_path, *majiq.join_fix(junctions, events),
                    error=majiq.MajiqError)
    dpsi = _largest(matched[matched.kind == "inclusion"], n)
    exclusion = _largest(matched[matched.kind == "exclusion"], n)
    # Every junction of every LSV the exon takes part in: the paper's "broader LSV".
    lsv_largest = junctions.ko_dpsi.abs().fillna(np.inf).groupby(junctions.lsv_id).max()
    event_largest = (matched[["event", "lsv_id"]].drop_duplicates()
                     .assign(size=lambda t: t.lsv_id.map(lsv_largest)).groupby("event")["size"].max())
    broad = np.full(n, np.inf)
    broad[event_largest.index.to_numpy()] = event_largest.to_numpy()
    quantified = cassette & np.isfinite(dpsi) & np.isfinite(exclusion)
    with np.errstate(invalid="ignore"):
        hit = quantified & (np.abs(dpsi) >= regulated) & (np.abs(exclusion) >= regulated)
        sets = {"regulated": hit, "enhanced": hit & (dpsi < 0), "repressed": hit & (dpsi > 0),
                "non_regulated": quantified & (broad < non_regulated), "quantified": quantified,
                "dpsi": np.where(quantified, dpsi, np.nan)}
    log.info("%s: %d of %d cassette exons quantified; regulated (|dPSI| >= %.2f on an inclusion "
             "and an exclusion junction) %d (enhanced %d, repressed %d); non-regulated (all LSV "
             "junctions |dPSI| < %.2f) %d", deltapsi_path, quantified.sum(), cassette.sum(), regulated,
             hit.sum(), sets["enhanced"].sum(), sets["repressed"].sum(), non_regulated,
             sets["non_regulated"].sum())
    return sets
