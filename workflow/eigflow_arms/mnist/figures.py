"""Figures of the MNIST experiments: paper Fig. 2a-e and supplementary Figs. S4-S6.

Every function takes plain arrays or DataFrames plus the two output paths (PNG and PDF)
and returns nothing. Images are flattened 28 x 28 arrays in row-major order.
"""
from __future__ import annotations

# The parent package has already selected the Agg backend when this module loads.
import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
from matplotlib.colors import LinearSegmentedColormap, ListedColormap
from matplotlib.lines import Line2D
from matplotlib.patches import Patch

from eigflow_arms.common.figures import save_figure

__all__ = ["significance_maps", "fig2a", "fig2b", "fig2c", "fig2d", "fig2e",
           "figS4", "figS5", "figS6", "mnist_readings"]

SIDE = 28
DIGIT_THRESHOLD = 0.3
POSITIVE, NEGATIVE, DIGIT, BACKGROUND = "#1a9850", "#d73027", "#9ecae1", "#ffffff"
DIGIT_OUTLINE = "#08519c"
# Red-white-green so that the mean-attribution panel uses the same colour code as the
# significant-pixel panel next to it.
ATTRIBUTION_CMAP = LinearSegmentedColormap.from_list("neg_white_pos", [NEGATIVE, BACKGROUND, POSITIVE])
SIGNIFICANT_COLOR, RANDOM_COLOR = "#e7298a", "#3182bd"  # the paper's pink and blue (Fig. 2e)


def _image(values) -> np.ndarray:
    values = np.asarray(values)
    if values.size != SIDE * SIDE:
        raise ValueError(f"expected {SIDE * SIDE} pixel values; got shape {values.shape}")
    return values.reshape(SIDE, SIDE)


def _no_ticks(ax) -> None:
    ax.set_xticks([])
    ax.set_yticks([])


def significance_maps(mean_attr, significant, mean_digit, title: str, png, pdf) -> None:
    """Mean attribution and its significant pixels, side by side (Fig. 2a style).

    Parameters
    ----------
    mean_attr : (784,) array
        Mean attribution per pixel over the class of interest.
    significant : (784,) bool array
        Significant pixels (for patch-level tests, the pixels of significant patches).
    mean_digit : (784,) array
        Mean image of the class of interest in [0, 1]; pixels above 0.3 are drawn in blue
        under the significant pixels, and the digit's outline in blue over them, so the digit
        stays visible even where most of its pixels are significant.
    title : str
        Figure title.
    png, pdf : str or os.PathLike
        Output paths.
    """
    attr = _image(np.asarray(mean_attr, dtype=np.float64))
    sig = _image(np.asarray(significant, dtype=bool))
    digit = _image(np.asarray(mean_digit, dtype=np.float64)) > DIGIT_THRESHOLD

    fig, (left, right) = plt.subplots(1, 2, figsize=(9, 4.6), layout="constrained")
    limit = float(np.max(np.abs(attr))) or 1.0
    im = left.imshow(attr, cmap=ATTRIBUTION_CMAP, vmin=-limit, vmax=limit)
    fig.colorbar(im, ax=left, shrink=0.85, label="mean attribution")
    left.set_title("Mean attribution")

    # Categories, painted in order so that significant pixels cover the digit.
    codes = np.zeros(sig.shape, dtype=int)
    codes[digit] = 1
    codes[sig & (attr > 0)] = 2
    codes[sig & (attr < 0)] = 3
    right.imshow(codes, cmap=ListedColormap([BACKGROUND, DIGIT, POSITIVE, NEGATIVE]),
                 vmin=-0.5, vmax=3.5, interpolation="nearest")
    right.contour(_image(np.asarray(mean_digit, dtype=np.float64)), levels=[DIGIT_THRESHOLD],
                  colors=[DIGIT_OUTLINE], linewidths=1.5)
    right.set_title(f"Significant pixels (n = {int(sig.sum())})")
    right.legend(handles=[Patch(color=POSITIVE, label="positive"),
                          Patch(color=NEGATIVE, label="negative"),
                          Patch(color=DIGIT, label=f"digit (mean > {DIGIT_THRESHOLD})"),
                          Line2D([], [], color=DIGIT_OUTLINE, label="digit outline")],
                 loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8, frameon=False)
    for ax in (left, right):
        _no_ticks(ax)
    fig.suptitle(title)
    save_figure(fig, png, pdf)


def fig2a(mean_attr, significant, mean_digit, png, pdf) -> None:
    """Fig. 2a: VAE + feed-forward network, median H-L-IG, digit 5 vs median baseline 3."""
    significance_maps(mean_attr, significant, mean_digit,
                      "VAE + FFN, median H-L-IG, 5 vs median 3", png, pdf)


