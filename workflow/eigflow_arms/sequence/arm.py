"""The sequence arm's stages, one function per workflow step: sample sets, the reference class,
one shard of any method's attributions with its cost, and the CNN's test metrics beside the
feature model's and the oracles'."""
from __future__ import annotations

import logging
import time

import numpy as np
import pandas as pd
import torch
from eigflow import BASELINES, attribute
from eigflow.attribute import simple_gradients

from eigflow_arms.common import methods, shards
from eigflow_arms.splicing import arm as splicing_arm
from eigflow_arms.splicing.evaluate import ORACLES
from eigflow_arms.splicing.models import differential_auc

from . import model as cnn_model
from .data import one_hot

log = logging.getLogger(__name__)


def changes(splicing: dict, contrasts, dpsi: float, probability: float) -> np.ndarray:
    """(n, K) the class of interest of each (tissue, min_tissues) contrast: cassette exons changing
    in the tissue against at least min_tissues others (the splicing and liver arms' classes)."""
    return np.stack([splicing_arm.interest_mask(splicing, tissue, dpsi, probability, min_tissues)
                     for tissue, min_tissues in contrasts], axis=1)


def sample_sets(splicing: dict, tissue: str, n_samples: int, seed: int, *, min_tissues: int, dpsi: float,
                probability: float) -> dict:
    """``n_samples`` test cassette exons of the class of interest (the model never saw them), and
    the random sets the shared stage's file format holds."""
    interest = splicing_arm.interest_mask(splicing, tissue, dpsi, probability, min_tissues) & ~splicing["train"]
    return shards.sample_sets(np.flatnonzero(interest), len(splicing["train"]), n_samples, seed,
                              what=f"test cassette exons changing in {tissue}",
                              fix="lower sequence.n_samples, or loosen splicing.changing")


def reference(data: dict) -> np.ndarray:
    """The reference class of the group-specific baselines: constitutive training exons, as in the
    splicing arm."""
    return one_hot(data["codes"][data["train"] & (data["event_type"] == "constitutive")])


def training_points(data: dict, max_points: int, seed: int) -> np.ndarray:
    """At most ``max_points`` training sequences (seeded): the nodes of O-N-IG's graph."""
    rows = np.flatnonzero(data["train"])
    if len(rows) > max_points:
        rows = np.sort(np.random.default_rng(seed).choice(rows, max_points, replace=False))
    return one_hot(data["codes"][rows])


def contrast_model(path, contrast: int) -> cnn_model.ContrastLogit:
    return cnn_model.ContrastLogit(cnn_model.load(path)[0], contrast).eval()


def load_autoencoder(path):
    """The sequence autoencoder at ``path``; None where the job was given none (an empty input)."""
    from . import autoencoder

    return autoencoder.load(path)[0] if path else None


def attribute_method(method: str, model, data: dict, index: np.ndarray, *, graph=None, autoencoder=None,
                     n_baselines: int = 3, n_steps: int = 32, toolbox: dict | None = None, seed: int = 0,
                     batch_size: int | None = None, device: str = "cpu", label: str = "") -> dict:
    """Attributions of events ``index`` by ``method`` as the arrays of a shard file, with each
    sequence's cost: ``evaluations`` (model passes; a backward pass counts as one; the decoder
    passes of the hidden paths are not the model's, so their cost shows only in the time) and
    ``seconds`` (wall time of the method on this shard, per sequence)."""
    from .toolbox import METHODS

    x = one_hot(data["codes"][index])
    start = time.perf_counter()
    path, baseline = methods.parse(method)
    if path is not None:
        ref = reference(data) if BASELINES[baseline].needs_reference else None
        res = attribute(model, x, path=path, baseline=baseline, reference=ref, n_baselines=n_baselines,
                        n_steps=n_steps, autoencoder=autoencoder, neighbors=graph, batch_size=batch_size,
                        device=device, seed=seed, label=label)
        out = {"attributions": res.attributions, "completeness_error": res.completeness_error,
               "output": res.output, "baseline_output": res.baseline_output,
               "evaluations": np.full(len(x), 2 * res.baselines.shape[1] * n_steps)}
    elif method == methods.SIMPLE_GRADIENTS:
        out = {"attributions": simple_gradients(model, x, device=device), "evaluations": np.full(len(x), 2)}
    else:
        out = METHODS[method](model, x, reference=reference(data), seed=seed, batch_size=batch_size,
                              device=device, **(toolbox or {}).get(method, {}))
    seconds = (time.perf_counter() - start) / max(len(x), 1)
    log.info("%s: %.3f s per sequence", label or method, seconds)
    return {**out, "index": index, "seconds": np.full(len(x), seconds)}


