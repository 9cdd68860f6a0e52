"""The planted regulatory program of the simulated transcriptome, read from a TSV.

Each RNA-binding protein (RBP) has a binding motif (IUPAC, RNA), an expression level per
tissue (TPM), and an RNA map: the change in the exon's inclusion log-odds per motif
occurrence in each region around it (:data:`eigflow_arms.splicing.events.REGIONS`). The
shipped program, ``resources/program.tsv``, follows the classic position dependence (Nova,
Rbfox, Mbnl, CELF: binding downstream of the exon enhances inclusion, upstream or inside it
represses; A1CF: A/U-rich sites ~200 nt downstream enhance, as paper Fig. 4c suggests). An
RBP's activity in a tissue is its expression relative to its highest tissue, so only RBPs
whose expression differs between two tissues make exons change between them.

The file has one row per RBP and the columns

==================  ========================================================================
``name``            the RBP; unique
``motif``           IUPAC binding motif, RNA alphabet (T is read as U)
``tpm_{tissue}``    mean TPM in each tissue, >= 0, not all 0; the tissues are these columns
``effect_{region}`` inclusion log-odds change per site in a region of ``REGIONS``; empty or 0:
                    no effect there; at least one per RBP
``rate``            share of cassette exons given planted sites, in [0, 1]
``copies``          motif instances planted together (Nova binds clusters of YCAY), >= 1
``everywhere``      true/false: planted in constitutive exons too, at the same rate (a
                    ubiquitous regulator shapes inclusion without marking alternative exons)
``window``          optional: ``{region}:{start}-{end}``, offsets in the region where sites go
                    while there is room (A1CF: ``I2_5:150-250``); empty: anywhere in it
``source``          where the motif and the tissue pattern come from
==================  ========================================================================

The program is the ground truth that the workflow scores every attribution method against
(:mod:`eigflow_arms.splicing.truth`) and the regulator the liver arm must find.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .events import REGIONS
from .sequence import IUPAC

__all__ = ["RBP", "Program", "ProgramError", "read_program", "BASAL", "COLUMNS"]

COLUMNS = ("name", "motif", "rate", "copies", "everywhere", "source")
_TPM, _EFFECT = "tpm_", "effect_"
_WINDOW = re.compile(r"^(?P<region>[^:]+):(?P<start>\d+)-(?P<end>\d+)$")
_BOOLEANS = {"true": True, "false": False}


class ProgramError(ValueError):
    """A program file that cannot be used, with the file, row, column and fix."""


@dataclass(frozen=True)
class RBP:
    """One regulator of the program (the columns of the module docstring).

    ``effects`` holds the regions with an effect, strongest first: the simulator draws the
    region of a gene's sites by position in it, and this order keeps the shipped program's
    draws those of the code it replaced.
    """

    name: str
    motif: str
    expression: dict
    effects: dict
    rate: float = 0.25
    copies: int = 2
    everywhere: bool = False
    window: tuple | None = None
    source: str = ""


@dataclass(frozen=True)
class Program:
    """The RBPs of a program and the tissues their expression is given in."""

    rbps: tuple
    tissues: tuple
    path: str = "the program"

    def __iter__(self):
        return iter(self.rbps)

    def __len__(self) -> int:
        return len(self.rbps)

    def names(self) -> list[str]:
        return [r.name for r in self.rbps]

    def index(self, name: str) -> int:
        """Position of the RBP called ``name``."""
        names = self.names()
        if name not in names:
            raise KeyError(f"no RBP {name!r} in {self.path}; it has {names}")
        return names.index(name)

    def rbp(self, name: str) -> RBP:
        """The RBP called ``name``."""
        return self.rbps[self.index(name)]

    def activities(self, tissues=None) -> np.ndarray:
        """(R, T) each RBP's expression in each of ``tissues`` (default: all) relative to its
        highest over all the program's tissues."""
        tpm = np.array([[r.expression[t] for t in self.tissues] for r in self.rbps], dtype=float)
        activity = tpm / tpm.max(axis=1, keepdims=True)
        return activity[:, [self.tissue_index(t) for t in (tissues or self.tissues)]]

    def tissue_index(self, tissue: str) -> int:
        if tissue not in self.tissues:
            raise KeyError(f"tissue {tissue!r}: {self.path} gives TPM for {list(self.tissues)}")
        return self.tissues.index(tissue)

    def differential_rbps(self, tissue: str, min_change: float = 0.3) -> list[str]:
        """RBPs whose activity in ``tissue`` differs by at least ``min_change`` from some other
        tissue's: every regulator that can make an exon change between ``tissue`` and another."""
        t, act = self.tissue_index(tissue), self.activities()
        return [r.name for r, a in zip(self.rbps, act) if np.abs(a[t] - np.delete(a, t)).max() >= min_change]

    def specific_rbps(self, tissue: str, min_change: float = 0.3) -> list[str]:
        """RBPs whose activity in ``tissue`` differs by at least ``min_change`` from the median of
        the other tissues: the regulators that set ``tissue`` apart (Nova and Rbfox for brain)."""
        t, act = self.tissue_index(tissue), self.activities()
        return [r.name for r, a in zip(self.rbps, act) if abs(a[t] - np.median(np.delete(a, t))) >= min_change]

    def regulator(self, tissue: str, min_change: float = 0.3) -> RBP:
        """The RBP most specifically expressed in ``tissue`` (activity there above the other
        tissues' median by the most): the one a knockout and a PAR-CLIP of the tissue target
        (paper Fig. 4: A1CF in the liver)."""
        t, act = self.tissue_index(tissue), self.activities()
        lift = np.array([a[t] - np.median(np.delete(a, t)) for a in act])
        if lift.max() < min_change:
            raise ProgramError(
                f"{self.path}: no RBP is expressed specifically in {tissue} (activity there above the "
                f"other tissues' median by >= {min_change}); the {tissue} arm's knockout and PAR-CLIP "
                f"need one: raise some RBP's tpm_{tissue} well above its other tissues")
        return self.rbps[int(np.argmax(lift))]


