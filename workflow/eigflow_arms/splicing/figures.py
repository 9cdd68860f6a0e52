"""Figures of the splicing-code arm: paper Fig. 3a-g, supp. S3, S7-S10, and the planted truth.

Every function takes the tidy tables of :mod:`eigflow_arms.splicing.evaluate` (or
:func:`eigflow_arms.splicing.stability.stability_table`) plus the two output paths (PNG and PDF)
and returns nothing. Methods keep one colour per path (simple gradients grey, Deep SHAP
black), one line style per baseline, and the table order of :mod:`eigflow_arms.common.methods`
in every figure; a path or baseline registered in the library appears in each of them.
"""
from __future__ import annotations

# The parent package has already selected the Agg backend when this module loads.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from eigflow import BASELINES, PATHS
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from eigflow_arms.common import methods as registry
from eigflow_arms.common.figures import save_figure
from eigflow_arms.common.methods import DEEP_SHAP, SIMPLE_GRADIENTS
from eigflow_arms.common.methods import label as method_label
from eigflow_arms.common.methods import order as order_methods
from eigflow_arms.common.methods import parse as parse_method

from .evaluate import ALL_FEATURES, PAPER_N_META, fig3e_methods, panel

__all__ = ["method_color", "fig3a", "fig3b", "fig3c", "fig3d", "fig3e", "fig3f", "fig3g",
           "figS3", "figS7", "figS8", "figS9", "figS10", "fig_ground_truth", "splicing_readings"]

ALL_FEATURES_COLOR = "#636363"
RANDOM_COLOR = "#9e9e9e"  # the paper's grey (Fig. 3f)
MARK = 0.3  # x offset of the paper's count from its bar's tick (the bar sits left of the tick)
METRIC_COLORS = {"precision": "#4575b4", "recall": "#fdae61", "f1": "#d73027"}
# The three rankings of the ground truth: the model's own use, the attribution, the test.
SCORE_COLORS = {"auprc_model_use": "#969696", "auprc_mean_abs": "#1b9e77", "auprc_t": "#7570b3"}
SCORE_LABELS = {"auprc_model_use": "model use (perturbation)", "auprc_mean_abs": "mean |attribution|",
                "auprc_t": "Algorithm 1's t"}
VS_USE_LABELS = {"auprc_mean_abs_vs_use": "mean |attribution|", "auprc_t_vs_use": "Algorithm 1's t"}


def method_color(method: str) -> str:
    """The colour of a method's path (simple gradients, Deep SHAP and 'all features' their own)."""
    return ALL_FEATURES_COLOR if method == ALL_FEATURES else registry.color(method)


def _by_method(table: pd.DataFrame, methods, figure: str) -> pd.DataFrame:
    """Rows of ``table`` for ``methods`` present in it, in table order; fails when none is."""
    present = [m for m in order_methods(methods) if m in set(table["method"])]
    if not present:
        raise ValueError(f"{figure}: the table has none of the methods {list(methods)}")
    return table.set_index("method").loc[present].reset_index()


def _method_ticks(ax, labels, rotation: int = 35, fontsize: int = 9) -> None:
    ax.set_xticks(np.arange(len(labels)), labels, rotation=rotation, ha="right",
                  rotation_mode="anchor", fontsize=fontsize)


def _cell_text(ax, image, matrix: np.ndarray, text, fontsize: float) -> None:
    """Write ``text[i][j]`` in each cell, white on dark colours and black on light ones."""
    for (i, j), value in np.ndenumerate(matrix):
        red, green, blue, _ = image.cmap(image.norm(value)) if np.isfinite(value) else (1, 1, 1, 1)
        dark = 0.299 * red + 0.587 * green + 0.114 * blue < 0.5
        ax.text(j, i, text[i][j], ha="center", va="center", fontsize=fontsize,
                color="white" if dark else "black")


