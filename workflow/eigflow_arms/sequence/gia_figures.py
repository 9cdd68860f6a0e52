"""The figures of global importance analysis on the sequence CNN (:mod:`.gia`), one function per
figure rule (workflow/rules/gia.smk)."""
from __future__ import annotations

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from eigflow_arms.common.figures import open_axes, save_figure
from eigflow_arms.liver.motif_figures import logo

from .data import WINDOWS
from .gia import BASES

NULL_STYLES = {"profile": "#1f77b4", "shuffle": "#ff7f0e", "dinucleotide-shuffle": "#2ca02c", "observed": "#9467bd"}


def _shown_output(rows: pd.DataFrame, kind: str = "psi") -> tuple[str, str]:
    """(output, tissue) of the ``kind`` output (``psi``: E[PSI] logits; ``change``: the contrasts')
    where the RBP's planted effect is largest: for ``psi``, its most active tissue; the first
    tissue for an RBP the program does not hold."""
    chosen = rows[rows.output == kind]
    strongest = chosen.groupby("tissue").planted_effect.apply(lambda e: e.abs().max())
    return kind, strongest.idxmax() if strongest.max() > 0 else chosen.tissue.iloc[0]


def _clean(ax):
    ax.axhline(0, color="0.6", lw=0.5)
    ax.axvline(0, color="k", lw=0.5, ls=":")
    open_axes(ax)


