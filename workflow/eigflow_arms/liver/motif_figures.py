"""Figures of the liver program: paper Fig. 4a (Tomtom logos), Fig. 4c and supp. S11 (motif maps),
and beside Fig. 4c the regulator's causal map on the feature model (``liver_gia``).

Every function takes arrays or the tidy tables of :mod:`eigflow.motifs` plus the two output
paths (PNG and PDF) and returns nothing. Exon sets take their label and colour from
:data:`eigflow_arms.liver.exon_sets.SET_LABELS` and ``SET_COLORS``, as in the binding figures.
"""
from __future__ import annotations

# The parent package has already selected the Agg backend when this module loads.
import logomaker
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd

from eigflow_arms.common.figures import open_axes, save_figure
from eigflow_arms.liver.exon_sets import SET_COLORS, set_label
from eigflow_arms.liver.motifs.maps import (
    FIG4C_PANELS,
    FIGS11_PANELS,
    WINDOWS,
    comparisons,
)
from eigflow_arms.liver.motifs.pssm import information_content
from eigflow_arms.splicing.events import REGIONS
from eigflow_arms.splicing.sequence import ALPHABET

__all__ = ["fig4a", "fig4c", "figS11", "liver_gia", "logo"]

LETTER_COLORS = dict(zip(ALPHABET, ["#109648", "#255c99", "#f7b32b", "#d62839"]))
REGION_LABELS = {"C1_5ss": "5' splice site of C1", "A_3ss": "3' splice site of A",
                 "A_5ss": "5' splice site of A", "C2_3ss": "3' splice site of C2"}
ALPHA = 0.05
# Decoys of liver_gia, cycled: none red or blue, the colours of the regulator's bars.
DECOY_COLORS = ("#2a9d8f", "#e9a03b", "#8d5a97", "#6b705c")


# --- Fig. 4a: sequence logos -----------------------------------------------------------------

def logo(ax, heights, start: int = 0, label: str = "", ylabel: str = "bits") -> None:
    """A sequence logo on ``ax``, drawn by logomaker: one stack of letters per position.

    Parameters
    ----------
    heights : (L, 4) array
        Each letter's height at each position, columns A C G U; negative heights (an
        attribution logo) are drawn below zero, upside down.
    start : int
        x of the first position.
    """
    heights = np.asarray(heights, dtype=float)
    frame = pd.DataFrame(heights, columns=list(ALPHABET), index=np.arange(len(heights)) + start)
    logomaker.Logo(frame, ax=ax, color_scheme=LETTER_COLORS, font_name="DejaVu Sans",
                   stack_order="big_on_top", flip_below=True, vpad=0.02, width=0.9)
    if (heights < 0).any():
        ax.axhline(0, color="0.3", lw=0.6)
    ax.set_ylabel(ylabel)
    ax.set_title(label, loc="left", fontsize=10)
    open_axes(ax)


def _logo(ax, pssm: np.ndarray, start: int, label: str) -> None:
    """Information-content logo of ``pssm`` (probabilities) with its first column at x = ``start``."""
    pssm = np.asarray(pssm, dtype=float)
    logo(ax, pssm * information_content(pssm)[:, None], start, label)
    ax.set_ylim(0, 2)


def fig4a(query_pssm, target_pssm, match_row, png, pdf, query_label: str = "EIG meta-feature") -> None:
    """Fig. 4a: Tomtom alignment of a meta-feature's PSSM (bottom) with its best match (top).

    Parameters
    ----------
    query_pssm, target_pssm : (L, 4) and (w, 4) arrays
        Probabilities, columns A C G U.
    match_row : mapping
        A row of :func:`eigflow_arms.liver.motifs.tomtom.match`: target, p, q, offset (query column j
        sits under target column j + offset), orientation.
    """
    query, target = np.asarray(query_pssm, dtype=float), np.asarray(target_pssm, dtype=float)
    offset = int(match_row["offset"])
    lo, hi = min(0, offset), max(len(target), offset + len(query))
    fig, axes = plt.subplots(2, 1, figsize=(1.2 + 0.55 * (hi - lo), 4.2), sharex=True,
                             layout="constrained")
    _logo(axes[0], target, 0, f"{match_row['target']} (motif collection)")
    _logo(axes[1], query, offset, query_label)
    axes[1].set_xlim(lo - 0.6, hi - 0.4)
    axes[1].set_xticks(np.arange(lo, hi), np.arange(hi - lo) + 1)
    axes[1].set_xlabel("aligned position")
    fig.suptitle(f"Tomtom: {match_row['target']}, p = {match_row['p']:.2g}, q = {match_row['q']:.2g} "
                 f"(strand {match_row['orientation']})", fontsize=11)
    save_figure(fig, png, pdf)


# --- Fig. 4c and supp. S11: motif maps -------------------------------------------------------

def _set_color(name: str, order: list) -> str:
    return SET_COLORS.get(name, plt.get_cmap("tab10")(order.index(name) % 10))