def _heatmap(ax, matrix: np.ndarray, rows, cols, text, cmap: str, vmin=None, vmax=None,
             fontsize: float = 9, colorbar: str = "", labelsize: float = 10) -> None:
    """A labelled heatmap with ``text[i][j]`` written in every cell; many columns get vertical labels."""
    image = ax.imshow(np.ma.masked_invalid(matrix), cmap=cmap, vmin=vmin, vmax=vmax, aspect="auto")
    _cell_text(ax, image, matrix, text, fontsize)
    ax.set_yticks(np.arange(len(rows)), rows, fontsize=labelsize)
    rotation = 90 if len(cols) > 12 else 35
    ax.set_xticks(np.arange(len(cols)), cols, rotation=rotation, ha="center" if rotation == 90 else "right",
                  rotation_mode="default" if rotation == 90 else "anchor", fontsize=labelsize)
    if colorbar:
        ax.figure.colorbar(image, ax=ax, shrink=0.8, label=colorbar)


# --- Fig. 3a-d: counts ----------------------------------------------------------------------

def _paper_marks(ax, x: np.ndarray, table: pd.DataFrame) -> list:
    """Draw the paper's stated counts, as % of its meta-features, right of the bars.

    Returns legend handles for what was drawn.
    """
    low, high = (100 * table[c].to_numpy(float) / PAPER_N_META for c in ("paper_low", "paper_high"))
    exact, span = np.isfinite(low) & (low == high), np.isfinite(low) & (low < high)
    handles = []
    if exact.any():
        ax.plot(x[exact] + MARK, low[exact], "D", color="k", ms=6, mfc="white", mew=1.5)
        handles.append(Line2D([], [], marker="D", color="k", mfc="white", mew=1.5, ls="none",
                              label=f"paper's count (of its {PAPER_N_META})"))
    if span.any():
        ax.errorbar(x[span] + MARK, (low[span] + high[span]) / 2, yerr=(high[span] - low[span]) / 2,
                    fmt="none", ecolor="k", elinewidth=1.5, capsize=5)
        handles.append(Line2D([], [], marker="_", ms=10, color="k", label="paper's range"))
    for xi, y, stated in zip(x, high, table["paper_count"]):
        if np.isfinite(y):
            ax.annotate(stated, (xi + MARK, y), xytext=(0, 6), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
    return handles


def _count_panel(counts: pd.DataFrame, name: str, title: str, png, pdf) -> None:
    """Bars of % significant meta-features (counts on top); the paper's count where it states one.

    Percentages make a simulation with fewer meta-features comparable to the paper's 781.
    """
    table = _by_method(counts, panel(name), name)
    x = np.arange(len(table))
    n_tested = int(table["n_tested"].max())
    pct = 100 * table["n_significant"].to_numpy(float) / table["n_tested"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(2.6 + 1.0 * len(table), 4.6), layout="constrained")
    bars = ax.bar(x - 0.12, pct, 0.55, color=[method_color(m) for m in table["method"]])
    ax.bar_label(bars, labels=[f"{n}" for n in table["n_significant"]], fontsize=9, padding=2)
    handles = _paper_marks(ax, x, table)
    top = np.nanmax(np.r_[pct, 100 * table["paper_high"].to_numpy(float) / PAPER_N_META, 1.0])
    ax.set_ylim(0, 1.2 * top)
    ax.set_xlim(-0.6, len(table) - 0.4)
    _method_ticks(ax, table["label"])
    ax.set_ylabel(f"% of meta-features significant (of {n_tested})")
    ax.set_title(title + "\n(count above each bar)")
    if handles:
        ax.legend(handles=handles, loc="upper left", fontsize=8, frameon=False)
    save_figure(fig, png, pdf)


def fig3a(counts: pd.DataFrame, png, pdf) -> None:
    """Fig. 3a: significant meta-features with a zero baseline, simple gradients and the four paths.

    ``counts`` is :func:`~eigflow_arms.splicing.evaluate.count_table` output (any superset of the
    panel's methods). Bars show the percentage of meta-features found, with the count on
    top; the paper's stated counts are drawn as diamonds at their percentage of its 781.
    """
    _count_panel(counts, "fig3a", "Zero baseline: significant meta-features per path", png, pdf)


def fig3b(counts: pd.DataFrame, png, pdf) -> None:
    """Fig. 3b: significant meta-features of O-L-IG with each of the six baselines."""
    _count_panel(counts, "fig3b", "O-L-IG: significant meta-features per baseline", png, pdf)


def fig3c(counts: pd.DataFrame, png, pdf) -> None:
    """Fig. 3c: significant meta-features of the four paths with the encoded-zero baseline."""
    _count_panel(counts, "fig3c", "Encoded-zero baseline: significant meta-features per path", png, pdf)


def fig3d(counts: pd.DataFrame, png, pdf) -> None:
    """Fig. 3d: significant meta-features of the four paths with median constitutive baselines."""
    _count_panel(counts, "fig3d", "Median constitutive baseline: significant meta-features per path",
                 png, pdf)


# --- Fig. 3e, S10: enrichment ---------------------------------------------------------------

def _enrichment_lines(ax, curves: pd.DataFrame, methods, label=method_label) -> None:
    for method in methods:
        curve = curves[curves["method"] == method]
        if len(curve):
            ax.step(curve["k"], curve["neglog10_p"], where="post", color=method_color(method),
                    ls=registry.line_style(method), lw=1.8, label=f"{label(method)} ({len(curve)})")


def _enrichment_axes(ax) -> None:
    ax.set_xlabel("number of top-ranked meta-features")
    ax.set_ylabel("\u2212log10 hypergeometric p")
    ax.grid(alpha=0.3)


def fig3e(curves: pd.DataFrame, png, pdf, methods=None) -> None:
    """Fig. 3e: enrichment of known regulatory meta-features along each method's ranking.

    Parameters
    ----------
    curves : DataFrame
        :func:`~eigflow_arms.splicing.evaluate.enrichment_table` output.
    png, pdf : str or os.PathLike
        Output paths.
    methods : sequence of str, optional
        Default: the best two encoded-zero and median methods and Deep SHAP
        (:func:`~eigflow_arms.splicing.evaluate.fig3e_methods`).
    """
    methods = fig3e_methods(curves) if methods is None else order_methods(methods)
    fig, ax = plt.subplots(figsize=(7, 4.8), layout="constrained")
    _enrichment_lines(ax, curves, methods)
    _enrichment_axes(ax)
    ax.set_title("Enrichment of known regulatory meta-features among significant ones")
    if set(curves["method"]).intersection(methods):
        ax.legend(title="method (significant meta-features)", fontsize=8, title_fontsize=8)
    else:
        ax.text(0.5, 0.5, "no significant meta-features", transform=ax.transAxes, ha="center",
                va="center", color="0.4")
    save_figure(fig, png, pdf)


def figS10(curves: pd.DataFrame, png, pdf) -> None:
    """Supp. Fig. S10: enrichment curves of every method, one panel per baseline.

    Simple gradients and Deep SHAP, which have no baseline, are drawn in every panel for
    comparison. ``curves`` is :func:`~eigflow_arms.splicing.evaluate.enrichment_table` output.
    """
    present = set(curves["method"])
    references = [m for m in (SIMPLE_GRADIENTS, DEEP_SHAP) if m in present]
    # One panel per baseline the arm runs, three to a row.
    baselines = registry.baselines()
    ncols = min(3, len(baselines))
    nrows = -(-len(baselines) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(13 * ncols / 3, 3.75 * nrows), sharex=True,
                             sharey=True, squeeze=False, layout="constrained")
    for ax in axes.flat[len(baselines):]:
        ax.set_visible(False)
    for ax, baseline in zip(axes.flat, baselines):
        methods = [f"{path}.{baseline}" for path in PATHS]
        _enrichment_lines(ax, curves, methods + references,
                          label=lambda m: parse_method(m)[0] or method_label(m))
        _enrichment_axes(ax)
        ax.label_outer()
        ax.set_title(f"{baseline} baseline")
        if not present.intersection(methods):
            ax.text(0.5, 0.5, "no significant meta-features", transform=ax.transAxes,
                    ha="center", va="center", color="0.4")
        else:
            ax.legend(fontsize=7, title="(significant)", title_fontsize=7)
    fig.suptitle("Enrichment of known regulatory meta-features, every path and baseline")
    save_figure(fig, png, pdf)


# --- Fig. 3f, 3g: prediction ----------------------------------------------------------------

def fig3f(curve: pd.DataFrame, png, pdf, method: str = "H-L-IG.median") -> None:
    """Fig. 3f: AUC-ROC as meta-features are added, top significant vs random ones.

    Parameters
    ----------
    curve : DataFrame
        :func:`~eigflow_arms.splicing.evaluate.auc_curve` output.
    png, pdf : str or os.PathLike
        Output paths.
    method : str
        Method whose significant meta-features were ranked (legend and colour).
    """
    fig, ax = plt.subplots(figsize=(6.8, 4.6), layout="constrained")
    random = curve[curve["selection"] == "random"]
    if len(random):
        stats = random.groupby("n_meta")["auc"].agg(["mean", "std"])
        sd = stats["std"].fillna(0.0)
        ax.plot(stats.index, stats["mean"], "o-", ms=4, color=RANDOM_COLOR,
                label=f"random meta-features (mean \u00b1 sd, {random['repeat'].nunique()} draws)")
        ax.fill_between(stats.index, stats["mean"] - sd, stats["mean"] + sd, color=RANDOM_COLOR, alpha=0.25)
    significant = curve[curve["selection"] == "significant"].sort_values("n_meta")
    if len(significant):
        ax.plot(significant["n_meta"], significant["auc"], "o-", ms=4, color=method_color(method),
                label=f"top significant meta-features ({method_label(method)})")
    sizes = curve["n_meta"].to_numpy()
    if len(sizes) and sizes.max() / sizes.min() > 10:
        ax.set_xscale("log")
    ax.set_xlabel("number of meta-features")
    ax.set_ylabel("test AUC-ROC")
    ax.set_title("Differential inclusion in hippocampus: AUC-ROC as meta-features are added")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    save_figure(fig, png, pdf)


def fig3g(table: pd.DataFrame, png, pdf) -> None:
    """Fig. 3g: AUC-ROC of a model on each method's significant meta-features, best first.

    ``table`` is :func:`~eigflow_arms.splicing.evaluate.method_auc` output; its 'all features' row,
    if present, is drawn as a dashed reference line. Methods that find nothing are listed last,
    marked 'none'.
    """
    reference = table[table["method"] == ALL_FEATURES]
    table = table[table["method"] != ALL_FEATURES].sort_values("auc", ascending=False, na_position="last",
                                                                kind="stable")
    x = np.arange(len(table))
    auc = table["auc"].to_numpy(float)
    fig, ax = plt.subplots(figsize=(2.5 + 0.36 * len(table), 4.8), layout="constrained")
    ax.bar(x, np.nan_to_num(auc), 0.7, color=[method_color(m) for m in table["method"]])
    finite = auc[np.isfinite(auc)]
    bottom = min(0.5, float(finite.min()) - 0.05) if finite.size else 0.5
    for xi, value, n in zip(x, auc, table["n_significant"]):
        text, y = (f"{n}", value) if np.isfinite(value) else ("none", bottom)
        ax.annotate(text, (xi, y), xytext=(0, 2), textcoords="offset points", ha="center",
                    va="bottom", fontsize=7, rotation=90)
    if len(reference):
        ax.axhline(float(reference["auc"].iloc[0]), color=ALL_FEATURES_COLOR, ls="--",
                   label=f"all {int(reference['n_significant'].iloc[0])} meta-features")
    ax.set_ylim(bottom, 1.04)
    _method_ticks(ax, table["label"], rotation=60, fontsize=8)
    ax.set_ylabel("test AUC-ROC")
    ax.set_title("Differential inclusion in hippocampus: AUC-ROC on each method's significant\n"
                 "meta-features (number of meta-features above each bar)")
    ax.legend(handles=[Patch(color=registry.path_color(p), label=p) for p in PATHS]
              + [Patch(color=method_color(m), label=method_label(m)) for m in (SIMPLE_GRADIENTS, DEEP_SHAP)]
              + ax.get_legend_handles_labels()[0], loc="upper left", bbox_to_anchor=(1.01, 1.0),
              fontsize=8, frameon=False)
    save_figure(fig, png, pdf)


# --- S3, S7, S8: heatmaps -------------------------------------------------------------------

def figS3(stability: pd.DataFrame, png, pdf) -> None:
    """Supp. Fig. S3: Spearman correlation of pairwise distances between embeddings.

    ``stability`` is the long table (variant_a, variant_b, spearman) of
    :func:`~eigflow_arms.splicing.stability.stability_table`; variants keep its order.
    """
    names = list(dict.fromkeys(stability["variant_a"]))
    matrix = stability.pivot(index="variant_a", columns="variant_b", values="spearman").loc[names, names]
    values = matrix.to_numpy(float)
    fig, ax = plt.subplots(figsize=(2.5 + 0.9 * len(names), 1.8 + 0.8 * len(names)), layout="constrained")
    _heatmap(ax, values, names, names, [[f"{v:.2f}" for v in row] for row in values], "viridis",
             vmin=min(0.5, float(np.nanmin(values))), vmax=1.0, colorbar="Spearman correlation")
    ax.set_title("Latent-space stability: Spearman correlation of\npairwise distances among training events")
    save_figure(fig, png, pdf)


def figS7(counts: pd.DataFrame, png, pdf) -> None:
    """Supp. Fig. S7: significant meta-features for every path x baseline, the paper's count in brackets.

    ``counts`` is :func:`~eigflow_arms.splicing.evaluate.count_table` output.
    """
    table = _by_method(counts, panel("figS7"), "figS7").set_index(["path", "baseline"])
    paths = [p for p in PATHS if p in table.index.get_level_values("path")]
    baselines = [b for b in BASELINES if b in table.index.get_level_values("baseline")]
    cells = table.reindex(pd.MultiIndex.from_product([paths, baselines]))
    values = cells["n_significant"].to_numpy(float).reshape(len(paths), len(baselines))
    text = [f"{n:.0f}" + ("" if pd.isna(stated) else f"\n(paper {stated})") if np.isfinite(n) else ""
            for n, stated in zip(cells["n_significant"], cells["paper_count"])]
    fig, ax = plt.subplots(figsize=(2.8 + 1.3 * len(baselines), 1.6 + 0.75 * len(paths)), layout="constrained")
    _heatmap(ax, values, paths, baselines, np.reshape(text, values.shape).tolist(), "Blues",
             vmin=0, colorbar="significant meta-features")
    ax.set_xlabel("baseline")
    ax.set_ylabel("path")
    ax.set_title("Significant meta-features for every path and baseline")
    save_figure(fig, png, pdf)


def figS8(overlap: pd.DataFrame, png, pdf) -> None:
    """Supp. Fig. S8: overlap of the significant sets of every two methods.

    Colour is the Jaccard index, the number in each cell the shared meta-features.
    ``overlap`` is :func:`~eigflow_arms.splicing.evaluate.overlap_table` output.
    """
    methods = order_methods(dict.fromkeys(overlap["method_a"]))
    wide = overlap.pivot(index="method_a", columns="method_b", values=["jaccard", "shared"])
    jaccard = wide["jaccard"].loc[methods, methods].to_numpy(float)
    shared = wide["shared"].loc[methods, methods].to_numpy()
    labels = [method_label(m) for m in methods]
    side = 2.5 + 0.34 * len(methods)
    fig, ax = plt.subplots(figsize=(side + 1.2, side), layout="constrained")
    _heatmap(ax, jaccard, labels, labels, [[f"{int(v)}" for v in row] for row in shared], "magma_r",
             vmin=0, vmax=1, fontsize=5 if len(methods) > 12 else 8, colorbar="Jaccard index",
             labelsize=7)
    ax.set_title("Overlap of significant meta-features between methods\n"
                 "(colour: Jaccard index; number: shared meta-features)")
    save_figure(fig, png, pdf)


# --- S9: calibration ------------------------------------------------------------------------

def figS9(pvalues: pd.DataFrame, calibration: pd.DataFrame, png, pdf, methods=None, bins: int = 20) -> None:
    """Supp. Fig. S9: p-value histograms of the random-vs-random contrast, one panel per method.

    Parameters
    ----------
    pvalues : DataFrame
        :func:`~eigflow_arms.splicing.evaluate.pvalue_table` output (method, feature, p).
    calibration : DataFrame
        :func:`~eigflow_arms.splicing.evaluate.calibration_table` output (n_significant, ks_p).
    png, pdf : str or os.PathLike
        Output paths.
    methods : sequence of str, optional
        Default: simple gradients, H-L-IG with every baseline and Deep SHAP, as far as present
        (else the first eight methods).
    bins : int
        Histogram bins on [0, 1].
    """
    present = set(pvalues["method"])
    if methods is None:
        # H-L-IG, the most robust path, with every baseline, and the two non-IG comparisons.
        shown = [SIMPLE_GRADIENTS, *registry.eig_methods(paths=["H-L-IG"]), DEEP_SHAP]
        methods = [m for m in shown if m in present] or order_methods(present)[:8]
    summary = _by_method(calibration, methods, "figS9").set_index("method")
    methods = list(summary.index)
    ncols = min(4, len(methods))
    nrows = -(-len(methods) // ncols)
    fig, axes = plt.subplots(nrows, ncols, figsize=(3.3 * ncols, 2.9 * nrows), squeeze=False,
                             sharex=True, layout="constrained")
    for ax, method in zip(axes.flat, methods):
        p = pvalues.loc[pvalues["method"] == method, "p"].to_numpy(float)
        ax.hist(p, bins=bins, range=(0, 1), color=method_color(method), alpha=0.8, edgecolor="white")
        ax.axhline(len(p) / bins, color="k", ls="--", lw=1)
        row = summary.loc[method]
        ax.set_title(f"{method_label(method)}\n{int(row['n_significant'])} significant, "
                     f"KS p = {row['ks_p']:.2g}", fontsize=9)
        ax.set_xlim(0, 1)
        ax.margins(y=0.15)
    for ax in axes.flat[len(methods):]:
        ax.set_visible(False)
    for ax in axes[-1]:
        ax.set_xlabel("p-value (unadjusted)")
    for ax in axes[:, 0]:
        ax.set_ylabel("meta-features")
    fig.legend(handles=[Line2D([], [], color="k", ls="--", label="uniform expectation")],
               loc="outside lower center", fontsize=8, frameon=False)
    fig.suptitle("Calibration: two random sets of events, p-values per method")
    save_figure(fig, png, pdf)


# --- the planted truth ----------------------------------------------------------------------

def _grouped_positions(methods) -> tuple[np.ndarray, list[tuple[float, float, str]]]:
    """x positions with a gap between baseline groups, and each group's (start, end, name)."""
    groups = [parse_method(m)[1] if m in registry.names() else None for m in methods]
    names = [g or method_label(m) for g, m in zip(groups, methods)]
    x, spans, position = [], [], 0.0
    for i, name in enumerate(names):
        if i and name != names[i - 1]:
            position += 0.8
        x.append(position)
        if not spans or spans[-1][2] != name:
            spans.append([position, position, name])
        spans[-1][1] = position
        position += 1.0
    return np.array(x), [tuple(s) for s in spans]


def fig_ground_truth(table: pd.DataFrame | None, png, pdf) -> None:
    """Recovery of the simulation's planted program: by the model, by each method's attribution
    and by its significance test.

    Top: precision, recall and F1 of each method's significant set. Middle: AUPRC against the
    planted program of three rankings side by side -- the model's own use of each
    meta-feature (the same model for every method), the method's mean |attribution| over the
    class of interest, and Algorithm 1's t -- with the chance level. Bottom: AUPRC of the last
    two against the model's most used meta-features. Methods are grouped by baseline.
    ``table`` is :func:`~eigflow_arms.splicing.evaluate.ground_truth_table` output; with None or
    an empty table (real data) the figure says that there is no ground truth.
    """
    if table is None or table.empty:
        fig, ax = plt.subplots(figsize=(6, 2), layout="constrained")
        ax.text(0.5, 0.5, "No ground truth: the data are not simulated.", ha="center", va="center")
        ax.set_axis_off()
        save_figure(fig, png, pdf)
        return
    table = _by_method(table, table["method"], "fig_ground_truth")
    x, spans = _grouped_positions(table["method"])
    width = 0.27
    fig, (top, middle, bottom) = plt.subplots(3, 1, figsize=(3 + 0.45 * len(table), 11), sharex=True,
                                              layout="constrained")
    for offset, metric in zip((-width, 0, width), METRIC_COLORS):
        top.bar(x + offset, table[metric].fillna(0), width, color=METRIC_COLORS[metric], label=metric)
    for xi in x[table["n_significant"].to_numpy() == 0]:
        top.text(xi, 0.02, "none significant", rotation=90, ha="center", va="bottom", fontsize=7)
    top.set_ylim(0, 1.12)
    top.set_ylabel("score of the significant set")
    top.set_title("Planted regulatory meta-features recovered by each method")
    for offset, score in zip((-width, 0, width), SCORE_LABELS):
        middle.bar(x + offset, table[score], width, color=SCORE_COLORS[score], label=SCORE_LABELS[score])
    middle.plot(x, table["chance_auprc"], "_", color="k", ms=10, mew=2, label="chance (random ranking)")
    n_shared = int(table["n_shared"].iloc[0])
    middle.set_title(f"Ranking vs the planted program ({n_shared} meta-features labelled only through a "
                     "k-mer shared with another motif left out)", fontsize=10)
    middle.set_ylabel("AUPRC")
    for offset, score in zip((-width / 2, width / 2), VS_USE_LABELS):
        bottom.bar(x + offset, table[score], width, color=SCORE_COLORS[score.replace("_vs_use", "")],
                   label=VS_USE_LABELS[score])
    bottom.plot(x, table["chance_auprc_vs_use"], "_", color="k", ms=10, mew=2, label="chance (random ranking)")
    bottom.set_title("Ranking vs the model's own use (its top meta-features, as many as are planted)",
                     fontsize=10)
    bottom.set_ylabel("AUPRC")
    for ax in (middle, bottom):
        ax.set_ylim(0, 1.05)
    for ax in (top, middle, bottom):
        ax.legend(loc="upper left", bbox_to_anchor=(1.005, 1.0), fontsize=8, frameon=False)
        for start, end, _ in spans[1:]:
            ax.axvline(start - 0.9, color="0.7", lw=0.8)
        ax.grid(axis="y", alpha=0.3)
    for start, end, name in spans:
        if name in BASELINES:  # a lone method's group name repeats its tick label
            top.text((start + end) / 2, 1.08, f"{name} baseline", ha="center", va="center", fontsize=8,
                     color="0.3")
    bottom.set_xticks(x, [parse_method(m)[0] or method_label(m) for m in table["method"]],
                      rotation=60, ha="right", rotation_mode="anchor", fontsize=8)
    save_figure(fig, png, pdf)


def splicing_readings(table: pd.DataFrame, png, pdf) -> None:
    """The readings of Algorithm 1 side by side (:func:`eigflow_arms.splicing.readings.readings_table`).

    Left: F1 of each method's significant set against the planted program, one row per
    reading (blank on real data); middle: the Spearman correlation of the counts with the
    paper's seven stated counts; right: the most random-vs-random false calls of any method.
    The configuration's reading is in bold.
    """
    readings = table.drop_duplicates("label").reset_index(drop=True)
    methods = order_methods(table.method.unique())
    f1 = table.pivot(index="label", columns="method", values="f1").loc[readings.label, methods]
    fig, (heat, rho, calls) = plt.subplots(1, 3, figsize=(6 + 0.42 * len(methods), 0.45 * len(readings) + 3),
                                           gridspec_kw={"width_ratios": [len(methods), 4, 4]}, layout="constrained")
    matrix = f1.to_numpy(dtype=float)
    text = [["" if np.isnan(v) else f"{v:.2f}" for v in row] for row in matrix]
    _heatmap(heat, matrix, readings.label, [method_label(m) for m in methods], text, "viridis", vmin=0, vmax=1,
             fontsize=6, labelsize=8)
    heat.set_title("F1 of the significant set against the planted program")
    for tick, chosen in zip(heat.get_yticklabels(), readings.chosen):
        tick.set_fontweight("bold" if chosen else "normal")
    y = np.arange(len(readings))
    rho.barh(y, readings.paper_spearman.fillna(0), color="#636363")
    rho.axvline(0.7, color="k", ls="--", lw=0.8)
    rho.set_xlim(-1, 1)
    rho.set_ylim(len(readings) - 0.5, -0.5)
    rho.set_yticks([])
    rho.set_title("Spearman with the paper's\nseven stated counts", fontsize=9)
    worst = table.groupby("label", sort=False).calibration_false_calls.max().loc[readings.label]
    calls.barh(y, worst.to_numpy(), color="#d73027")
    calls.set_ylim(len(readings) - 0.5, -0.5)
    calls.set_yticks([])
    calls.set_title("random vs random:\nmost false calls", fontsize=9)
    fig.suptitle("Readings of Algorithm 1 on the same splicing attributions (bold: the configuration's)")
    save_figure(fig, png, pdf)