def gia_rna_map(table: pd.DataFrame, png, pdf) -> None:
    """In-silico RNA map of each program RBP (paper 003, Fig. 2's global importance by position):
    the global importance of its motif at every start around the four splice sites on the E[PSI]
    logit of its most active tissue, one line per null model, over the planted effect per
    occurrence (grey, right axis) and the 95% band of random k-mers (shaded); last row: the decoys."""
    rbps = list(table[table.kind == "program"].rbp.unique())
    decoys = table[table.kind == "decoy"]
    rows = len(rbps) + (not decoys.empty)
    fig, axes = plt.subplots(rows, len(WINDOWS), figsize=(14, 1.45 * rows + 0.8), sharex="col", squeeze=False)
    for r, rbp in enumerate([*rbps, *(["decoys"] if not decoys.empty else [])]):
        chosen = decoys if rbp == "decoys" else table[table.rbp == rbp]
        output, tissue = _shown_output(table[table.rbp == rbps[0]] if rbp == "decoys" else chosen)
        chosen = chosen[(chosen.output == output) & (chosen.tissue == tissue)]
        band = table[(table.kind == "random") & (table.output == output) & (table.tissue == tissue)].effect
        for w, window in enumerate(WINDOWS):
            ax = axes[r, w]
            if len(band):
                ax.axhspan(*np.quantile(band, [0.025, 0.975]), color="0.9", lw=0)
            here = chosen[chosen.window == window]
            if rbp == "decoys":
                for _, decoy in here.groupby("rbp"):
                    mean = decoy.groupby("position").effect.mean()
                    ax.plot(mean.index, mean.to_numpy(), color="#d62728", lw=0.6, alpha=0.6)
            else:
                # The planted effect on its own (right) axis: an undertrained CNN's effects can be
                # orders of magnitude below the planted log-odds, and would vanish on a shared one.
                planted = here.groupby("position").planted_effect.first()
                twin = ax.twinx()
                twin.fill_between(planted.index, planted.to_numpy(), color="0.55", step="mid", alpha=0.35, lw=0)
                twin.tick_params(labelsize=6, colors="0.45")
                twin.set_zorder(ax.get_zorder() - 1)
                ax.patch.set_visible(False)
                for null, line in here.groupby("null"):
                    ax.plot(line.position, line.effect, color=NULL_STYLES.get(null, "k"), lw=0.8, label=null)
            _clean(ax)
            if r == 0:
                ax.set_title(window, fontsize=9)
        axes[r, 0].set_ylabel(f"{rbp}\n{output}:{tissue}", fontsize=7)
    for ax in axes[-1]:
        ax.set_xlabel("motif start, nt from the splice site")
    axes[0, -1].legend(fontsize=6, frameon=False, loc="upper right")
    fig.suptitle("GIA: effect of one embedded motif on the E[PSI] logit (log-odds; grey, right axis: planted per "
                 "occurrence; shaded: 95% of random k-mers)", fontsize=9)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def gia_copies(table: pd.DataFrame, png, pdf) -> None:
    """Motif copies and spacing (paper 003, Fig. 3's number of motifs and Fig. 4's spacing): the
    global importance of 1..k copies of each RBP's motif (planted effect: dashed, right axis) and of two
    copies by the distance between their starts, on the E[PSI] logit of its most active tissue."""
    rbps = list(table.rbp.unique())
    colours = plt.get_cmap("tab10")
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    planted_axis = left.twinx()   # its own scale, as in gia_rna_map
    for i, rbp in enumerate(rbps):
        rows = table[table.rbp == rbp]
        output, tissue = _shown_output(rows)
        rows = rows[(rows.output == output) & (rows.tissue == tissue)]
        counted, spaced = rows[rows.experiment == "copies"], rows[rows.experiment == "spacing"]
        left.errorbar(counted.copies, counted.effect, yerr=counted.sd, color=colours(i % 10), lw=1, capsize=2,
                      label=f"{rbp} ({counted.region.iloc[0]}, {tissue})")
        planted_axis.plot(counted.copies, counted.planted_effect, color=colours(i % 10), lw=0.8, ls="--")
        right.plot(spaced.spacing, spaced.effect, "o-", color=colours(i % 10), lw=1, ms=3)
    left.set_xlabel("copies embedded")
    left.set_ylabel("global importance on the E[PSI] logit")
    planted_axis.set_ylabel("planted effect (dashed)", color="0.45")
    right.set_xlabel("distance between the two copies' starts (nt)")
    right.set_ylabel("global importance, two copies")
    for ax in (left, right):
        ax.axhline(0, color="0.6", lw=0.5)
        open_axes(ax)
    left.legend(fontsize=6, frameon=False)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def gia_interaction(table: pd.DataFrame, png, pdf) -> None:
    """Two-motif interaction (paper 003, Fig. 5's A+B against A and B alone): per pair, on the
    E[PSI] logit of the first RBP's most active tissue, the effect of A alone, B alone, their
    sum and both together (+- sd of the excess over the backgrounds); the planted effects add."""
    fig, ax = plt.subplots(figsize=(1.2 + 1.3 * table[["rbp_a", "rbp_b"]].drop_duplicates().shape[0], 4))
    labels = []
    for i, ((a, b), rows) in enumerate(table.groupby(["rbp_a", "rbp_b"], sort=False)):
        output, tissue = _shown_output(rows.assign(planted_effect=rows.planted_ab))
        row = rows[(rows.output == output) & (rows.tissue == tissue)].iloc[0]
        parts = (("A", row.effect_a, "#1f77b4"), ("B", row.effect_b, "#ff7f0e"),
                 ("A + B", row.effect_a + row.effect_b, "0.6"), ("with both", row.effect_ab, "#2ca02c"))
        for j, (name, value, colour) in enumerate(parts):
            ax.bar(i + 0.2 * (j - 1.5), value, 0.18, color=colour, label=name if i == 0 else None,
                   yerr=row.interaction_sd if name == "with both" else None, error_kw={"lw": 0.6})
        labels.append(f"{a} + {b}\n{row.region}, {row.distance} nt\n{tissue}")
    ax.set_xticks(np.arange(len(labels)), labels, fontsize=7)
    ax.axhline(0, color="0.6", lw=0.5)
    ax.set_ylabel("global importance on the E[PSI] logit")
    open_axes(ax)
    ax.legend(fontsize=7, frameon=False)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def gia_gc(table: pd.DataFrame, png, pdf) -> None:
    """GC-content control (paper 003's GC-bias analysis): per output, the global importance
    (mean over starts) of random k-mers by GC content (grey dots, their mean: line) beside each
    program RBP's motif (red, named): a motif off the line does more than its GC content does."""
    outputs = table[["output", "tissue"]].drop_duplicates().itertuples(index=False)
    outputs = list(outputs)
    columns = min(4, len(outputs))
    rows = -(-len(outputs) // columns)
    fig, axes = plt.subplots(rows, columns, figsize=(3.2 * columns, 2.8 * rows), squeeze=False)
    for ax, (output, tissue) in zip(axes.ravel(), outputs):
        here = table[(table.output == output) & (table.tissue == tissue)]
        random, motifs = here[here.kind == "gc"], here[here.kind == "program"]
        ax.scatter(random.gc, random.effect, s=8, color="0.6")
        line = random.groupby("gc").effect.mean()
        ax.plot(line.index, line.to_numpy(), color="0.3", lw=1)
        ax.scatter(motifs.gc, motifs.effect, s=14, color="#d62728")
        for row in motifs.itertuples():
            ax.annotate(row.pattern, (row.gc, row.effect), fontsize=5, xytext=(2, 2), textcoords="offset points")
        ax.axhline(0, color="0.6", lw=0.5)
        ax.set_title(f"{output}:{tissue}", fontsize=8)
        ax.set_xlabel("GC fraction of the embedded k-mer", fontsize=7)
        open_axes(ax)
    for ax in axes.ravel()[len(outputs):]:
        ax.set_visible(False)
    axes[0, 0].set_ylabel("global importance, mean over starts", fontsize=7)
    fig.tight_layout()
    save_figure(fig, png, pdf)


def gia_logos(table: pd.DataFrame, png, pdf) -> None:
    """GIA logos (paper 003, Fig. 3's logos of the top k-mer's single-nucleotide variants): per
    RBP, the global importance of each base at each offset of its motif (minus the mean of the
    four bases there), embedded where it acts most strongly, on the E[PSI] logit of its most
    active tissue and on the changing logit of the contrast it sets apart most."""
    rbps = list(table.rbp.unique())
    fig, axes = plt.subplots(len(rbps), 2, figsize=(7, 1.5 * len(rbps) + 0.5), squeeze=False)
    for r, rbp in enumerate(rbps):
        rows = table[table.rbp == rbp]
        for ax, kind in zip(axes[r], ("psi", "change")):
            output, tissue = _shown_output(rows, kind)
            here = rows[(rows.output == output) & (rows.tissue == tissue)]
            effect = here.pivot(index="offset", columns="base", values="effect")[list(BASES)].to_numpy()
            logo(ax, effect - effect.mean(axis=1, keepdims=True), label=f"{rbp} ({here.region.iloc[0]}): "
                 f"{output}:{tissue}", ylabel="GIA")
            ax.title.set_fontsize(7)
    fig.tight_layout()
    save_figure(fig, png, pdf)
