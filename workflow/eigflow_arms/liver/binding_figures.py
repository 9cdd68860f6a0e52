"""Figures of the liver program and its regulator (the paper's A1CF): paper Fig. 4b, 4d, 4e, supp. S12.

Every function takes a tidy table (or dict) of :mod:`eigflow_arms.liver.exon_sets`,
:mod:`eigflow_arms.splicing.expression` or :mod:`eigflow_arms.liver.clip.sites` plus the two output paths
(PNG and PDF) and returns nothing. Exon sets take their label and colour from
:data:`eigflow_arms.liver.exon_sets.SET_LABELS` and ``SET_COLORS``, as in the motif maps.
"""
from __future__ import annotations

# The parent package has already selected the Agg backend when this module loads.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib_venn import venn2

from eigflow_arms.common.figures import save_figure
from eigflow_arms.liver.clip.sites import REGIONS
from eigflow_arms.liver.exon_sets import SET_COLORS, set_label
from eigflow_arms.liver.motifs.maps import running_mean
from eigflow_arms.splicing.expression import gene_tpm

__all__ = ["fig4b", "fig4d", "fig4e", "figS12"]

HIGHLIGHT, MUTED = "#e66101", "#bdbdbd"
REGION_LABELS = {"upstream": "300 nt\nupstream", "exon": "alternative\nexon",
                 "downstream": "300 nt\ndownstream", "any": "any"}


def _color(name: str) -> str:
    return SET_COLORS.get(name, "#636363")


def _p_text(p: float) -> str:
    return f"p = {p:.2g}" + (" *" if p < 0.05 else "")


def fig4b(tpm_long: pd.DataFrame, png, pdf, gene: str, tissue: str = "liver") -> None:
    """Fig. 4b: a gene's TPM per tissue, a box over the replicates with each replicate a point.

    Parameters
    ----------
    tpm_long : DataFrame
        :func:`eigflow_arms.splicing.expression.read_tpm` output (gene_name, tissue, replicate, tpm).
    gene : str
        The liver's regulator (:mod:`eigflow_arms.liver.regulator`; paper: A1CF). Matched
        case-insensitively (mouse ``A1cf``, human ``A1CF``) by
        :func:`eigflow_arms.splicing.expression.gene_tpm`.
    tissue : str
        The tissue drawn in colour.
    """
    rows = gene_tpm(tpm_long, gene, "fig4b's TPM table")
    tissues = list(pd.unique(rows.tissue))
    values = [rows.tpm[rows.tissue == t].to_numpy(float) for t in tissues]
    fig, ax = plt.subplots(figsize=(1.0 + 0.8 * len(tissues), 3.6), layout="constrained")
    boxes = ax.boxplot(values, positions=np.arange(len(tissues)), widths=0.55, patch_artist=True,
                       showfliers=False, medianprops={"color": "k"})
    for box, name in zip(boxes["boxes"], tissues):
        box.set(facecolor=HIGHLIGHT if name == tissue else MUTED, alpha=0.6)
    for x, v in enumerate(values):
        # Replicates spread evenly across the box: no random jitter, so reruns draw the same.
        ax.scatter(x + np.linspace(-0.15, 0.15, len(v)), v, s=14, color="k", zorder=3)
    ax.set_xticks(np.arange(len(tissues)), tissues, rotation=35, ha="right", rotation_mode="anchor")
    ax.set_ylabel(f"{rows.gene_name.iloc[0]} expression (TPM)")
    ax.set_title(f"{rows.gene_name.iloc[0]} per tissue ({max(len(v) for v in values)} replicates)")
    ax.set_ylim(bottom=0)
    save_figure(fig, png, pdf)


def fig4d(table: pd.DataFrame, rbp: str, png, pdf) -> None:
    """Fig. 4d: share of exons with a crosslink site of ``rbp`` (the liver's regulator; paper:
    A1CF) near the alternative exon, per region.

    ``table``: :func:`eigflow_arms.liver.clip.sites.binding_tests` output; one panel per (set_a, set_b)
    comparison, two-tailed Fisher p over each region's bars.
    """
    comparisons = list(table[["set_a", "set_b"]].drop_duplicates().itertuples(index=False, name=None))
    fig, axes = plt.subplots(1, len(comparisons), figsize=(4.2 * len(comparisons), 3.8), sharey=True,
                             layout="constrained", squeeze=False)
    x = np.arange(len(REGIONS))
    for ax, (a, b) in zip(axes[0], comparisons):
        rows = table[(table.set_a == a) & (table.set_b == b)].set_index("region").loc[list(REGIONS)]
        for shift, name, column, n in ((-0.2, a, "fraction_a", rows.n_a.iloc[0]),
                                       (0.2, b, "fraction_b", rows.n_b.iloc[0])):
            ax.bar(x + shift, rows[column], 0.4, color=_color(name), label=f"{set_label(name, rbp)} (n={n})")
        top = rows[["fraction_a", "fraction_b"]].max(axis=1).to_numpy()
        for xi, y, p in zip(x, top, rows.p):
            ax.text(xi, y + 0.03, _p_text(p), ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, [REGION_LABELS[r] for r in REGIONS], fontsize=8)
        ax.legend(fontsize=8, frameon=False, loc="upper left")
        ax.set_ylim(0, 1.15)
    axes[0, 0].set_ylabel(f"fraction of exons with an {rbp} site")
    fig.suptitle(f"{rbp} PAR-CLIP sites (>= 2 unique T>C tags) near alternative exons; two-tailed Fisher test")
    save_figure(fig, png, pdf)


