"""The model's own use of each meta-feature: a perturbation of the model the attributions explain.

The ground truth of :mod:`eigflow_arms.splicing.truth` says which meta-features carry planted
signal in the data; whether the trained model uses them is a separate question, and an
attribution method can only be asked to see what the model uses. So the model is probed
directly: for the class of interest's samples, a meta-feature's member features are replaced
by their values in randomly drawn cassette exons (the same donor for all members, which keeps
their joint distribution), and the meta-feature's use is the mean |F(x') - F(x)| over samples
and repeats, F being the joined model (:class:`~eigflow_arms.splicing.models.DifferentialInclusion`).

|dF| rather than the drop F(x) - F(x'): the attributions are scored by mean |attribution|,
which is blind to sign, and a meta-feature that represses the output (Nova's upstream sites)
is used as much as one that raises it; a signed drop would cancel the two directions over
donors and samples. The donors come from every cassette exon: a meta-feature scores by how
much the output moves across the values cassette exons actually take, and one the model
ignores scores (near) 0 whatever its values.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
import torch

from .arm import joined_model

COLUMNS = ["meta_feature", "model_use"]


def model_use(model, samples: np.ndarray, donors: np.ndarray, groups, repeats: int, seed: int) -> pd.DataFrame:
    """Mean |dF| of ``model`` when each meta-feature's members are taken from random donors.

    Parameters
    ----------
    model : callable
        (m, d) float32 tensor -> (m,) tensor; the model the attributions explain.
    samples : (s, d) array
        The samples whose output is perturbed (the class of interest's).
    donors : (n, d) array
        Rows the replacement values are drawn from, with replacement.
    groups : (d,) labels
        Meta-feature of each feature (as :func:`eigflow.significance.group_features`).
    repeats : int
        Donor draws per sample.
    seed : int
        Seeds the draws. One draw serves every meta-feature, so their scores differ by the
        model alone, not by the luck of their donors.

    Returns
    -------
    DataFrame with columns ``COLUMNS``, meta-features in order of first appearance.
    """
    samples = np.asarray(samples, dtype=np.float32)
    donors = np.asarray(donors, dtype=np.float32)
    codes, labels = pd.factorize(np.asarray(groups))
    if len(codes) != samples.shape[1]:
        raise ValueError(f"`groups` labels {len(codes)} features but the samples have {samples.shape[1]}")
    rng = np.random.default_rng(seed)
    drawn = donors[rng.integers(len(donors), size=repeats * len(samples))]
    tiled = np.tile(samples, (repeats, 1))  # repeat r of sample i is row r * s + i
    use = np.empty(len(labels))
    with torch.no_grad():
        output = model(torch.from_numpy(tiled))
        for g in range(len(labels)):
            columns = codes == g
            perturbed = tiled.copy()
            perturbed[:, columns] = drawn[:, columns]
            use[g] = (model(torch.from_numpy(perturbed)) - output).abs().mean().item()
    return pd.DataFrame({"meta_feature": labels, "model_use": use})


def splicing_model_use(data: dict, autoencoder, code, interest: np.ndarray, groups, tissue: str,
                       repeats: int, seed: int) -> pd.DataFrame:
    """:func:`model_use` of the splicing arm's joined model on the class of interest's sample
    set (pool rows ``interest``: the samples the attributions explain), donors drawn from
    every cassette exon of ``data``."""
    model = joined_model(autoencoder, code, data, tissue)
    donors = data["x"][data["event_type"] == "cassette"]
    return model_use(model, data["x"][interest], donors, groups, repeats, seed)