@dataclass(frozen=True)
class Basal:
    """Inclusion log-odds before regulation: splice-site strength sets an exon's baseline.

    logit PSI = intercept + weight * (strength score of A's two sites - centre) + regulation.
    """

    intercept: float = 0.4
    weight: float = 0.18
    centre: float = 10.0
    noise: float = 0.15
    extra: dict = field(default_factory=dict)


BASAL = Basal()


# --------------------------------------------------------------------------- reading

def read_program(path, tissues=None) -> Program:
    """The program of a TSV (module docstring), checked cell by cell.

    Parameters
    ----------
    path : path
    tissues : sequence of str, optional
        Tissues the run uses (config ``splicing.tissues``): each needs a ``tpm_`` column.

    Raises
    ------
    ProgramError
        Naming the file, the row (line and RBP), the column and the fix.
    """
    path = Path(path)
    try:
        table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    except (OSError, pd.errors.ParserError, pd.errors.EmptyDataError) as err:
        raise ProgramError(f"{path}: cannot be read as a tab-separated program table ({err}); "
                           f"see the columns in eigflow_arms/splicing/program.py or config/README.md") from None
    columns = list(table.columns)
    missing = [c for c in COLUMNS if c not in columns]
    if missing:
        raise ProgramError(f"{path}: no column {missing[0]!r} (columns needed: {', '.join(COLUMNS)}, "
                           f"tpm_<tissue> per tissue, effect_<region>; found {columns}); add it")
    program_tissues = tuple(c[len(_TPM):] for c in columns if c.startswith(_TPM))
    regions = [c[len(_EFFECT):] for c in columns if c.startswith(_EFFECT)]
    unknown = [r for r in regions if r not in REGIONS]
    if unknown:
        raise ProgramError(f"{path}: column 'effect_{unknown[0]}' names no region of the feature "
                           f"model; regions are {list(REGIONS)}: rename or remove it")
    absent = [t for t in (tissues or ()) if t not in program_tissues]
    if not program_tissues or absent:
        raise ProgramError(f"{path}: no column 'tpm_{(absent or ['<tissue>'])[0]}'; the run's tissues "
                           f"(config splicing.tissues: {list(tissues or ())}) each need a TPM column, "
                           f"the file has {[_TPM + t for t in program_tissues]}")
    if table.empty:
        raise ProgramError(f"{path}: no RBP rows; give one row per RBP")
    rbps = tuple(_rbp(row, line, path, program_tissues, regions)
                 for line, row in zip(range(2, len(table) + 2), table.to_dict("records")))
    names = [r.name for r in rbps]
    twice = [n for n in names if names.count(n) > 1]
    if twice:
        raise ProgramError(f"{path}: RBP {twice[0]!r} has more than one row; give one row per RBP")
    return Program(rbps, program_tissues, str(path))