def fig4e(counts: dict, rbp: str, png, pdf) -> None:
    """Fig. 4e: Venn diagram of the liver-alternative and the ``rbp``-regulated exons (the
    liver's regulator; paper: A1CF) within a universe, with the Fisher test.

    ``counts``: :func:`eigflow_arms.liver.exon_sets.overlap_test` output (a_only, both, b_only,
    neither, odds_ratio, p).
    """
    labels = (set_label("changing", rbp), set_label("regulated", rbp))
    fig, ax = plt.subplots(figsize=(5.2, 4.2), layout="constrained")
    sizes = (counts["a_only"], counts["b_only"], counts["both"])
    if counts["a_only"] + counts["both"] > 0 and counts["b_only"] + counts["both"] > 0:
        # matplotlib-venn: circle and overlap areas proportional to the counts.
        venn = venn2(subsets=sizes, set_labels=labels,
                     set_colors=(_color("changing"), _color("regulated")), alpha=0.45, ax=ax)
        for region, size in zip(("10", "01", "11"), sizes):
            text = venn.get_label_by_id(region)
            if text is not None:
                text.set_text(f"{size:,}")
                text.set_fontsize(12)
        for text, key in zip(venn.set_labels, ("changing", "regulated")):
            if text is not None:
                text.set_color(_color(key))
                text.set_fontsize(10)
    else:  # an empty set has no circle to draw
        ax.text(0.5, 0.6, f"{labels[0]}: {counts['a_only'] + counts['both']:,}\n"
                f"{labels[1]}: {counts['b_only'] + counts['both']:,}", ha="center",
                transform=ax.transAxes)
    universe = counts["a_only"] + counts["both"] + counts["b_only"] + counts["neither"]
    ax.set_title(f"{counts['neither']:,} in neither, of {universe:,} exons quantified in both\n"
                 f"odds ratio {counts['odds_ratio']:.2f}, two-tailed Fisher {_p_text(counts['p'])}",
                 fontsize=9, y=-0.12)
    save_figure(fig, png, pdf)


def figS12(enrichment: pd.DataFrame, tags: pd.DataFrame, found, png, pdf, smooth: int = 20) -> None:
    """Supp. S12: (a) the liver regulator's motifs (``found``, a :class:`eigflow_arms.liver.
    regulator.Regulator`; paper: A1CF's AAU/UAA/AUU) around crosslink sites vs background Us;
    (b) mean unique tags per exon by position around the alternative exon's 3' and 5' splice sites.

    Parameters
    ----------
    enrichment : DataFrame
        :func:`eigflow_arms.liver.clip.sites.motif_enrichment_at_sites` output.
    tags : DataFrame
        :func:`eigflow_arms.liver.clip.sites.tags_by_position` output.
    smooth : int
        Running-mean width (nt) of panel b, as the motif maps of Fig. 4c.
    """
    fig = plt.figure(figsize=(13, 3.8), layout="constrained")
    grid = fig.add_gridspec(1, 3, width_ratios=[1, 1.2, 1.2])
    ax = fig.add_subplot(grid[0])
    ax.plot(enrichment.offset, enrichment.sites, color=HIGHLIGHT, lw=1.8,
            label=f"crosslink sites (n={int(enrichment.n.iloc[0])})")
    ax.plot(enrichment.offset, enrichment.background, color="#636363", lw=1.5, ls="--", label="background Us")
    ax.axvline(0, color="k", lw=0.6, alpha=0.5)
    ax.set_xlabel("distance from crosslink site (nt)")
    ax.set_ylabel(f"fraction covered by {'/'.join(found.kmers)}")
    ax.set_title(f"a  {found.rbp} motifs at sites", loc="left")
    ax.legend(fontsize=8, frameon=False)
    three = fig.add_subplot(grid[1])
    five = fig.add_subplot(grid[2], sharey=three)
    for k, (ax, site, title) in enumerate(((three, "3ss", "3' splice site of A"),
                                           (five, "5ss", "5' splice site of A"))):
        rows = tags[tags.splice_site == site]
        for name, curve in rows.groupby("set", sort=False):
            ax.plot(curve.position, running_mean(curve.mean_tags.to_numpy(float), smooth),
                    color=_color(name), lw=1.6, label=set_label(name, found.rbp))
        ax.axvline(-0.5, color="k", lw=0.6, alpha=0.5)
        ax.set_xlabel("position (nt; 0 = first " + ("exon base)" if site == "3ss" else "intron base)"))
        ax.set_title(("b  " if k == 0 else "") + f"mean unique tags per exon, {title}", loc="left")
        if k == 0:
            ax.set_ylabel(f"mean tags ({smooth}-nt running mean)")
            ax.legend(fontsize=7, frameon=False)
    save_figure(fig, png, pdf)