def fig2b(mean_attr, significant, mean_digit, png, pdf) -> None:
    """Fig. 2b: CNN, median O-L-IG, significance on 3x3 patches."""
    significance_maps(mean_attr, significant, mean_digit,
                      "CNN, median O-L-IG, 3x3 patches", png, pdf)


def fig2c(mean_attr, significant, mean_digit, png, pdf) -> None:
    """Fig. 2c: convolutional VAE + feed-forward network, median H-L-IG."""
    significance_maps(mean_attr, significant, mean_digit,
                      "C-VAE + FFN, median H-L-IG", png, pdf)


def _accuracy_bars(ax, x, table, width) -> None:
    ax.bar(x - width / 2, table["accuracy_all"], width, color="#999999", label="all pixels")
    ax.bar(x + width / 2, table["accuracy_significant"], width, color=SIGNIFICANT_COLOR,
           label="significant pixels")


def fig2d(table: pd.DataFrame, png, pdf) -> None:
    """Fig. 2d: binary classifiers on all vs only the significant pixels, per baseline digit.

    Parameters
    ----------
    table : DataFrame
        One row per baseline digit with columns ``baseline_digit``, ``accuracy_all``,
        ``accuracy_significant``, ``pct_pixels`` (percentage of the 784 pixels that are
        significant) and optionally ``n_significant``.
    png, pdf : str or os.PathLike
        Output paths.
    """
    table = table.sort_values("baseline_digit").reset_index(drop=True)
    x = np.arange(len(table))
    labels = table["baseline_digit"].astype(str)
    width = 0.38
    accuracies = table[["accuracy_all", "accuracy_significant"]]
    # sig - all (not -(all - sig)) so that an unchanged accuracy prints as +0.00, not -0.00.
    change = 100 * (table["accuracy_significant"] - table["accuracy_all"])

    fig = plt.figure(figsize=(11, 5), layout="constrained")
    grid = fig.add_gridspec(2, 2, height_ratios=[1, 1.4], width_ratios=[1.6, 1])
    zoom, full, pct = fig.add_subplot(grid[0, 0]), fig.add_subplot(grid[1, 0]), fig.add_subplot(grid[:, 1])

    lowest = float(accuracies.to_numpy().min())
    # The paper enlarges 0.98-1.00; widen downwards only if some accuracy falls below.
    bottom = min(0.98, np.floor(100 * lowest - 0.1) / 100)
    headroom = 0.25 * (1 - bottom)  # room for the loss labels above the bars
    for ax in (zoom, full):
        _accuracy_bars(ax, x, table, width)
        ax.set_xticks(x, labels)
    zoom.set_ylim(bottom, 1 + headroom)
    ticks = zoom.get_yticks()
    zoom.set_yticks(ticks[(ticks >= bottom - 1e-9) & (ticks <= 1 + 1e-9)])  # no accuracy above 1
    zoom.tick_params(labelbottom=False)
    zoom.set_title("Test accuracy, sample digit 5 vs baseline digit (top: enlarged)")
    for xi, value, top in zip(x, change, accuracies.max(axis=1)):
        zoom.annotate(f"{value:+.2f}%".replace("-", "\u2212"), (xi, top),
                      xytext=(0, 3), textcoords="offset points", ha="center", fontsize=8)
    # Room above 1.0 for the legend, so that it hides no bar.
    full.set_ylim(0, 1.18)
    full.set_yticks(np.linspace(0, 1, 6))
    full.set_xlabel("baseline digit")
    full.set_ylabel("test accuracy")
    full.legend(loc="upper center", ncols=2, fontsize=8, frameon=False)

    bars = pct.bar(x, table["pct_pixels"], 0.6, color=SIGNIFICANT_COLOR)
    if "n_significant" in table:
        pct.bar_label(bars, labels=[f"{n}" for n in table["n_significant"].astype(int)], fontsize=8)
    pct.set_xticks(x, labels)
    pct.set_ylim(0, 1.15 * max(float(table["pct_pixels"].max()), 1.0))
    pct.set_xlabel("baseline digit")
    pct.set_ylabel("% of the 784 pixels used")
    pct.set_title("Significant pixels" + (" (count above bars)" if "n_significant" in table else ""))
    fig.suptitle(f"Classifiers on significant pixels only: {-change.max():.2f} to {-change.min():.2f}% "
                 f"accuracy loss with {table['pct_pixels'].min():.0f} to "
                 f"{table['pct_pixels'].max():.0f}% of pixels")
    save_figure(fig, png, pdf)


