"""The liver arm's stages (paper Fig. 4, supp. S11, S12), one function per workflow step.

It reuses the splicing arm's dataset, meta-features and model: EIG runs on the liver's class
of interest (:func:`eigflow_arms.splicing.arm.sample_sets` with ``min_tissues=2``), and the
k-mer meta-feature it points to becomes a PSSM that Tomtom matches against an RBP motif
collection (:mod:`eigflow.motifs`); its best match is the liver's regulator (:mod:`.regulator`;
A1CF in the paper). The exon sets of the liver (:mod:`.exon_sets`) and of the regulator's
knockout (:mod:`.knockout`) are laid over the event table, where the motif maps
(:mod:`eigflow_arms.liver.motifs.maps`) and PAR-CLIP binding (:mod:`eigflow_arms.liver.clip.sites`) read them.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from eigflow_arms.common.checks import examples, require_matches
from eigflow_arms.splicing.events import EventTableError, read_events

from .motifs import pssm, tomtom

log = logging.getLogger(__name__)


def kmer_meta_features(meta_table: pd.DataFrame, min_k: int = 3) -> list[str]:
    """Meta-features with at least one k-mer member (k >= ``min_k``): the ones a PSSM can be
    built from."""
    kmers = meta_table.feature.str.extract(r":kmer:([ACGU]+)$")[0]
    has = kmers.str.len() >= min_k
    return list(dict.fromkeys(meta_table.meta_feature[has.fillna(False)]))


def liver_motif(significance: dict, meta_table: pd.DataFrame, attributions: np.ndarray,
                collection: dict, min_k: int = 3) -> tuple[np.ndarray, pd.DataFrame, pd.DataFrame]:
    """The liver motif: a PSSM of every k-mer meta-feature that EIG's liver methods find
    significant, each matched by Tomtom against ``collection``. The motif is the candidate EIG
    supports most: significant in the most methods, then with the smallest adjusted p; not
    the best Tomtom match, since a same-motif-family meta-feature always matches its own
    family's motif well.

    Each PSSM weighs its k-mers by their mean |attribution| over the class of interest
    (``attributions``, (s, d) in the meta table's feature order), not by occurrences: the
    weights are what EIG found. When no k-mer meta-feature is significant in any method, the
    one with the smallest adjusted p stands in (``n_methods`` 0 in the table says so).

    Returns
    -------
    query PSSM (L, 4) of the motif, its Tomtom matches against every target (best first),
    and one row per candidate meta-feature: n_methods (significant in), min p_adjusted,
    consensus, and its best target with Tomtom p and q; the motif first.
    """
    kmer_meta = kmer_meta_features(meta_table, min_k)
    if not kmer_meta:
        raise ValueError("no meta-feature has k-mer members: the liver motif needs k-mer features "
                         "(see eigflow_arms.splicing.features)")
    stacked = pd.concat([t.set_index("feature").loc[kmer_meta, ["significant", "p_adjusted"]]
                         for t in significance.values()])
    summary = stacked.groupby(level=0).agg(n_methods=("significant", "sum"),
                                           min_p_adjusted=("p_adjusted", "min"))
    candidates = summary[summary.n_methods > 0]
    if candidates.empty:
        candidates = summary.nsmallest(1, "min_p_adjusted")
    rows, queries = [], {}
    for meta_feature, row in candidates.iterrows():
        weights = pssm.kmer_weights(meta_table, meta_feature, attributions, min_k)
        queries[meta_feature] = pssm.pssm_from_kmers(list(weights.index), weights.to_numpy())
        matches = tomtom.match(queries[meta_feature], collection, n=None)
        rows.append({"meta_feature": meta_feature, "n_methods": int(row.n_methods),
                     "min_p_adjusted": row.min_p_adjusted,
                     "consensus": pssm.consensus(queries[meta_feature]),
                     "target": matches.target.iloc[0], "p": matches.p.iloc[0], "q": matches.q.iloc[0]})
    table = pd.DataFrame(rows).sort_values(["n_methods", "min_p_adjusted", "meta_feature"],
                                           ascending=[False, True, True], kind="stable", ignore_index=True)
    best = table.iloc[0]
    log.info("%d k-mer meta-features significant in the liver; the motif: %s (consensus %s, "
             "significant in %d methods) -> %s, Tomtom p %.3g, q %.3g", len(table), best.meta_feature,
             best.consensus, best.n_methods, best.target, best.p, best.q)
    return queries[best.meta_feature], tomtom.match(queries[best.meta_feature], collection, n=None), table


# Fig. 4d's comparisons (regulated set, reference set) and the sets of supp. S12b.
FIG4D_COMPARISONS = (("changing", "non_changing"), ("changing", "other_alternative"),
                     ("regulated", "non_regulated"))
FIGS12_SETS = ("increased", "decreased", "non_changing", "enhanced", "repressed", "non_regulated")


def sets_over_events(events: pd.DataFrame, liver_sets: pd.DataFrame, knockout_sets: pd.DataFrame) -> dict:
    """Every exon set of Fig. 4 as a mask over the event table, from the liver sets (rows:
    the dataset's events) and the knockout sets (rows: the event table), both by event_id.

    Both experiments mark the exons they quantify (``quantified``); here they become
    ``liver_quantified`` and ``knockout_quantified``, since Fig. 4e's universe needs both.
    """
    sets = {}
    for experiment, table in (("liver", liver_sets), ("knockout", knockout_sets)):
        table = table.set_index("event_id").reindex(events.event_id)
        for name in table.columns:
            if table[name].dtype == bool or set(table[name].dropna().unique()) <= {True, False}:
                key = f"{experiment}_quantified" if name == "quantified" else name
                sets[key] = table[name].fillna(False).to_numpy(dtype=bool)
    return sets


def read_sets(events_path, liver_sets_path, knockout_sets_path) -> tuple[pd.DataFrame, dict]:
    """The event table and :func:`sets_over_events` from their files: what every Fig. 4
    panel on exon sets starts from.

    Raises
    ------
    EventTableError
        When none, or implausibly few, of a sets table's rows name an event of the event
        table: the sets were made from another one, and every set would come out empty.
    """
    events = read_events(events_path)
    tables = []
    for path in (liver_sets_path, knockout_sets_path):
        # event_id as text, as read_events reads it: ids such as '17' would be read as
        # numbers and meet no event.
        table = pd.read_csv(path, sep="\t", dtype={"event_id": str})
        require_matches(int(table.event_id.isin(set(events.event_id)).sum()), len(table),
                        "exon-set rows to an event", path, "event_id",
                        f"the sets name events {examples(table.event_id)}, the event table "
                        f"({events_path}) has {examples(events.event_id)}; the sets were made from "
                        f"another event table, so make them again from this one", error=EventTableError)
        tables.append(table)
    return events, sets_over_events(events, *tables)