def _map_axes(ax, region: str, maps: pd.DataFrame, sets, order: list, rbp: str) -> None:
    """Smoothed motif frequency of each exon set around one splice site."""
    for name in sets:
        rows = maps[(maps["set"] == name) & (maps["region"] == region)]
        if rows.empty:
            continue
        label = f"{set_label(name, rbp)} (n={int(rows['n_events'].iloc[0])})"
        ax.plot(rows["position"], rows["smoothed"], color=_set_color(name, order), lw=1.3, label=label)
    # The exon lies downstream of a 3' splice site and upstream of a 5' one.
    left, right = ax.get_xlim()
    exon = (0, right) if region.endswith("3ss") else (left, 0)
    ax.axvspan(*exon, color="#f0f0f0", zorder=0)
    ax.axvline(0, color="k", lw=0.6, ls="--")
    ax.set_xlim(left, right)
    ax.set_title(REGION_LABELS.get(region, region), fontsize=10)


def _test_strip(ax, region: str, tests: pd.DataFrame, pairs, vmax: float, rbp: str):
    """One strip per comparison: grey boxes of -log10 p where p < 0.05, at each window's centre."""
    image = None
    for k, (regulated, background) in enumerate(pairs):
        rows = tests[(tests["regulated"] == regulated) & (tests["background"] == background)
                     & (tests["region"] == region)]
        if rows.empty:
            continue
        centre = rows["position"].to_numpy() + rows["window"].to_numpy() // 2
        score = np.where(rows["p"] < ALPHA, -np.log10(rows["p"].clip(lower=1e-300)), np.nan)
        edges = np.r_[centre - 0.5, centre[-1] + 0.5]
        image = ax.pcolormesh(edges, [k, k + 1], np.ma.masked_invalid(score)[None, :], cmap="Greys",
                              vmin=0, vmax=vmax)
    ax.set_ylim(len(pairs), 0)
    ax.set_yticks(np.arange(len(pairs)) + 0.5,
                  [f"{set_label(r, rbp)} vs\n{set_label(b, rbp)}" for r, b in pairs], fontsize=6)
    ax.tick_params(axis="y", length=0)
    return image


def _motif_map_figure(maps: pd.DataFrame, tests: pd.DataFrame, panels, title: str, rbp: str, png,
                      pdf) -> None:
    """Rows of ``panels`` (title, sets, comparisons) x columns of splice-site windows; the
    liver's regulator ``rbp`` named in the labels."""
    regions = [r for r in WINDOWS if r in set(maps["region"])]
    if not regions:
        raise ValueError(f"the motif-map table has no window of {WINDOWS}")
    order = list(dict.fromkeys(name for _, sets, _ in panels for name in sets))
    # One grey scale for the whole figure, up to the smallest p it shows.
    shown = pd.MultiIndex.from_frame(tests[["regulated", "background"]]).isin(comparisons(panels))
    vmax = max(-np.log10(max(tests["p"][shown].min(), 1e-300)), 2.0) if shown.any() else 2.0
    heights = [r for _, _, pairs in panels for r in (3.0, 0.35 * max(len(pairs), 1))]
    fig = plt.figure(figsize=(3.4 * len(regions) + 1.8, sum(heights) * 0.9 + 1.0), layout="constrained")
    grid = fig.add_gridspec(len(heights), len(regions), height_ratios=heights)
    image = None
    for p, (label, sets, pairs) in enumerate(panels):
        for c, region in enumerate(regions):
            ax = fig.add_subplot(grid[2 * p, c])
            strip = fig.add_subplot(grid[2 * p + 1, c], sharex=ax)
            _map_axes(ax, region, maps, sets, order, rbp)
            image = _test_strip(strip, region, tests, pairs, vmax, rbp) or image
            ax.tick_params(labelbottom=False)
            if c == 0:
                ax.set_ylabel(f"{label.format(rbp=rbp)}\nmotif frequency")
            else:
                strip.set_yticks([])
            if p == len(panels) - 1:
                strip.set_xlabel("position relative to the splice site (nt)")
        ax.legend(fontsize=7, frameon=False, loc="upper left", bbox_to_anchor=(1.02, 1.0))
    if image is not None:
        fig.colorbar(image, ax=fig.axes, shrink=0.25, aspect=15, pad=0.01,
                     label=f"-log10 p (Fisher, p < {ALPHA})")
    fig.suptitle(title, fontsize=11)
    save_figure(fig, png, pdf)


def fig4c(maps: pd.DataFrame, tests: pd.DataFrame, found, png, pdf, panels=FIG4C_PANELS) -> None:
    """Fig. 4c: the liver regulator's 3-mers (``found``, a :class:`eigflow_arms.liver.regulator.
    Regulator`; paper: A1CF, AAU/UAA/AUU): their frequency around the splice sites of each exon set.

    ``maps`` and ``tests`` are :func:`eigflow_arms.liver.motifs.maps.map_tables` output. Lines: running
    mean over 20 nt; grey boxes below: -log10 p of Fisher's exact test in 20-nt windows
    (regulated vs non-regulated), where p < 0.05. Top: liver sets; bottom: knockout sets.
    """
    _motif_map_figure(maps, tests, panels, f"{found.rbp} motif ({'/'.join(found.kmers)}) maps",
                      found.rbp, png, pdf)