def fig2e(curve: pd.DataFrame, png, pdf) -> None:
    """Fig. 2e: accuracy vs number of pixels, top significant pixels vs random pixels.

    Parameters
    ----------
    curve : DataFrame
        Output of :func:`eigflow_arms.mnist.pixels.accuracy_curve`: columns ``n_pixels``,
        ``selection`` ('significant' or 'random'), ``repeat`` and ``accuracy``.
    png, pdf : str or os.PathLike
        Output paths.
    """
    fig, ax = plt.subplots(figsize=(6.5, 4.5), layout="constrained")
    rand = curve[curve["selection"] == "random"].groupby("n_pixels")["accuracy"].agg(["mean", "std"])
    if len(rand):
        n_repeats = int(curve.loc[curve["selection"] == "random", "repeat"].nunique())
        sd = rand["std"].fillna(0.0)
        ax.plot(rand.index, rand["mean"], "o-", color=RANDOM_COLOR, ms=4,
                label=f"random pixels (mean \u00b1 sd, {n_repeats} draws)")
        ax.fill_between(rand.index, rand["mean"] - sd, rand["mean"] + sd, color=RANDOM_COLOR, alpha=0.2)
    sig = curve[curve["selection"] == "significant"].groupby("n_pixels")["accuracy"].mean()
    if len(sig):
        ax.plot(sig.index, sig.values, "o-", color=SIGNIFICANT_COLOR, ms=4,
                label="top significant pixels")
    sizes = curve["n_pixels"].to_numpy()
    positive = sizes[sizes > 0]
    if len(positive) and positive.max() / positive.min() > 10:
        if (sizes == 0).any():
            # symlog keeps a 0-pixel (majority class) point on the axis.
            ax.set_xscale("symlog", linthresh=1)
        else:
            ax.set_xscale("log")
    ax.set_xlabel("number of pixels")
    ax.set_ylabel("test accuracy")
    ax.set_title("Digit 5 vs 3: accuracy as pixels are added")
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right")
    save_figure(fig, png, pdf)


def figS4(table: pd.DataFrame, chosen_steps: int, png, pdf) -> None:
    """Supplementary Fig. S4: convergence of the path integral with the number of steps.

    Parameters
    ----------
    table : DataFrame
        One row per step count with columns ``n_steps``, ``relative_completeness_error_median``,
        ``relative_completeness_error_q90`` (|sum of attributions - output difference| over
        |output difference|),
        ``halving_change_median`` and ``halving_change_q90`` (relative change of the
        attributions when the step size halves).
    chosen_steps : int
        Step count used in the experiments, marked by a vertical line.
    png, pdf : str or os.PathLike
        Output paths.
    """
    table = table.sort_values("n_steps")
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    panels = [("relative_completeness_error", "relative completeness error", "Completeness error"),
              ("halving_change", "relative change of attributions", "Change when step size halves")]
    for ax, (stem, ylabel, title) in zip(axes, panels):
        ax.loglog(table["n_steps"], table[f"{stem}_median"], "o-", label="median")
        ax.loglog(table["n_steps"], table[f"{stem}_q90"], "s--", label="90th percentile")
        ax.axvline(chosen_steps, color="k", ls=":", label=f"chosen: {chosen_steps} steps")
        ax.set_xticks(table["n_steps"], [str(n) for n in table["n_steps"]])
        ax.minorticks_off()
        ax.set_xlabel("number of integration steps")
        ax.set_ylabel(ylabel)
        ax.set_title(title)
        ax.grid(alpha=0.3, which="both")
        ax.legend(fontsize=8)
    save_figure(fig, png, pdf)


def _finite_p(p_values) -> np.ndarray:
    p = np.asarray(p_values, dtype=np.float64).ravel()
    return p[np.isfinite(p)]


def _p_histogram(ax, p_values, title: str, bins: int = 20) -> None:
    p = _finite_p(p_values)
    ax.hist(p, bins=bins, range=(0, 1), color="#999999", edgecolor="white")
    ax.axhline(len(p) / bins, color="k", ls="--", label="uniform expectation")
    ax.set_xlim(0, 1)
    ax.set_xlabel("p-value (unadjusted)")
    ax.set_ylabel("features")
    ax.set_title(f"{title} (n = {len(p)})")
    ax.margins(y=0.15)  # headroom so the legend clears the tallest bar
    ax.legend(loc="upper center", fontsize=8)


