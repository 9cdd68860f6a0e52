"""The splicing arm's stages (paper Fig. 3), one function per workflow step.

Arrays flow through files: features (eigflow_arms.splicing.features) + MAJIQ-style PSI
(eigflow_arms.splicing.majiq) -> ``build_dataset`` -> dataset.npz; classes; models
(eigflow_arms.splicing.models); ``attribute_method`` -> one shard of attributions; Algorithm 1 on
meta-features; evaluation and figures (eigflow_arms.splicing.evaluate, eigflow_arms.splicing.figures).

dataset.npz holds: ``x`` (n, d) float32 features scaled to [0, 1]; ``feature`` (d,);
``event_id``, ``event_type`` (n,); ``train`` (n,) bool; ``tissues`` (T,); ``psi`` (n, T)
E[PSI]; ``dpsi`` (n, T, T) E[PSI_a - PSI_b]; ``p_change`` (n, T, T) P(|dPSI| >= threshold);
``lows``, ``highs`` (d,) the scaling's ends (raw units).
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from eigflow.attribute import simple_gradients

from eigflow_arms.common import shards

from .deepshap import additivity_gap, deep_shap
from .evaluate import parse_method
from .features import scale_features
from .majiq import changing_calls
from .models import DifferentialInclusion, differential_auc, pair_auc

log = logging.getLogger(__name__)

def build_dataset(matrix: np.ndarray, feature_names, event_ids, events: pd.DataFrame,
                  psi: np.ndarray, dpsi: np.ndarray, p_change: np.ndarray, tissues,
                  test_fraction: float, seed: int) -> dict:
    """Join features and quantification, drop unquantified events, split, scale.

    ``matrix`` rows follow ``event_ids``; ``events``, ``psi``, ``dpsi`` and ``p_change`` rows
    follow ``events``. Events without E[PSI] in every tissue are dropped (logged), as are
    their feature rows. The train/test split is stratified by event type and seeded.
    """
    order = pd.Index(event_ids).get_indexer(events.event_id)
    if (order < 0).any():
        missing = events.event_id[order < 0].iloc[0]
        raise ValueError(f"event {missing!r} of the event table has no feature row")
    quantified = np.isfinite(psi).all(axis=1) & np.isfinite(dpsi).all(axis=(1, 2))
    if not quantified.any():
        raise ValueError("no event is quantified in every tissue: check that the MAJIQ files "
                         "and the event table describe the same junctions")
    log.info("%d of %d events quantified in every tissue; %d dropped", quantified.sum(),
             len(events), (~quantified).sum())
    keep = np.flatnonzero(quantified)
    event_type = events.event_type.to_numpy()[keep]
    rng = np.random.default_rng(seed)
    train = np.ones(len(keep), dtype=bool)
    for kind in np.unique(event_type):
        rows = np.flatnonzero(event_type == kind)
        test = rng.choice(rows, int(round(test_fraction * len(rows))), replace=False)
        train[test] = False
    x, lows, highs = scale_features(matrix[order[keep]], np.flatnonzero(train))
    return {"x": x, "feature": np.asarray(feature_names, dtype=str),
            "event_id": events.event_id.to_numpy(dtype=str)[keep], "event_type": event_type.astype(str),
            "train": train, "tissues": np.asarray(tissues, dtype=str),
            "psi": psi[keep].astype(np.float32), "dpsi": dpsi[keep].astype(np.float32),
            "p_change": p_change[keep].astype(np.float32), "lows": lows, "highs": highs}


def changing(data: dict, tissue: str, dpsi: float, probability: float) -> np.ndarray:
    """(n, T) bool: the event changes between ``tissue`` and each tissue (MAJIQ's call:
    P(|dPSI| >= threshold) >= probability, and |E[dPSI]| >= threshold)."""
    t = _tissue_index(data, tissue)
    return changing_calls(data["dpsi"][:, t, :], data["p_change"][:, t, :], dpsi, probability)


def interest_mask(data: dict, tissue: str, dpsi: float, probability: float,
                  min_tissues: int = 1) -> np.ndarray:
    """The class of interest: cassette exons changing in ``tissue`` vs at least
    ``min_tissues`` other tissues (paper: 1 for hippocampus, 2 for the liver)."""
    n_changing = changing(data, tissue, dpsi, probability).sum(axis=1)
    return (data["event_type"] == "cassette") & (n_changing >= min_tissues)


def class_table(data: dict, tissue: str, dpsi: float, probability: float) -> pd.DataFrame:
    """One row per event: type, split, and in how many comparisons it changes in ``tissue``."""
    n_changing = changing(data, tissue, dpsi, probability).sum(axis=1)
    return pd.DataFrame({
        "event_id": data["event_id"], "event_type": data["event_type"],
        "split": np.where(data["train"], "train", "test"),
        "changing_vs_other_tissues": n_changing,
        "interest": interest_mask(data, tissue, dpsi, probability),
    })


MODEL_METRICS = {
    "auc_changing_pair": "splicing model: predicted up + down of t1 vs t2, changing vs non-changing "
                         "test exons of both types",
    "auc_differential_inclusion": "splicing model: the joined encoder + code that attribution explains, "
                                  "test cassette exons changing in t1 vs the other test cassette exons",
}
METRIC_COLUMNS = ["metric", "t1", "t2", "n_changing", "n_unchanged", "auc", "description"]


def model_metrics(autoencoder, code, data: dict, tissue: str, dpsi: float,
                  probability: float) -> pd.DataFrame:
    """Test-set AUCs of the splicing code: per pair (``tissue``, other), changing vs
    non-changing exons; and cassette exons changing in ``tissue`` against the other test
    cassette exons, scored by the joined model that attribution explains."""
    test = ~data["train"]
    tissues = data["tissues"].tolist()
    t = _tissue_index(data, tissue)
    pairs = [(t, o) for o in range(len(tissues)) if o != t]
    table = pair_auc(autoencoder, code, data["x"][test], data["dpsi"][test], data["p_change"][test],
                     pairs, threshold=dpsi, probability=probability)
    table.insert(0, "metric", "auc_changing_pair")
    table["t1"] = [tissues[i] for i in table.t1]
    table["t2"] = [tissues[i] for i in table.t2]
    table["description"] = MODEL_METRICS["auc_changing_pair"]
    cassette = test & (data["event_type"] == "cassette")
    interest = interest_mask(data, tissue, dpsi, probability)[cassette]
    auc = differential_auc(joined_model(autoencoder, code, data, tissue), data["x"][cassette], interest)
    log.info("test AUC, %s exons changing vs other cassette exons: %.3f", tissue, auc)
    overall = pd.DataFrame([{"metric": "auc_differential_inclusion", "t1": tissue, "t2": "any other",
                             "n_changing": int(interest.sum()), "n_unchanged": int((~interest).sum()),
                             "auc": auc, "description": MODEL_METRICS["auc_differential_inclusion"]}])
    return pd.concat([table, overall], ignore_index=True)


PLANTED_TIERS = ("specific", "differential", "basal")  # the program's features, k-mers aside


def oracle_metrics(data: dict, features: dict, feature_truth: pd.DataFrame, program, regulation: np.ndarray,
                   event_ids, tissue: str, dpsi: float, probability: float, seed: int) -> pd.DataFrame:
    """:func:`~eigflow_arms.splicing.evaluate.oracle_table` rows for the model-metrics table, on
    the test cassette exons and the class of :func:`model_metrics`.

    ``features`` is the unscaled feature file (``matrix``, ``feature``, ``event_id``):
    the splice-site scores there are the strengths the simulation scored (they agree to
    float32 rounding). ``feature_truth`` gives each feature's tier
    (:func:`eigflow_arms.splicing.truth.feature_truth`); ``program`` is the planted program the
    data were simulated from; ``regulation`` (m, R) is
    :func:`eigflow_arms.splicing.simulate.program_regulation` of the events ``event_ids``.
    """
    from .evaluate import oracle_table
    from .truth import BASAL_FEATURES

    _, labels, train, test = prediction_task(data, tissue, dpsi, probability)
    cassette = np.flatnonzero(data["event_type"] == "cassette")
    ids = data["event_id"][cassette]
    columns = pd.Index(features["feature"])
    raw = np.asarray(features["matrix"])[pd.Index(features["event_id"]).get_indexer(ids)]
    planted = feature_truth.feature[feature_truth.tier.isin(PLANTED_TIERS)]
    planted_x = data["x"][cassette][:, pd.Index(data["feature"]).get_indexer(planted)]
    strength = raw[:, columns.get_indexer(list(BASAL_FEATURES))].sum(axis=1)
    regulation = np.asarray(regulation)[pd.Index(event_ids).get_indexer(ids)]
    activity = program.activities(list(data["tissues"]))
    table = oracle_table(labels, train, test, planted_x, regulation, strength, activity,
                         _tissue_index(data, tissue), dpsi, seed)
    for name, auc in zip(table.metric, table.auc):
        log.info("test AUC of %s: %.3f", name, auc)
    return table.assign(t1=tissue, t2="any other")[METRIC_COLUMNS]


def prediction_task(data: dict, tissue: str, dpsi: float, probability: float):
    """Figs. 3f/3g's task on cassette exons: changing in ``tissue`` (the class of interest)
    or not. Returns (x, labels, train, test), rows restricted to cassette exons."""
    cassette = data["event_type"] == "cassette"
    labels = interest_mask(data, tissue, dpsi, probability)[cassette]
    return data["x"][cassette], labels, data["train"][cassette], ~data["train"][cassette]


def reference(data: dict) -> np.ndarray:
    """The reference class of the group-specific baselines: constitutive training exons."""
    return data["x"][data["train"] & (data["event_type"] == "constitutive")]


def deep_shap_background(data: dict, n: int, seed: int) -> np.ndarray:
    """``n`` constitutive training exons (seeded): Deep SHAP's background (paper: 1,000)."""
    pool = reference(data)
    if n > len(pool):
        log.warning("deep_shap_background=%d but only %d constitutive training exons: using all", n, len(pool))
        return pool
    return pool[np.sort(np.random.default_rng(seed).choice(len(pool), n, replace=False))]


