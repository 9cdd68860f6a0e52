"""Gene expression (TPM) per tissue and replicate: the table behind paper Fig. 4b (A1cf TPM).

Format: a TSV with a ``gene_name`` column, then one TPM column per sample named
``{tissue}_rep{k}`` (k = 1, 2, ...), e.g. ``liver_rep3``.
"""
from __future__ import annotations

import logging
import re
from pathlib import Path

import numpy as np
import pandas as pd

from eigflow_arms.common import io
from eigflow_arms.common.checks import examples, require_matches

__all__ = ["ExpressionError", "sample_column", "write_tpm", "read_tpm", "gene_tpm"]

log = logging.getLogger(__name__)

_SAMPLE = re.compile(r"^(?P<tissue>.+)_rep(?P<replicate>[0-9]+)$")


class ExpressionError(ValueError):
    """A TPM table that cannot be used, with the file, the field and the fix."""


def sample_column(tissue: str, replicate: int) -> str:
    """The column of one sample: ``{tissue}_rep{replicate}``."""
    return f"{tissue}_rep{replicate}"


def _samples(columns, path, tissues=None) -> pd.DataFrame:
    """(column, tissue, replicate) of every sample column; a clear error for any other."""
    if not len(columns) or columns[0] != "gene_name":
        raise ExpressionError(f"{path}: the first column must be 'gene_name', then one column per "
                              f"sample named {{tissue}}_rep{{k}}; found {list(columns[:3])}")
    rows = []
    for column in columns[1:]:
        match = _SAMPLE.match(column)
        if match is None or (tissues is not None and match["tissue"] not in tissues):
            known = f" with a tissue among {list(tissues)}" if tissues is not None else ""
            example = sample_column(tissues[0] if tissues else "liver", 1)
            raise ExpressionError(f"{path}: column {column!r} is not a sample column "
                                  f"{{tissue}}_rep{{k}}{known}; rename it, e.g. {example!r}")
        rows.append((column, match["tissue"], int(match["replicate"])))
    return pd.DataFrame(rows, columns=["column", "tissue", "replicate"])


def write_tpm(path, table: pd.DataFrame) -> None:
    """Write a wide TPM table (``gene_name``, then ``{tissue}_rep{k}`` columns) atomically."""
    _samples(list(table.columns), path)
    io.write_tsv(path, table)


def read_tpm(path, tissues) -> pd.DataFrame:
    """Read a TPM table into long form: gene_name, tissue, replicate (int), tpm (float).

    Every sample column must name one of ``tissues``; TPM must be numbers >= 0.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, sep="\t", dtype={"gene_name": str})
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ExpressionError(f"{path}: cannot be read as a TPM table ({err})") from None
    samples = _samples(list(table.columns), path, tuple(tissues))
    long = table.melt(id_vars="gene_name", var_name="column", value_name="raw")
    long["tpm"] = pd.to_numeric(long.raw, errors="coerce")
    bad = ~np.isfinite(long.tpm) | (long.tpm < 0)
    if bad.any():
        row = long[bad].iloc[0]
        raise ExpressionError(f"{path}: gene {row.gene_name!r}, column {row.column!r}: TPM "
                              f"{str(row.raw)!r} is not a finite number >= 0; give transcripts per "
                              f"million as the quantifier wrote them (not log-transformed)")
    long = long.merge(samples, on="column")
    return long[["gene_name", "tissue", "replicate", "tpm"]]


def gene_tpm(tpm_long: pd.DataFrame, gene: str, path, aliases=()) -> pd.DataFrame:
    """The rows of one gene of a :func:`read_tpm` table, its name matched case-insensitively.

    Mouse tables spell genes ``A1cf``, human ones ``A1CF``: an exact spelling is taken when
    the table has it, else the one spelling that equals ``gene`` in any case; the job log says
    which. ``aliases`` are other names of the gene, tried in order when the table has none of
    ``gene``'s spellings (a motif collection may name a protein CELF1 whose motif the table
    knows as CELF). ``path``, the table's file (or words for it), names the table in the log
    and errors.

    Raises
    ------
    ExpressionError
        When no gene of the table is ``gene`` or an alias in some case, or more than one gene
        is the first name that matches.
    """
    names = pd.unique(tpm_long.gene_name.astype(str))
    candidates = list(dict.fromkeys([gene, *aliases]))
    for name in candidates:
        spellings = [n for n in names if n == name] or [n for n in names if n.casefold() == name.casefold()]
        if spellings:
            break
    if len(spellings) > 1:
        raise ExpressionError(f"{path}: field gene_name: {spellings} are all {name!r} in some case; "
                              f"keep one row per gene, or give the gene exactly as one is spelt")
    said = " or ".join(repr(c) for c in candidates)
    require_matches(len(spellings), 1, f"gene {said} (in any case)", path, "gene_name",
                    f"the table has no gene {said} in any case; it has {examples(sorted(names), 5)}; "
                    f"add the gene's row, or set the config's `liver.rbp` to the table's spelling",
                    error=ExpressionError)
    log.info("%s: gene %r is spelt %r there", path, gene, spellings[0])
    return tpm_long[tpm_long.gene_name == spellings[0]]
