"""DeepResolve's figures (:mod:`.deepresolve`): one plotting function per figure."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np

from eigflow_arms.common.figures import save_figure
from eigflow_arms.liver.motif_figures import logo
from eigflow_arms.liver.motifs.pssm import information_content

POSITIVE, NEGATIVE = "#d62728", "#1f77b4"


def _circles(ax, row: int, values, colour=None) -> None:
    """One row of circles, area proportional to |value| (largest of the row: full size)."""
    values = np.asarray(values, dtype=float)
    top = np.abs(values).max()
    size = 120 * np.abs(values) / top if top > 0 else np.zeros_like(values)
    colours = colour or np.where(values > 0, POSITIVE, NEGATIVE)
    ax.scatter(np.arange(len(values)), np.full(len(values), row), s=size, c=colours, linewidths=0)


def importance(resolved: dict, png, pdf) -> None:
    """004's Fig. 2 for every output: the FIVs of each start (red positive, blue negative;
    area: |FIV|), the IL of each channel (grey), the OFIV, and a star over the non-additive."""
    outputs = list(resolved["outputs"])
    fiv, il, ofiv, inconsistent = (resolved[k] for k in ("fiv", "il", "ofiv", "non_additive"))
    n_starts, _, n_channels = fiv.shape
    cols = min(4, len(outputs))
    rows = int(np.ceil(len(outputs) / cols))
    fig, axes = plt.subplots(rows, cols, figsize=(0.25 * n_channels * cols + 1.5, 0.22 * (n_starts + 3) * rows + 1.2),
                             squeeze=False)
    labels = [f"start {t + 1}" for t in range(n_starts)] + ["IL", "OFIV"]
    for ax, o in zip(axes.flat, range(len(outputs))):
        for t in range(n_starts):
            _circles(ax, t, fiv[t, o])
        _circles(ax, n_starts, il[o], colour="0.4")
        _circles(ax, n_starts + 1, ofiv[o])
        stars = np.flatnonzero(inconsistent[o])
        ax.scatter(stars, np.full(len(stars), n_starts + 1.7), marker="*", s=30, color="k")
        ax.set_yticks(np.arange(n_starts + 2), labels, fontsize=6)
        ax.set_ylim(n_starts + 2.2, -0.8)
        ax.set_xticks(np.arange(n_channels), np.arange(n_channels), fontsize=6)
        ax.set_xlabel("channel", fontsize=7)
        ax.set_title(outputs[o], fontsize=9)
    for ax in axes.flat[len(outputs):]:
        ax.set_visible(False)
    fig.suptitle("DeepResolve: FIVs per start, inconsistency (IL) and OFIV (star: non-additive)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def similarity(model, program, tissues, spearman: float, png, pdf) -> None:
    """The model's tissue similarity (004's Fig. 4b: correlation of non-negative OFIVs) beside
    the program's (correlation of the tissues' regulator profiles)."""
    fig, axes = plt.subplots(1, 2, figsize=(2.5 + 1.1 * len(tissues), 0.55 * len(tissues) + 2), sharey=True,
                             layout="constrained")
    for ax, matrix, title in zip(axes, (model, program), ("model (non-negative OFIV)", "program (regulators)")):
        image = ax.imshow(matrix, vmin=-1, vmax=1, cmap="RdBu_r")
        for (i, j), value in np.ndenumerate(np.asarray(matrix)):
            ax.text(j, i, f"{value:.2f}", ha="center", va="center", fontsize=7)
        ax.set_xticks(np.arange(len(tissues)), tissues, rotation=90, fontsize=8)
        ax.set_title(title, fontsize=10)
    axes[0].set_yticks(np.arange(len(tissues)), tissues, fontsize=8)
    fig.colorbar(image, ax=list(axes), shrink=0.8, label="correlation")
    fig.suptitle(f"Tissue similarity; Spearman over the pairs {spearman:.2f}", fontsize=10)
    save_figure(fig, png, pdf)


def _bits(matrix) -> np.ndarray:
    return np.asarray(matrix) * information_content(matrix)[:, None]


def motifs(table, channel_motifs, collection: dict, png, pdf) -> None:
    """004's Fig. 6 (right): each top channel's motif (the ascent over its receptive field)
    beside its best Tomtom match in the collection. ``table``: one row per channel shown, with
    channel, tissues, rbp, q (:func:`.deepresolve_truth.top_channels`)."""
    fig, axes = plt.subplots(len(table), 2, figsize=(7, 1.1 * len(table) + 0.6), squeeze=False,
                             gridspec_kw={"width_ratios": [3, 2]})
    for (left, right), row in zip(axes, table.itertuples()):
        logo(left, _bits(channel_motifs[row.channel]))
        left.set_ylim(0, 2)
        left.set_title(f"channel {row.channel} (top in {row.tissues})", fontsize=8)
        logo(right, _bits(collection[row.rbp]))
        right.set_ylim(0, 2)
        right.set_title(f"{row.rbp}, q = {row.q:.2g}", fontsize=8)
    fig.suptitle("DeepResolve: top channels' motifs and their best match (Tomtom, one strand)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, png, pdf)