def figS11(maps: pd.DataFrame, tests: pd.DataFrame, found, png, pdf, panels=FIGS11_PANELS) -> None:
    """Supp. S11: the motif maps of Fig. 4c for the sub-sets: liver-changing vs alternative in
    other tissues (a), higher inclusion in liver with regulator-enhanced (b), lower with
    regulator-repressed (c); ``found`` as in :func:`fig4c` (paper: A1CF)."""
    _motif_map_figure(maps, tests, panels, f"{found.rbp} motif maps of the liver and {found.rbp} exon "
                      f"sub-sets", found.rbp, png, pdf)


# --- beyond the paper: Global Importance Analysis beside Fig. 4c -------------------------------

def liver_gia(table: pd.DataFrame, summary: pd.DataFrame, png, pdf) -> None:
    """The regulator's causal effect on the feature model's liver contrast, beside its planted
    RNA map (:mod:`eigflow_arms.liver.gia`; paper 003 Fig. 2b's global importance by position).

    ``table`` has :data:`eigflow_arms.liver.gia.COLUMNS`, ``summary`` is its
    :func:`eigflow_arms.liver.gia.region_summary`. Top left: effect by region (bars: the
    regulator; points: decoys; grey: the shuffled copies' range); top right: the planted
    log-odds per site by region. Bottom: effect by position within each region, null band grey.
    """
    regulator = table.rbp[~table.decoy & ~table.null].iloc[0]
    own = summary[summary.rbp == regulator].set_index("region").reindex(REGIONS)
    fig = plt.figure(figsize=(13, 6.5))
    grid = fig.add_gridspec(2, len(REGIONS), height_ratios=[1.2, 1], hspace=0.45, wspace=0.35)
    x = np.arange(len(REGIONS))
    ax = fig.add_subplot(grid[0, :4])
    ax.fill_between(x, own.null_low, own.null_high, color="0.85", step="mid", label="shuffled copies (range)")
    ax.bar(x, own.effect, width=0.6, color=np.where(own.effect >= 0, "#d62839", "#255c99"), label=regulator)
    decoys = summary[summary.decoy]
    for k, (name, rows) in enumerate(decoys.groupby("rbp", sort=False)):
        rows = rows.set_index("region").reindex(REGIONS)
        ax.plot(x + 0.15 * (k - 1), rows.effect, "o", ms=4, color=DECOY_COLORS[k % len(DECOY_COLORS)],
                label=f"decoy {name}")
    ax.axhline(0, color="k", lw=0.6)
    ax.set_xticks(x, REGIONS)
    ax.set_ylabel("GIA: change in liver log-odds")
    ax.set_title(f"{regulator} embedded in non-changing exons (feature model)", fontsize=10)
    ax.legend(fontsize=7, frameon=False)
    planted = fig.add_subplot(grid[0, 5:])   # column 4 left empty: room for its y label
    planted.bar(x, own.planted_effect, width=0.6, color="0.4")
    for i, (tested, agrees) in enumerate(zip(own.tested, own.sign_agrees)):
        if tested:
            planted.text(i, 0, "agrees" if agrees else "differs", ha="center", va="bottom", fontsize=7, rotation=90)
    planted.axhline(0, color="k", lw=0.6)
    planted.set_xticks(x, REGIONS, fontsize=7)
    planted.set_ylabel("planted log-odds per site")
    planted.set_title(f"{regulator}'s planted RNA map", fontsize=10)
    null = table[table.null].groupby(["region", "position"]).effect.agg(["min", "max"])
    first = None
    for i, region in enumerate(REGIONS):
        axis = fig.add_subplot(grid[1, i], sharey=first)
        first = first or axis
        if region in null.index.get_level_values(0):
            band = null.loc[region]
            axis.fill_between(band.index, band["min"], band["max"], color="0.85")
        rows = table[(table.rbp == regulator) & (table.region == region)]
        axis.plot(rows.position, rows.effect, color="k", lw=1.2)
        for k, (name, decoy) in enumerate(table[table.decoy & (table.region == region)].groupby("rbp", sort=False)):
            axis.plot(decoy.position, decoy.effect, color=DECOY_COLORS[k % len(DECOY_COLORS)], lw=0.7)
        axis.axhline(0, color="k", lw=0.4)
        axis.set_title(region, fontsize=9)
        axis.set_xlabel("position in region (nt)", fontsize=7)
        axis.tick_params(labelsize=7)
    fig.suptitle("Global Importance Analysis of the liver's regulator, beside Fig. 4c", fontsize=11)
    save_figure(fig, png, pdf)
