"""Global Importance Analysis (GIA; Koo et al. 2021) of the liver's regulator on the feature model.

Fig. 4a names the liver's regulator by matching the motif EIG finds; GIA asks the model for the
regulator's effect directly, by intervention. A motif instance is embedded at one position of
one region of real background events (non-changing cassette exons: no liver signal of their
own), the events' features are recomputed by the workflow's own extractor, put on the model's
training scale, and the model's liver contrast is read before and after. The change for one
(event, position) is the *local importance*; its mean over the backgrounds is the *global
importance* of the motif at that position (paper 003, Fig. 2b: RBFOX1 embedded at positions).
The global importance by region and position is the model's RNA map of the regulator, to be
read beside the planted one (the program's ``effect_<region>``).

Two controls tell a real effect from the model's response to any edit: decoys (motifs of the
collection that the program does not plant) and shuffled copies of the regulator's own
instances, whose effects give the null spread.

Only the region's own sequence changes: the splice-site windows (``SITES``) that overlap a
region's ends are kept, so the effect is that of the region's content features (k-mers, GC,
motif densities), the features through which the program's regulators act.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
import torch

from eigflow_arms.splicing.events import REGIONS
from eigflow_arms.splicing.features import apply_scaling, batch_features, feature_names
from eigflow_arms.splicing.sequence import ALPHABET

__all__ = ["COLUMNS", "SUMMARY_COLUMNS", "background_events", "decoys", "model_features",
           "sample_instances", "shuffled", "embed", "positions", "global_importance",
           "liver_contrast", "gia_table", "as_rna_map", "region_summary"]

log = logging.getLogger(__name__)

# The table shared with the sequence CNN's GIA (model "cnn"), which is concatenated with it.
COLUMNS = ["model", "rbp", "region", "position", "tissue", "effect", "planted_effect", "decoy", "null"]
SUMMARY_COLUMNS = ["rbp", "decoy", "region", "effect", "planted_effect", "tested", "sign_agrees",
                   "null_low", "null_high", "beyond_null"]
# Embedded copies featurised per call: bounds memory (one row of ~1,300 features each)
# while keeping each call of the extractor large enough to be vectorised.
CHUNK = 2048


def background_events(events: pd.DataFrame, non_changing, n: int, seed: int) -> pd.DataFrame:
    """``n`` events (seeded, in table order) of ``events`` whose ids are in ``non_changing``:
    real cassette exons the liver does not regulate, so a motif's effect is its own."""
    pool = events[events.event_id.isin(set(non_changing))]
    if pool.empty:
        raise ValueError("no non-changing liver exon is in the event table: GIA has no background; "
                         "loosen liver.non_changing_max")
    if n > len(pool):
        log.warning("liver.gia.n_backgrounds=%d but only %d non-changing exons: using all", n, len(pool))
        return pool
    return pool.iloc[np.sort(np.random.default_rng(seed).choice(len(pool), n, replace=False))]


def decoys(collection: dict, planted, regulator: str, n: int) -> list[str]:
    """The first ``n`` motifs of ``collection`` (identifier -> PSSM, file order) that are
    neither the ``regulator`` nor named in the program (``planted``: its RBP names)."""
    return [name for name in collection if name != regulator and name not in set(planted)][:n]


def model_features(motifs, data: dict):
    """list of region dicts -> (m, d) features as the model saw them: the extractor's
    :func:`~eigflow_arms.splicing.features.batch_features` with the known ``motifs``, on the
    dataset's (``data``) training scale. Refuses a dataset whose features are not the
    extractor's (a user's own feature matrix): GIA can only recompute features it extracts."""
    names = feature_names(motifs)
    if list(data["feature"]) != names:
        raise ValueError("the dataset's features are not those eigflow extracts from sequence (a user "
                         "feature matrix, splicing.files.features?): GIA recomputes features after "
                         "editing sequences, so it needs the extracted ones; leave "
                         "splicing.files.features unset (with it set, liver_gia is not a target)")
    lows, highs = data["lows"], data["highs"]
    return lambda batch: apply_scaling(batch_features(batch, motifs), lows, highs)