def _rbp(row: dict, line: int, path, tissues, regions) -> RBP:
    where = f"{path}, line {line} (RBP {row['name']!r})"

    def number(column: str, low: float, high: float = np.inf, blank=None):
        text = row[column].strip()
        if not text and blank is not None:
            return blank
        try:
            value = float(text)
        except ValueError:
            value = np.nan
        if not low <= value <= high:
            raise ProgramError(f"{where}, column {column!r}: {row[column]!r} is not a number in "
                               f"[{low}, {high}]; give one")
        return value

    name = row["name"].strip()
    if not name or not re.fullmatch(r"[A-Za-z0-9_.-]+", name):
        raise ProgramError(f"{where}, column 'name': give a name of letters, digits, '_', '.' or '-' "
                           f"(it becomes feature names such as I2_5:motif:NAME)")
    motif = row["motif"].strip().upper().replace("T", "U")
    bad = [b for b in motif if b not in IUPAC]
    if not motif or bad:
        raise ProgramError(f"{where}, column 'motif': {row['motif']!r} has {bad[0] if bad else 'no'} "
                           f"letter that is not IUPAC; use {''.join(IUPAC)}")
    expression = {t: number(_TPM + t, 0) for t in tissues}
    if max(expression.values()) == 0:
        raise ProgramError(f"{where}: every tpm_ column is 0; an RBP needs expression somewhere")
    effects = {r: number(_EFFECT + r, -np.inf, blank=0.0) for r in regions}
    effects = {r: e for r, e in sorted(effects.items(), key=lambda item: -abs(item[1])) if e != 0}
    if not effects:
        raise ProgramError(f"{where}: no effect_<region> is set; give the RBP's effect in at least one "
                           f"region (or drop the row)")
    copies = number("copies", 1)
    if copies != int(copies):
        raise ProgramError(f"{where}, column 'copies': {row['copies']!r} is not a whole number; give one")
    everywhere = _BOOLEANS.get(row["everywhere"].strip().lower())
    if everywhere is None:
        raise ProgramError(f"{where}, column 'everywhere': {row['everywhere']!r}; give true or false")
    return RBP(name, motif, expression, effects, rate=number("rate", 0, 1), copies=int(copies),
               everywhere=everywhere, window=_window(row.get("window", ""), where, effects),
               source=row["source"].strip())


def _window(text: str, where: str, effects: dict) -> tuple | None:
    text = text.strip()
    if not text:
        return None
    found = _WINDOW.match(text)
    if not found or found["region"] not in effects or int(found["start"]) >= int(found["end"]):
        raise ProgramError(f"{where}, column 'window': {text!r}; give {{region}}:{{start}}-{{end}} with "
                           f"start < end in a region where the RBP has an effect ({list(effects)}), "
                           f"or leave it empty")
    return found["region"], int(found["start"]), int(found["end"])
