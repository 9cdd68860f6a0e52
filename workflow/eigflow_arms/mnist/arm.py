"""The MNIST arm's stages (paper Fig. 2, supp. S4-S6), one function per workflow step.

Arrays flow through files: ``prepare`` -> data.npz; ``sample_sets`` -> sample_sets.npz;
models (eigflow_arms.mnist.models); the shared attribution stage (eigflow_arms.common.stage,
through eigflow_arms.mnist.adapter) -> shards and Algorithm 1's tables; figures
(eigflow_arms.mnist.figures).
Images are flat (n, 784) float32 in [0, 1] everywhere after ``prepare``.
"""
from __future__ import annotations

import logging

import numpy as np
import pandas as pd
from eigflow.attribute import attribute
from eigflow.integrate import step_halving_change

from eigflow_arms.common import shards

from .data import load_mnist
from .pixels import dead_pixels, patch_groups, subset_accuracy

log = logging.getLogger(__name__)


def prepare(source: str, local_dir: str, download_dir: str, test_fraction: float, seed: int,
            max_train: int | None = None, max_test: int | None = None) -> dict:
    """Load MNIST from ``source`` and optionally cap each split (a seeded random subset)."""
    folder = download_dir if source == "download" else local_dir
    data = load_mnist(source, local_dir=folder, test_fraction=test_fraction, seed=seed)
    rng = np.random.default_rng(seed)
    out = {}
    for split, cap in (("train", max_train), ("test", max_test)):
        x, y = data[f"x_{split}"], data[f"y_{split}"]
        keep = np.sort(rng.choice(len(x), cap, replace=False)) if cap and cap < len(x) else slice(None)
        out[f"x_{split}"] = x[keep].reshape(-1, 784).astype(np.float32)
        out[f"y_{split}"] = y[keep].astype(np.int64)
        log.info("%s: %d images, digits %s", split, len(out[f"y_{split}"]),
                 np.bincount(out[f"y_{split}"], minlength=10).tolist())
    return out


def sample_sets(labels: np.ndarray, digit: int, n_samples: int, seed: int) -> dict:
    """Algorithm 1's sets (:func:`eigflow_arms.common.shards.sample_sets`) with images of ``digit`` as the
    class of interest."""
    return shards.sample_sets(np.flatnonzero(labels == digit), len(labels), n_samples, seed,
                              what=f"images of digit {digit} in the sample pool",
                              fix="lower n_samples (mnist.n_samples) or use a larger source")


def reference_class(data: dict, digit: int) -> np.ndarray:
    """Training images of ``digit``: the reference class of the group-specific baselines."""
    return data["x_train"][data["y_train"] == digit]


def significance_groups(patch: int):
    """Meta-features of the significance test: pixels, or patch x patch squares."""
    return None if patch <= 1 else patch_groups(28, patch)


def steps_study(model, autoencoder, samples: np.ndarray, baselines: np.ndarray, path: str,
                digit: int, steps: list[int], graph=None, device: str = "cpu") -> pd.DataFrame:
    """Integration error against the number of path points (paper supp. S4).

    For each step count: the completeness error, and the relative change of the
    attributions when the step size is halved (the next step count's answer).
    """
    results = {n: attribute(model, samples, path=path, baseline=baselines, n_steps=n,
                            autoencoder=autoencoder, neighbors=graph, target=digit, device=device,
                            label=f"steps study n_steps={n}")
               for n in sorted(set(steps) | {2 * s - 1 for s in steps})}
    rows = []
    for n in sorted(steps):
        err = results[n].completeness_error
        relative = err / np.maximum(np.abs(results[n].output - results[n].baseline_output.mean(axis=1)), 1e-12)
        change = step_halving_change(results[n].attributions, results[2 * n - 1].attributions)
        rows.append({"n_steps": n,
                     "completeness_error_median": np.median(err),
                     "completeness_error_q90": np.quantile(err, 0.9),
                     "relative_completeness_error_median": np.median(relative),
                     "relative_completeness_error_q90": np.quantile(relative, 0.9),
                     "halving_change_median": np.median(change),
                     "halving_change_q90": np.quantile(change, 0.9)})
    return pd.DataFrame(rows)


def pixel_significance(significance_table: pd.DataFrame, patch: int) -> pd.DataFrame:
    """Per pixel (``feature``): the test result of the pixel, or of the patch it belongs to."""
    groups = significance_groups(patch)
    tested = np.arange(784) if groups is None else groups
    lookup = significance_table.set_index("feature").loc[tested]
    return pd.DataFrame({
        "feature": np.arange(784), "row": np.arange(784) // 28, "col": np.arange(784) % 28,
        "tested_feature": tested, **{col: lookup[col].to_numpy() for col in
                                     ("mean_abs_interest", "p", "p_adjusted", "significant")},
    })


def pixel_table(mean_attribution: np.ndarray, significance_table: pd.DataFrame, patch: int) -> pd.DataFrame:
    """Figs. 2a-c: per pixel, the mean attribution and its (patch's) significance."""
    table = pixel_significance(significance_table, patch)
    table.insert(4, "mean_attribution", mean_attribution)
    return table


def binary_task(data: dict, digit: int, other: int):
    """Train and test images of two digits with labels 1 (``digit``) and 0 (``other``)."""
    def split(name):
        keep = np.isin(data[f"y_{name}"], (digit, other))
        return data[f"x_{name}"][keep], (data[f"y_{name}"][keep] == digit).astype(np.int64)
    return (*split("train"), *split("test"))


# Paper Fig. 2d: "0.00 to 1.44% loss in accuracy while using 8 to 20% of all pixels".
PAPER_FIG2D = {"paper_accuracy_loss_pct": "0.00-1.44", "paper_pixels_used_pct": "8-20"}


def fig2d_table(data: dict, digit: int, significant_by_digit: dict, classifier: str, seed: int) -> pd.DataFrame:
    """Binary ``digit``-vs-d classifiers on significant pixels vs on all 784, for each d."""
    rows = []
    for other, significant in significant_by_digit.items():
        task = binary_task(data, digit, other)
        acc_all = subset_accuracy(*task, np.arange(784), seed=seed, model=classifier)
        acc_sig = subset_accuracy(*task, np.flatnonzero(significant), seed=seed, model=classifier)
        rows.append({"digit": digit, "baseline_digit": other, "n_significant": int(significant.sum()),
                     "pct_pixels": 100.0 * significant.sum() / 784, "accuracy_all": acc_all,
                     "accuracy_significant": acc_sig, "accuracy_loss_pct": 100.0 * (acc_all - acc_sig),
                     **PAPER_FIG2D})
        log.info("%d vs %d: %d significant pixels, accuracy %.4f (all) %.4f (significant)",
                 digit, other, significant.sum(), acc_all, acc_sig)
    return pd.DataFrame(rows)


def calibration_filter(significance_table: pd.DataFrame, images: np.ndarray, patch: int) -> pd.DataFrame:
    """Supp. S6: each feature's p-value and whether it is informative (significant) or dead.

    A patch is dead when all its pixels are constant over ``images``.
    """
    table = significance_table[["feature", "p", "significant"]].copy()
    dead = dead_pixels(images)
    groups = significance_groups(patch)
    if groups is not None:
        dead = pd.Series(dead).groupby(groups).all().to_numpy()
    table["dead"] = dead[table.feature.to_numpy()]
    table["kept"] = ~(table.significant | table.dead)
    return table