def joined_model(autoencoder, code, data: dict, tissue: str) -> DifferentialInclusion:
    """Encoder and splicing code joined: x -> predicted |dPSI| of ``tissue`` vs the others."""
    t = _tissue_index(data, tissue)
    others = [i for i in range(len(data["tissues"])) if i != t]
    return DifferentialInclusion(autoencoder, code, t, others).eval()


def sample_sets(data: dict, tissue: str, dpsi: float, probability: float, n_samples: int,
                seed: int, min_tissues: int = 1) -> dict:
    """Algorithm 1's sets over all events: ``n_samples`` of the class of interest, two random."""
    candidates = np.flatnonzero(interest_mask(data, tissue, dpsi, probability, min_tissues))
    return shards.sample_sets(candidates, len(data["x"]), n_samples, seed,
                              what=f"cassette exons changing in {tissue}",
                              fix="lower splicing.n_samples, or loosen splicing.changing")


def attribute_method(method: str, model, autoencoder, data: dict, index: np.ndarray, *,
                     graph=None, n_baselines: int = 3, n_steps: int = 250,
                     background: np.ndarray | None = None, seed: int = 0,
                     batch_size: int | None = None, device: str = "cpu", label: str = "") -> dict:
    """Attributions of events ``index`` by ``method``, as the arrays of a shard file.

    EIG methods (``{path}.{baseline}``) use the constitutive training exons as the reference
    class; ``simple-gradients`` is gradient x input; ``deep-shap`` is shap's DeepExplainer
    against ``background``, with its additivity gap stored as the completeness error.
    """
    samples = data["x"][index]
    path, baseline = parse_method(method)
    if path is not None:
        return shards.attribute_shard(model, data["x"], index, path, baseline, reference(data),
                                      n_baselines, n_steps, autoencoder=autoencoder, graph=graph,
                                      seed=seed, batch_size=batch_size, device=device, label=label)
    if method == "simple-gradients":
        return {"index": index, "attributions": simple_gradients(model, samples, device=device)}
    if method == "deep-shap":
        values = deep_shap(model.to("cpu"), samples, background)
        return {"index": index, "attributions": values,
                "completeness_error": np.abs(additivity_gap(model, samples, background, values))}
    raise ValueError(f"unknown method {method!r}: use '{{path}}.{{baseline}}', 'simple-gradients' "
                     "or 'deep-shap'")


def _tissue_index(data: dict, tissue: str) -> int:
    tissues = list(data["tissues"])
    if tissue not in tissues:
        raise ValueError(f"splicing.tissue={tissue!r} is not one of the data's tissues {tissues}")
    return tissues.index(tissue)
