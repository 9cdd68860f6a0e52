"""Files between workflow stages, written whole or not at all: the library's atomic writer
(:mod:`eigflow.io`) for arrays, and tables in one byte-stable TSV format."""
from __future__ import annotations

import pandas as pd
from eigflow.io import atomic_path, load_npz, save_npz

__all__ = ["atomic_path", "save_npz", "load_npz", "write_tsv", "read_tsv"]


def write_tsv(path, table: pd.DataFrame) -> None:
    # A fixed float format makes two runs' tables byte-identical, not just numerically equal.
    with atomic_path(path) as tmp:
        table.to_csv(tmp, sep="\t", index=False, float_format="%.6g")


def read_tsv(path) -> pd.DataFrame:
    return pd.read_csv(path, sep="\t")
