"""The sequence arm's figures, one function per figure rule (workflow/rules/sequence.smk)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from eigflow_arms.common import methods
from eigflow_arms.common.figures import open_axes, save_figure
from eigflow_arms.liver.motif_figures import logo
from eigflow_arms.liver.motifs.maps import running_mean

from .data import WINDOWS


def _methods_axis(ax, order):
    ax.set_yticks(np.arange(len(order)), [methods.label(m) for m in order], fontsize=8)
    ax.invert_yaxis()
    open_axes(ax)


def ground_truth(table: pd.DataFrame, png, pdf) -> None:
    """Per method and contrast: mean per-sequence AUROC and AUPRC of |attribution x input|
    against the functional sites (bars, +- 1 sd), and the gradient-corrected AUROC (dots)."""
    order = methods.order(table.method.unique())
    contrasts = list(table.contrast.unique())
    fig, axes = plt.subplots(1, 2, figsize=(11, 0.32 * len(order) + 1.8), sharey=True)
    height = 0.8 / len(contrasts)
    shades = (1.0, 0.55)
    for ax, metric in zip(axes, ("auroc", "auprc")):
        for c, contrast in enumerate(contrasts):
            rows = table[table.contrast == contrast].set_index("method").reindex(order)
            y = np.arange(len(order)) - 0.4 + height * (c + 0.5)
            ax.barh(y, rows[metric], height, xerr=rows[f"{metric}_sd"], color=[methods.color(m) for m in order],
                    alpha=shades[c % 2], error_kw={"lw": 0.6, "ecolor": "0.4"}, label=contrast)
            if metric == "auroc":
                ax.plot(rows["auroc_corrected"], y, "k.", ms=3, label="corrected" if c == 0 else None)
        if metric == "auroc":
            ax.axvline(0.5, color="0.5", lw=0.6, ls=":")
        ax.set_xlabel(f"per-sequence {metric.upper()} (mean, +- sd)")
        _methods_axis(ax, order)
    axes[0].legend(frameon=False, fontsize=8, loc="lower right")
    fig.suptitle("Attributions against the planted functional sites (lighter: second contrast)", fontsize=10)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def cost(table: pd.DataFrame, png, pdf) -> None:
    """Accuracy (mean per-sequence AUROC) against cost (model evaluations per sequence, log)."""
    contrasts = list(table.contrast.unique())
    fig, axes = plt.subplots(1, len(contrasts), figsize=(5.5 * len(contrasts), 4.5), squeeze=False)
    for ax, contrast in zip(axes[0], contrasts):
        rows = table[table.contrast == contrast]
        for row in rows.itertuples():
            ax.scatter(row.evaluations_per_sequence, row.auroc, color=methods.color(row.method), s=28,
                       marker="o" if row.method in methods.EXPLAINERS else "s")
            ax.annotate(methods.label(row.method), (row.evaluations_per_sequence, row.auroc), fontsize=6,
                        xytext=(3, 2), textcoords="offset points")
        ax.set_xscale("log")
        ax.set_xlabel("model evaluations per sequence (forward + backward passes)")
        ax.set_ylabel("mean per-sequence AUROC")
        ax.set_title(f"{contrast} (circles: toolbox; squares: EIG)", fontsize=10)
        open_axes(ax)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def motifs(recovered: pd.DataFrame, png, pdf) -> None:
    """Which collection motifs each method's seqlets recover, per contrast: filled where
    recovered, ring where planted for the contrast; decoys in red."""
    contrasts = list(recovered.contrast.unique())
    order = methods.order(recovered.method.unique())
    shown = recovered[recovered.planted | recovered.recovered].rbp.unique()
    targets = [t for t in recovered.rbp.unique() if t in shown]
    fig, axes = plt.subplots(1, len(contrasts), figsize=(1.2 + 0.45 * len(targets) * len(contrasts),
                                                          0.3 * len(order) + 2.2), squeeze=False, sharey=True)
    for ax, contrast in zip(axes[0], contrasts):
        rows = recovered[recovered.contrast == contrast]
        for i, method in enumerate(order):
            for j, target in enumerate(targets):
                cell = rows[(rows.method == method) & (rows.rbp == target)]
                if cell.empty:
                    continue
                cell = cell.iloc[0]
                colour = "#d62728" if cell.decoy else "0.15"
                if cell.recovered:
                    ax.scatter(j, i, s=40, color=colour)
                if cell.planted:
                    ax.scatter(j, i, s=90, facecolors="none", edgecolors="#1f77b4", lw=1)
        ax.set_xticks(np.arange(len(targets)), targets, rotation=90, fontsize=8)
        ax.set_title(contrast, fontsize=10)
        _methods_axis(ax, order)
    fig.suptitle("Motifs recovered by seqlets + Tomtom (dot: recovered; ring: planted; red: decoy)",
                 fontsize=10)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def rna_map(maps: pd.DataFrame, planted: pd.DataFrame, png, pdf, smooth: int = 20) -> None:
    """Mean attribution at the observed base by position around each splice site (running mean of
    ``smooth`` nt), each method scaled to its largest |value|, above the planted RNA map."""
    contrasts = list(maps.contrast.unique())
    order = methods.order(maps.method.unique())
    fig, axes = plt.subplots(2 * len(contrasts), len(WINDOWS), figsize=(15, 3.2 * len(contrasts) + 1),
                             sharex="col", squeeze=False, gridspec_kw={"height_ratios": [3, 1] * len(contrasts)})
    for c, contrast in enumerate(contrasts):
        rows, truth = maps[maps.contrast == contrast], planted[planted.contrast == contrast]
        for w, window in enumerate(WINDOWS):
            top, bottom = axes[2 * c, w], axes[2 * c + 1, w]
            for method in order:
                line = rows[(rows.method == method) & (rows.window == window)]
                values = running_mean(line.attribution.to_numpy(), smooth)
                scale = np.nanmax(np.abs(rows[rows.method == method].attribution)) or 1.0
                top.plot(line.position, values / scale, color=methods.color(method), lw=0.8,
                         ls=methods.line_style(method), label=methods.label(method))
            top.axhline(0, color="0.6", lw=0.5)
            top.set_title(f"{contrast}: {window}", fontsize=9)
            summed = truth[truth.window == window].groupby("position").weighted.sum()
            bottom.fill_between(summed.index, summed.to_numpy(), color="0.5", step="mid")
            bottom.axhline(0, color="0.3", lw=0.5)
            for ax in (top, bottom):
                ax.axvline(0, color="k", lw=0.5, ls=":")
                open_axes(ax)
        axes[2 * c, 0].set_ylabel("attribution (scaled)")
        axes[2 * c + 1, 0].set_ylabel("planted")
    for ax in axes[-1]:
        ax.set_xlabel("nt from the splice site")
    axes[0, -1].legend(fontsize=6, frameon=False, loc="upper right", ncol=2)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def examples(panels: list[dict], png, pdf) -> None:
    """Attribution logos of example exons: one row per (exon, method), the functional sites shaded.

    Each panel: ``title``, ``heights`` (w, 4) attribution x input, ``start`` (position of the
    first column from the splice site), ``sites`` (w,) bool.
    """
    fig, axes = plt.subplots(len(panels), 1, figsize=(12, 1.3 * len(panels) + 0.6), squeeze=False)
    for ax, panel in zip(axes[:, 0], panels):
        # Shading first and beneath: logomaker's glyphs sit at zorder 0 too, and a span drawn
        # after them hid the letters of the very sites it marks.
        for p in np.flatnonzero(panel["sites"]):
            ax.axvspan(panel["start"] + p - 0.5, panel["start"] + p + 0.5, color="#fdd49e", zorder=-1, lw=0)
        logo(ax, panel["heights"], start=panel["start"], label=panel["title"], ylabel="attr.")
    axes[-1, 0].set_xlabel("nt from the splice site (shaded: functional sites of the contrast's regulators)")
    fig.tight_layout()
    save_figure(fig, png, pdf)