def sample_instances(pssm: np.ndarray, n: int, rng: np.random.Generator) -> list[str]:
    """``n`` sequences drawn from ``pssm`` ((w, 4), columns A C G U), one letter per column
    from its probabilities: the motif's instances, one per background."""
    pssm = np.asarray(pssm, dtype=float)
    cumulative = np.cumsum(pssm / pssm.sum(axis=1, keepdims=True), axis=1)
    draws = (rng.random((n, len(pssm), 1)) > cumulative[None, :, :-1]).sum(axis=2)
    return ["".join(ALPHABET[i] for i in row) for row in draws]


def shuffled(instances: list[str], rng: np.random.Generator) -> list[str]:
    """The letters of each instance in a random order: the same composition, no motif."""
    return ["".join(rng.permutation(list(s))) for s in instances]


def embed(sequence: str, instance: str, position: int) -> str:
    """``sequence`` with ``instance`` written over it from ``position`` on; same length."""
    if position < 0 or position + len(instance) > len(sequence):
        raise ValueError(f"cannot embed {len(instance)} nt at {position} in {len(sequence)} nt")
    return sequence[:position] + instance + sequence[position + len(instance):]


def positions(backgrounds: list[dict], region: str, width: int, stride: int) -> np.ndarray:
    """Embedding offsets in ``region``, every ``stride`` nt from its start, up to the longest
    background's last fit of a ``width``-long motif."""
    longest = max(len(b[region]) for b in backgrounds)
    return np.arange(0, max(longest - width + 1, 0), stride)


def global_importance(backgrounds: list[dict], instances: list[str], features, model,
                      stride: int) -> pd.DataFrame:
    """Global importance of embedding ``instances`` (one per background) at every position of
    every region.

    Parameters
    ----------
    backgrounds : list of n region dicts
        As :func:`eigflow_arms.splicing.events.event_sequences` yields them.
    instances : list of n str
        The motif instance embedded in each background; all of one width.
    features : callable
        list of region dicts -> (m, d) features on the model's scale.
    model : callable
        (m, d) array -> (m,) prediction.
    stride : int
        nt between embedding positions.

    Returns
    -------
    DataFrame with columns region, position, effect (mean change over the backgrounds the
    motif fits in at that position), n (how many).
    """
    width = len(instances[0])
    before = model(features(backgrounds))
    rows = []
    for region in REGIONS:
        # Every (background, position) copy of the region in one list, featurised in chunks:
        # the extractor runs vectorised over them rather than once per copy.
        owner, offset, edited = [], [], []
        fits = positions(backgrounds, region, width, stride)
        for i, (background, instance) in enumerate(zip(backgrounds, instances)):
            for p in fits[fits + width <= len(background[region])]:
                owner.append(i)
                offset.append(p)
                edited.append({**background, region: embed(background[region], instance, int(p))})
        if not edited:
            continue
        after = np.concatenate([model(features(edited[s:s + CHUNK])) for s in range(0, len(edited), CHUNK)])
        local = pd.DataFrame({"position": offset, "change": after - before[np.asarray(owner)]})
        table = local.groupby("position").change.agg(["mean", "size"]).reset_index()
        rows.append(table.rename(columns={"mean": "effect", "size": "n"}).assign(region=region))
    return pd.concat(rows, ignore_index=True)[["region", "position", "effect", "n"]]


