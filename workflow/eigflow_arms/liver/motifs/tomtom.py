"""Tomtom (Gupta et al. 2007) of a PSSM against a motif collection, through memelite.

memelite's ``tomtom`` gives, for each target, the p-value of the best alignment, its offset
and its overlap; here they become MEME Tomtom's table, with E = p x number of targets and
q-values by Benjamini-Hochberg over all targets of the query, as MEME computes them.

Strand. RNA-binding proteins bind single-stranded RNA: the reverse complement of a motif is
a different RNA, not the same site read from the other strand as in double-stranded DNA.
So targets are compared on the given strand only (memelite's ``reverse_complement=False``),
and every row's orientation is '+'.

p-values. memelite builds each query column's null distribution from the target columns,
so p-values depend on the collection; with fewer than 25 targets memelite warns.
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from memelite import tomtom
from scipy.stats import false_discovery_control

__all__ = ["MATCH_COLUMNS", "match"]

MATCH_COLUMNS = ["target", "p", "e", "q", "offset", "orientation", "overlap"]


def _columns_first(matrix, what: str) -> np.ndarray:
    """A (w, 4) probability matrix as the (4, w) float64 array memelite takes. float64
    always: memelite compiles one kernel per dtype and layout (tens of seconds each)."""
    matrix = np.asarray(matrix, dtype=np.float64)
    if matrix.ndim != 2 or matrix.shape[1] != 4 or len(matrix) == 0:
        raise ValueError(f"{what} has shape {matrix.shape}; a motif is a (w, 4) matrix, columns A C G U")
    return np.ascontiguousarray(matrix.T)


def match(query, collection: dict, n: int | None = 5) -> pd.DataFrame:
    """Tomtom of ``query`` against every motif of ``collection``.

    Parameters
    ----------
    query : (L, 4) array
        Probabilities, columns A C G U.
    collection : dict
        name -> (w, 4) matrix (:func:`eigflow_arms.liver.motifs.meme.read_meme`).
    n : int or None
        Rows to return (the best matches); all when None.

    Returns
    -------
    DataFrame with columns ``MATCH_COLUMNS``, best (smallest p) first, ties by name:
    target, p, e (p x targets), q (BH over all targets), offset (query column j aligns
    with target column j + offset), orientation ('+': see the module docstring), overlap
    (aligned columns). offset and overlap are <NA> for a target with no alignment scoring
    above 0 (p = 1).
    """
    if not collection:
        raise ValueError("the motif collection is empty")
    names = list(collection)
    targets = [_columns_first(collection[name], f"target motif {name!r}") for name in names]
    # One thread: with several, memelite 0.5.0 reported different offsets for equally good
    # alignments from one identical call to the next (the p-values agreed); one is reproducible.
    p, score, offset, overlap, _ = tomtom([_columns_first(query, "the query")], targets,
                                          reverse_complement=False, n_jobs=1)
    # memelite 0.5.0 leaves the offset and overlap of a target unwritten (whatever memory
    # held) when no alignment scores above 0; such a target has p = 1 and no alignment.
    aligned = score[0] > 0
    table = pd.DataFrame({
        "target": names, "p": p[0], "e": p[0] * len(names),
        "q": false_discovery_control(p[0], method="bh"),
        "offset": pd.array(np.where(aligned, offset[0], 0).astype(int), dtype="Int64"),
        "orientation": "+",
        "overlap": pd.array(np.where(aligned, overlap[0], 0).astype(int), dtype="Int64")})
    table.loc[~aligned, ["offset", "overlap"]] = pd.NA
    table = table.sort_values(["p", "target"], kind="stable").reset_index(drop=True)
    return table if n is None else table.head(n)
