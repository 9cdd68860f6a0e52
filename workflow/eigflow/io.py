"""Files written whole or not at all: the library's (:meth:`eigflow.NeighborGraph.save`) and,
through :mod:`eigflow_arms.common.io`, every workflow stage's.

A writer goes to a temporary file beside the destination and renames it into place
(atomic on POSIX), so a killed process never leaves a truncated file behind that a later
run, a rerun or a downstream rule would take for a finished one.
"""
from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path

import numpy as np


@contextlib.contextmanager
def atomic_path(path, suffix: str = ""):
    """Yield a new temporary path beside ``path``; on success rename it to ``path``.

    ``suffix`` (default: ``path``'s own) matters to writers that pick a format by it.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}{suffix or path.suffix}"
    # Created here, not by mkstemp, so that the finished file gets the umask's mode
    # rather than mkstemp's owner-only one.
    os.close(os.open(tmp, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o666))
    try:
        yield tmp
        os.replace(tmp, path)
    finally:
        if tmp.exists():
            tmp.unlink()


def save_npz(path, **arrays) -> None:
    with atomic_path(path, ".npz") as tmp:
        np.savez_compressed(tmp, **arrays)


def load_npz(path) -> dict:
    with np.load(path, allow_pickle=False) as data:
        return {key: data[key] for key in data.files}
