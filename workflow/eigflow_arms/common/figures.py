"""Figure helpers shared by the per-dataset plotting modules.

Figures are rendered with the non-interactive Agg backend so that they can be produced on
headless machines (CI, cluster nodes).
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

from .io import atomic_path  # noqa: E402

__all__ = ["save_figure", "open_axes"]


def open_axes(ax) -> None:
    """Drop the top and right spines: the house style of the beyond-the-paper panels."""
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)

def save_figure(fig, png, pdf) -> None:
    """Write ``fig`` as PNG (200 dpi) and PDF, each atomically, then close it.

    Parameters
    ----------
    fig : matplotlib.figure.Figure
        The figure; closed afterwards even if saving fails.
    png, pdf : str or os.PathLike
        Output paths; missing parent folders are created.
    """
    try:
        for path, options in ((png, {"format": "png", "dpi": 200}), (pdf, {"format": "pdf"})):
            with atomic_path(path) as tmp:
                fig.savefig(tmp, bbox_inches="tight", **options)
    finally:
        plt.close(fig)