METRIC_COLUMNS = ["model", "tissue", "min_tissues", "n_changing", "n_unchanged", "auc", "description"]


def model_metrics(cnn, data: dict, splicing: dict, autoencoder, code, contrasts, dpsi: float,
                  probability: float, splicing_metrics: pd.DataFrame | None) -> pd.DataFrame:
    """Test AUCs of every contrast (changing test cassette exons against the other test cassette
    exons): the CNN's logit, the feature model's differential inclusion on the same exons, and
    the oracles of ``splicing_metrics`` (the splicing arm's table) for the contrast they score."""
    test = ~data["train"] & (data["event_type"] == "cassette")
    labels = changes(splicing, contrasts, dpsi, probability)[test]
    x = one_hot(data["codes"][test])
    rows = []
    for k, (tissue, min_tissues) in enumerate(contrasts):
        counts = {"tissue": tissue, "min_tissues": min_tissues, "n_changing": int(labels[:, k].sum()),
                  "n_unchanged": int((~labels[:, k]).sum())}
        feature_model = splicing_arm.joined_model(autoencoder, code, splicing, tissue)
        rows.append({"model": "sequence CNN", **counts,
                     "auc": differential_auc(cnn_model.ContrastLogit(cnn, k), x, labels[:, k]),
                     "description": "the CNN's contrast logit on the one-hot splice-site windows"})
        rows.append({"model": "feature model", **counts,
                     "auc": differential_auc(feature_model, splicing["x"][test], labels[:, k]),
                     "description": "the paper's splicing code (encoder + code) on the AVISPA-style features"})
        log.info("test AUC for %s: CNN %.3f, feature model %.3f", tissue, rows[-2]["auc"], rows[-1]["auc"])
    table = pd.DataFrame(rows, columns=METRIC_COLUMNS)
    if splicing_metrics is not None:
        oracles = splicing_metrics[splicing_metrics.metric.isin(list(ORACLES))]
        table = pd.concat([table, pd.DataFrame({
            "model": oracles.metric, "tissue": oracles.t1, "min_tissues": 1, "n_changing": oracles.n_changing,
            "n_unchanged": oracles.n_unchanged, "auc": oracles.auc, "description": oracles.description})],
            ignore_index=True)
    return table


def train_cnn(data: dict, splicing: dict, contrasts, dpsi: float, probability: float, seed: int,
              **settings) -> cnn_model.SequenceCNN:
    """The CNN of :mod:`.model`, fitted on the training events (it seeds itself)."""
    return cnn_model.train(one_hot(data["codes"]), data["psi"], changes(splicing, contrasts, dpsi, probability),
                           np.flatnonzero(data["train"]), seed=seed, **settings)


def train_autoencoder(data: dict, seed: int, **settings) -> tuple:
    """The sequence autoencoder of the hidden paths, fitted on the training sequences, and how
    well it reconstructs training and test sequences beside the training sequences' position
    profile (the mean one-hot; what a decoder that ignores its code can do at best)."""
    from . import autoencoder

    x, train = one_hot(data["codes"]), np.asarray(data["train"])
    ae = autoencoder.train(x, np.flatnonzero(train), seed=seed, **settings)
    mean = torch.as_tensor(x[train].mean(axis=0))
    decoders = {"autoencoder": lambda xb: ae.decode(ae.encode(xb)),
                "position profile": lambda xb: mean.expand(len(xb), *mean.shape)}
    rows = [{"model": name, "split": split, **autoencoder.reconstruction(x[rows_], profiles)}
            for name, profiles in decoders.items() for split, rows_ in (("train", train), ("test", ~train))]
    table = pd.DataFrame(rows)
    log.info("sequence autoencoder reconstruction:\n%s", table.to_string(index=False))
    return ae, table
