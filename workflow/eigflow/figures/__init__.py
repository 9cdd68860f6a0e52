"""Figure helpers shared by the per-dataset plotting modules.

Figures are rendered with the non-interactive Agg backend so that they can be produced on
headless machines (CI, cluster nodes).
"""
from __future__ import annotations

import os
import tempfile
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)

__all__ = ["save_figure"]

# mkstemp creates files readable by the owner only; outputs get the usual umask instead.
_UMASK = os.umask(0)
os.umask(_UMASK)


def _save_atomic(fig, path, fmt: str, **kwargs) -> None:
    # Write next to the target and rename: a crash mid-write never leaves a truncated file
    # that a workflow engine would take for a finished output.
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    os.close(fd)
    try:
        fig.savefig(tmp, format=fmt, bbox_inches="tight", **kwargs)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


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
        _save_atomic(fig, png, "png", dpi=200)
        _save_atomic(fig, pdf, "pdf")
    finally:
        plt.close(fig)
