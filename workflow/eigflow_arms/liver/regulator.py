"""The liver's regulator: the RBP whose motif Tomtom matches best to the liver motif EIG finds.

In the paper EIG's liver motif matched A1CF (Fig. 4a), and everything after was about A1CF:
its expression (Fig. 4b), its 3-mers AAU/UAA/AUU around the exon sets (Fig. 4c, supp. S11,
S12a), its knockout and PAR-CLIP. Here that RBP is whatever Tomtom names first
(``fig4a_tomtom.tsv``), so a program with another liver regulator needs no code change:

* ``rbp``: the matched motif's alternate name in the collection (its protein, as a
  CISBP-RNA export spells it), else its identifier; the gene fig4b looks up. Config
  ``liver.rbp`` may name it instead (real data whose knockout and PAR-CLIP target one RBP):
  then its motif in the collection stands in for the match;
* ``kmers``: the k-mers (k = ``MAP_K``) of the matched motif's core, the positions where one
  letter has probability >= ``CORE_PROBABILITY``. A1CF's RNAcompete motif WUAAUUR has the
  core UAAUU, whose 3-mers are the paper's UAA, AAU and AUU; the degenerate ends (W, R) add
  none.

The simulated knockout and PAR-CLIP do not read this: they are experiments on the program's
own liver regulator (:meth:`eigflow_arms.splicing.program.Program.regulator`), which the
regulator found here confirms or not.
"""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from eigflow_arms.splicing.sequence import ALPHABET

__all__ = ["MAP_K", "CORE_PROBABILITY", "Regulator", "core_kmers", "regulator", "regulator_table",
           "read_regulator",
           "check_in_collection"]

MAP_K = 3               # paper Fig. 4c maps 3-mers
CORE_PROBABILITY = 0.5  # a letter above half the position's mass: the motif asks for it


@dataclass(frozen=True)
class Regulator:
    rbp: str
    motif_id: str
    kmers: tuple


def core_kmers(pssm: np.ndarray, k: int = MAP_K, min_probability: float = CORE_PROBABILITY) -> tuple:
    """The distinct k-mers, in motif order, of the windows of ``k`` consecutive positions of
    ``pssm`` ((w, 4), columns A C G U) where one letter has probability >= ``min_probability``."""
    pssm = np.asarray(pssm, dtype=float)
    letters = "".join(ALPHABET[i] for i in pssm.argmax(axis=1))
    strong = pssm.max(axis=1) >= min_probability
    windows = [letters[i:i + k] for i in range(len(letters) - k + 1) if strong[i:i + k].all()]
    return tuple(dict.fromkeys(windows))


def regulator(matches: pd.DataFrame, collection: dict, names: dict, source, chosen=None) -> Regulator:
    """The regulator of the best Tomtom match (``matches``' first row) in ``collection``
    (identifier -> PSSM, from ``source``), named by ``names`` (identifier -> alternate name);
    or, when ``chosen`` names an RBP, of its first motif in the collection (by identifier or
    alternate name)."""
    target = matches.target.iloc[0] if chosen is None else _motif_of(chosen, names, source)
    kmers = core_kmers(collection[target])
    if not kmers:
        raise ValueError(f"{source}: motif {target!r}, Tomtom's best match to the liver motif, has no "
                         f"{MAP_K} consecutive positions with a letter of probability >= "
                         f"{CORE_PROBABILITY}, so it gives no k-mers for the motif maps; sharpen its "
                         f"matrix or remove it from the collection")
    return Regulator(chosen or names.get(target) or target, target, kmers)


def _motif_of(rbp: str, names: dict, source) -> str:
    check_in_collection(rbp, names, source, "config liver.rbp")
    return next(i for i, name in names.items() if rbp in (i, name))


def regulator_table(found: Regulator) -> pd.DataFrame:
    """One row: rbp, motif_id, kmers (comma-separated); :func:`read_regulator` reads it back."""
    return pd.DataFrame([{"rbp": found.rbp, "motif_id": found.motif_id, "kmers": ",".join(found.kmers)}])


def read_regulator(path) -> Regulator:
    row = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False).iloc[0]
    return Regulator(row.rbp, row.motif_id, tuple(row.kmers.split(",")))


def check_in_collection(rbp: str, names: dict, source, named_by) -> None:
    """Refuse a collection in which the regulator ``rbp`` (of the program, or config, that
    ``named_by`` says) has no motif, by identifier or alternate name: Tomtom could then
    never name it, whatever EIG finds."""
    if rbp not in set(names) | set(names.values()):
        raise ValueError(f"{source}: no motif for {rbp!r}, the liver regulator of {named_by}; add a "
                         f"'MOTIF {rbp} {rbp}' entry (its letter-probability matrix) to the "
                         f"collection, or point liver.motifs at one that has it")