def liver_contrast(autoencoder, code, tissues, tissue: str):
    """x (m, d) -> (m,) the model's inclusion log-odds in ``tissue`` minus that in each other
    of ``tissues``, averaged: signed, in the program's unit (log-odds), so a regulator that
    raises inclusion in the liver scores positive.

    The code network's first output is E[PSI] in t1 of the pair (t1, t2); its logit is read
    with the liver first and with it second."""
    tissues = list(tissues)
    if tissue not in tissues:
        raise ValueError(f"liver.tissue={tissue!r} is not one of the data's tissues {tissues}")
    others = [t for t in range(len(tissues)) if tissues[t] != tissue]
    tissue = tissues.index(tissue)

    def predict(x):
        with torch.no_grad():
            z = autoencoder.encode(torch.as_tensor(np.asarray(x), dtype=torch.float32))
            contrast = torch.zeros(len(z))
            for other in others:
                liver = torch.full((len(z),), tissue)
                rest = torch.full((len(z),), other)
                contrast += code.logits(z, liver, rest)[:, 0] - code.logits(z, rest, liver)[:, 0]
        return (contrast / len(others)).numpy()
    return predict


def gia_table(backgrounds: list[dict], motifs: dict, regulator: str, planted: dict, features, model,
              tissue: str, stride: int, n_shuffles: int, seed: int) -> pd.DataFrame:
    """GIA of the regulator, its decoys and ``n_shuffles`` shuffled copies; columns ``COLUMNS``.

    ``motifs`` maps names to PSSMs: ``regulator`` and the decoys (every other name).
    ``planted`` maps a region to the regulator's planted log-odds per site there (absent: 0);
    decoys and shuffles plant nothing. Shuffled copies are named ``{regulator}:shuffle{i}``.
    """
    rng = np.random.default_rng(seed)
    instances = {name: sample_instances(pssm, len(backgrounds), rng) for name, pssm in motifs.items()}
    shuffles = {f"{regulator}:shuffle{i + 1}": shuffled(instances[regulator], rng) for i in range(n_shuffles)}
    tables = []
    for name, drawn in {**instances, **shuffles}.items():
        table = global_importance(backgrounds, drawn, features, model, stride)
        own = name == regulator
        tables.append(table.assign(
            model="features", rbp=name, tissue=tissue,
            planted_effect=table.region.map(planted).fillna(0.0) if own else 0.0,
            decoy=name in motifs and not own, null=name in shuffles))
    return pd.concat(tables, ignore_index=True)[COLUMNS]


def as_rna_map(table: pd.DataFrame) -> pd.DataFrame:
    """:func:`gia_table`'s rows in the sequence CNN's RNA-map layout
    (:data:`eigflow_arms.sequence.gia.RNA_MAP_COLUMNS`), so that one summary scores both models:
    the shuffled copies are the null band (kind ``random``), the backgrounds are observed exons,
    and the output is the liver contrast's signed inclusion log-odds (``dpsi``)."""
    from eigflow_arms.sequence.gia import RNA_MAP_COLUMNS

    decoy = table.decoy.astype(bool)
    kind = np.where(table.null.astype(bool), "random", np.where(decoy, "decoy", "program"))
    return table.assign(kind=kind, decoy=decoy, instance=np.nan, null="observed", window=np.nan, output="dpsi",
                        sd=np.nan)[RNA_MAP_COLUMNS]


def region_summary(table: pd.DataFrame, min_planted: float = 0.3) -> pd.DataFrame:
    """Per motif (the regulator and decoys) and region: the effect (mean over positions),
    the planted effect; for regions where |planted| >= ``min_planted``, whether the signs
    agree (``tested``, ``sign_agrees``); the null spread (lowest and highest region effect of
    the shuffled copies) and whether the effect lies beyond it."""
    by_region = table.groupby(["rbp", "region", "null", "decoy"], sort=False).agg(
        effect=("effect", "mean"), planted_effect=("planted_effect", "first")).reset_index()
    null = by_region[by_region.null].groupby("region").effect.agg(null_low="min", null_high="max")
    out = by_region[~by_region.null].join(null, on="region")
    out["tested"] = out.planted_effect.abs() >= min_planted
    out["sign_agrees"] = out.tested & (np.sign(out.effect) == np.sign(out.planted_effect))
    out["beyond_null"] = (out.effect < out.null_low) | (out.effect > out.null_high)
    return out[SUMMARY_COLUMNS].reset_index(drop=True)
