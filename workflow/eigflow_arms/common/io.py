"""Files between workflow stages, written whole or not at all.

Every writer goes to a temporary file in the destination's directory and renames it into
place (atomic on POSIX), so a killed job never leaves a truncated output that a rerun or a
downstream rule would take for a finished one.
"""
from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

# mkstemp makes owner-only files; finished outputs get the usual umask instead.
_UMASK = os.umask(0)
os.umask(_UMASK)


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a temporary path beside ``path``; on success rename it to ``path``.

    ``suffix`` (default: ``path``'s own) matters to writers that pick a format by it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=suffix or path.suffix)
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, 0o666 & ~_UMASK)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def save_npz(path, **arrays) -> None:
    with atomic_path(path, ".npz") as tmp:
        np.savez_compressed(tmp, **arrays)


def load_npz(path) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}


def write_tsv(path, table: pd.DataFrame) -> None:
    # A fixed float format makes two runs' tables byte-identical, not just numerically equal.
    with atomic_path(path) as tmp:
        table.to_csv(tmp, sep="\t", index=False, float_format="%.6g")


def read_tsv(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")