def figS5(p_values, png, pdf, n_significant: int) -> None:
    """Supplementary Fig. S5: calibration of the test when both sets are random samples.

    Parameters
    ----------
    p_values : (d,) array
        Unadjusted p-values of a random-vs-random significance test.
    png, pdf : str or os.PathLike
        Output paths.
    n_significant : int
        Features called significant after Bonferroni correction (ideally 0).
    """
    p = np.sort(_finite_p(p_values))
    fig, (hist, qq) = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    _p_histogram(hist, p, "p-value histogram")
    expected = -np.log10(np.arange(1, len(p) + 1) / (len(p) + 1))
    # p can underflow to 0; clip so that it still shows, at the top of the plot.
    observed = -np.log10(np.clip(p, np.finfo(np.float64).tiny, 1.0))
    qq.plot(expected, observed, ".", color=RANDOM_COLOR, ms=4, label="features")
    top = max(expected.max(initial=1.0), observed.max(initial=1.0))
    qq.plot([0, top], [0, top], "k--", label="y = x")
    qq.set_xlabel("expected \u2212log10 p")
    qq.set_ylabel("observed \u2212log10 p")
    qq.set_title("QQ plot against the uniform distribution")
    qq.legend(fontsize=8)
    fig.suptitle(f"Random vs random samples: {n_significant} significant after Bonferroni correction")
    save_figure(fig, png, pdf)


def figS6(p_all, p_filtered, png, pdf, n_removed_informative: int, n_removed_dead: int) -> None:
    """Supplementary Fig. S6: p-values of the digit task before and after filtering pixels.

    Parameters
    ----------
    p_all : (784,) array
        Unadjusted p-values of all pixels.
    p_filtered : (k,) array
        The same without the informative (significant) and dead (constant) pixels.
    png, pdf : str or os.PathLike
        Output paths.
    n_removed_informative, n_removed_dead : int
        Pixels removed as informative and as dead.
    """
    fig, axes = plt.subplots(1, 2, figsize=(10, 4.2), layout="constrained")
    _p_histogram(axes[0], p_all, "All pixels")
    _p_histogram(axes[1], p_filtered, f"Without {n_removed_informative} informative\n"
                                      f"and {n_removed_dead} dead pixels")
    fig.suptitle("Digit task: p-values skewed by informative and dead pixels")
    save_figure(fig, png, pdf)


def mnist_readings(table: pd.DataFrame, png, pdf) -> None:
    """The readings of Algorithm 1 side by side (:func:`eigflow_arms.mnist.readings.readings_table`).

    One row per reading; columns of panels: Fig. 2d's share of pixels (range over reference
    digits, dot at the mean) and largest accuracy loss with the paper's ranges shaded, supp.
    S6's median p of dead pixels, and Fig. 2a's isolated significant pixels. The
    configuration's reading is in bold.
    """
    from .readings import PAPER

    readings = table.drop_duplicates("label").reset_index(drop=True)
    y = np.arange(len(readings))[::-1]
    bars = table[table.figure == "fig2d"].groupby("label", sort=False)
    fig2a = table[table.figure == "fig2a"].set_index("label")
    pct = bars.pct_pixels.agg(["min", "mean", "max"]).loc[readings.label]
    loss = bars.accuracy_loss_pct.max().loc[readings.label]
    panels = [
        ("Fig. 2d: % of pixels significant\n(range over reference digits)", PAPER["pct_pixels"]),
        ("Fig. 2d: largest accuracy loss (%)", PAPER["accuracy_loss_pct"]),
        ("supp. S6: median p of dead pixels", (0.3, 1.0)),
        ("Fig. 2a: isolated significant pixels", None),
    ]
    fig, axes = plt.subplots(1, 4, figsize=(15, 0.42 * len(readings) + 1.6), sharey=True, layout="constrained")
    for ax, (title, band) in zip(axes, panels):
        if band is not None:
            ax.axvspan(*band, color="#d9f0d3", zorder=0, label="paper" if ax is axes[0] else None)
        ax.set_title(title, fontsize=9)
        ax.grid(axis="x", alpha=0.3)
    axes[0].hlines(y, pct["min"], pct["max"], color=SIGNIFICANT_COLOR)
    axes[0].plot(pct["mean"], y, "o", color=SIGNIFICANT_COLOR)
    axes[0].set_xlim(0, 100)
    axes[1].barh(y, loss.to_numpy(), color="#999999")
    axes[2].barh(y, fig2a.dead_median_p.loc[readings.label].to_numpy(), color="#3182bd")
    axes[2].set_xlim(0, 1)
    axes[3].barh(y, fig2a.isolated_pixels.loc[readings.label].to_numpy(), color="#756bb1")
    axes[0].set_yticks(y, readings.label, fontsize=8)
    for tick, chosen in zip(axes[0].get_yticklabels(), readings.chosen):
        tick.set_fontweight("bold" if chosen else "normal")
    axes[0].legend(loc="lower right", fontsize=8, frameon=False)
    fig.suptitle("Readings of Algorithm 1 on the same MNIST attributions (bold: the configuration's)")
    save_figure(fig, png, pdf)
