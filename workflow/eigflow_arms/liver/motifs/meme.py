"""Motif collections in MEME format: a validating reader, an atomic writer, and the shipped
collection of RBP consensus motifs.

The reader takes MEME's minimal motif format (MEME 4 and 5, https://meme-suite.org/meme/doc/
meme-format.html) as CISBP-RNA, ATtRACT and the MEME suite write it::

    MEME version 4

    ALPHABET= ACGU                    (or ACGT, or a MEME 5 ``RNA-LIKE``/``DNA-LIKE`` block)

    MOTIF A1CF A1CF                   (identifier, optional alternate name)
    letter-probability matrix: alength= 4 w= 7 nsites= 20 E= 0
     0.40 0.10 0.10 0.40              (w rows, one per position: A C G U/T)
     ...

Every matrix comes back as a (w, 4) array with columns A, C, G, U: a DNA file's T column is
read as U, because RNA motifs from DNA-alphabet exports (CISBP-RNA writes both) are the same
matrices. Anything the workflow could silently misread -- a missing version line, a protein
alphabet, a matrix header without ``w=``, a row count or width that disagrees with it, a row
that is not a probability distribution, a duplicated identifier -- raises
:class:`MemeFormatError` naming the file, the line and the fix.

The shipped collection (``resources/motifs/rbp_consensus.meme``) is built from
``resources/motifs/rbp_consensus.tsv`` (columns ``TSV_COLUMNS``: one literature consensus
per RBP, IUPAC, with its citation) by::

    python -m eigflow_arms.liver.motifs.meme resources/motifs/rbp_consensus.tsv resources/motifs/rbp_consensus.meme
"""
from __future__ import annotations

import argparse
import re
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from eigflow_arms.common.io import atomic_path

from .pssm import consensus_matrix

__all__ = [
    "TSV_COLUMNS",
    "MemeFormatError",
    "alternate_names",
    "consensus_collection",
    "read_meme",
    "write_meme",
]

TSV_COLUMNS = ["motif_id", "rbp", "consensus", "source"]
ROW_TOLERANCE = 0.02  # rows printed with two or three decimals sum to 1 within this
_NUCLEOTIDE_ALPHABETS = {"ACGT", "ACGU"}
_HEADER = re.compile(r"^letter-probability matrix:(?P<fields>.*)$")
_LOG_ODDS = re.compile(r"^log-odds matrix:.*\bw=\s*(\d+)")
_NUMBERS = re.compile(r"^[-+0-9.eE]+(\s+[-+0-9.eE]+)*$")
_FIELD = re.compile(r"(\w+)=\s*(\S+)")


class MemeFormatError(ValueError):
    """A MEME motif file that cannot be used, with the file, the line and the fix."""


@dataclass(frozen=True)
class _Motif:
    identifier: str
    alternate: str
    matrix: np.ndarray  # (w, 4): A C G U


class _Lines:
    """The file's lines with 1-based numbers, and errors that point at one of them."""

    def __init__(self, path: Path):
        self.path = path
        try:
            self.lines = path.read_text().splitlines()
        except (OSError, UnicodeDecodeError) as err:
            raise MemeFormatError(f"{path}: cannot be read as a text MEME motif file ({err})") from None
        self.i = 0

    def next(self) -> tuple[int, str] | None:
        """The next line (number, stripped text), or None at the end of the file."""
        if self.i >= len(self.lines):
            return None
        self.i += 1
        return self.i, self.lines[self.i - 1].strip()

    def fail(self, number: int | str, message: str):
        raise MemeFormatError(f"{self.path}, line {number}: {message}")


def _alphabet(lines: _Lines, number: int, text: str) -> None:
    """Check an ALPHABET line (and skip a MEME 5 alphabet block): nucleotides only."""
    if text.startswith("ALPHABET="):
        letters = text.split("=", 1)[1].strip().upper()
        if letters not in _NUCLEOTIDE_ALPHABETS:
            lines.fail(number, f"alphabet {letters!r} is not a nucleotide alphabet; RNA motifs "
                               f"need 'ALPHABET= ACGU' (or ACGT, read as ACGU)")
        return
    if not re.search(r"\b(RNA|DNA)-LIKE\b", text):
        lines.fail(number, f"custom alphabet {text!r} is not RNA-LIKE or DNA-LIKE; give the "
                           f"motifs as 'ALPHABET= ACGU'")
    while (line := lines.next()) is not None and line[1] != "END ALPHABET":
        pass
    if line is None:
        lines.fail(number, "the ALPHABET block has no 'END ALPHABET' line; close it")


def _header(lines: _Lines, number: int, text: str, name: str) -> int:
    """Width w of a ``letter-probability matrix:`` line (alength, when given, must be 4)."""
    fields = dict(_FIELD.findall(_HEADER.match(text).group("fields")))
    if "alength" in fields and fields["alength"] != "4":
        lines.fail(number, f"motif {name!r} has alength= {fields['alength']}; nucleotide motifs "
                           f"have 4 letters (A C G U)")
    width = fields.get("w", "")
    if not width.isdigit() or int(width) == 0:
        lines.fail(number, f"motif {name!r}: the matrix header needs 'w= N' with N the number of "
                           f"rows (positions) that follow, e.g. 'letter-probability matrix: "
                           f"alength= 4 w= 7'")
    return int(width)


def _row(lines: _Lines, name: str, k: int, width: int, header_line: int) -> np.ndarray:
    """Row ``k`` (1-based) of motif ``name``'s matrix, checked to be a distribution."""
    line = lines.next()
    while line is not None and not line[1]:
        line = lines.next()
    if line is None or not _NUMBERS.match(line[1]):
        where, found = (lines.i, repr(line[1])) if line else ("end", "the end of the file")
        lines.fail(where, f"motif {name!r} expects row {k} of w= {width} (header at line "
                          f"{header_line}) but found {found}; make w= equal the number of rows")
    number, text = line
    try:
        values = np.array(text.split(), dtype=float)
    except ValueError:
        lines.fail(number, f"motif {name!r} row {k}: {text!r} is not four numbers")
    if len(values) != 4:
        lines.fail(number, f"motif {name!r} row {k} has {len(values)} columns; a row holds the "
                           f"probabilities of A, C, G and U (4 columns)")
    if (values < 0).any() or abs(values.sum() - 1) > ROW_TOLERANCE:
        lines.fail(number, f"motif {name!r} row {k} sums to {values.sum():.4g}; each row is a "
                           f"probability distribution over A C G U: non-negative and summing to 1")
    return values / values.sum()


def _parse(path) -> list[_Motif]:
    """Every motif of a MEME file, in file order, validated (see the module docstring)."""
    lines = _Lines(Path(path))
    first = lines.next()
    while first is not None and not first[1]:
        first = lines.next()
    if first is None or not re.match(r"^MEME version \d", first[1]):
        lines.fail(first[0] if first else 1, "a MEME motif file starts with 'MEME version 4' "
                                             "(or 5); add that line")
    motifs: list[_Motif] = []
    seen: dict[str, int] = {}
    current: tuple[str, str, int] | None = None  # (identifier, alternate, line) awaiting a matrix
    while (line := lines.next()) is not None:
        number, text = line
        if text.startswith("ALPHABET"):
            _alphabet(lines, number, text)
        elif text.startswith("MOTIF"):
            if current is not None:
                lines.fail(current[2], f"motif {current[0]!r} has no 'letter-probability matrix:' "
                                       f"line before the next MOTIF; add its matrix")
            fields = text.split()
            if len(fields) < 2:
                lines.fail(number, "a MOTIF line needs an identifier: 'MOTIF id [alternate name]'")
            if fields[1] in seen:
                lines.fail(number, f"motif identifier {fields[1]!r} was already used at line "
                                   f"{seen[fields[1]]}; give every motif a unique identifier")
            seen[fields[1]] = number
            current = (fields[1], " ".join(fields[2:]), number)
        elif _HEADER.match(text):
            if current is None:
                lines.fail(number, "a 'letter-probability matrix:' line outside a motif; put a "
                                   "'MOTIF id' line before it")
            width = _header(lines, number, text, current[0])
            matrix = np.stack([_row(lines, current[0], k + 1, width, number) for k in range(width)])
            motifs.append(_Motif(current[0], current[1], matrix))
            current = None
        elif _LOG_ODDS.match(text):
            # MEME's own output repeats each motif as log-odds; only the probabilities are read.
            for _ in range(int(_LOG_ODDS.match(text).group(1))):
                lines.next()
        elif current is None and _NUMBERS.match(text) and len(text.split()) > 1:
            lines.fail(number, f"a matrix row outside any matrix (after {len(motifs)} motif(s)); "
                               f"the w= of the matrix above is smaller than its number of rows")
    if current is not None:
        lines.fail(current[2], f"motif {current[0]!r} has no 'letter-probability matrix:' line; "
                               f"add its matrix")
    if not motifs:
        lines.fail("end", "the file holds no motifs ('MOTIF id' then a 'letter-probability "
                          "matrix:' block)")
    return motifs


def read_meme(path) -> dict[str, np.ndarray]:
    """Motifs of a MEME file: identifier -> (w, 4) probability matrix, columns A C G U.

    The key is the MOTIF line's identifier (its first field), as MEME's Tomtom reports
    targets; :func:`alternate_names` gives the optional second field (usually the protein).
    Raises :class:`MemeFormatError` on anything malformed (see the module docstring).
    """
    return {m.identifier: m.matrix for m in _parse(path)}


def alternate_names(path) -> dict[str, str]:
    """identifier -> alternate name (the MOTIF line's second field; '' when absent)."""
    return {m.identifier: m.alternate for m in _parse(path)}


def write_meme(path, motifs: dict, background=None, names: dict | None = None) -> None:
    """Write ``motifs`` (identifier -> (w, 4) probabilities, A C G U) as MEME version 4, RNA.

    Parameters
    ----------
    path : path
        Written atomically.
    motifs : dict
    background : (4,) array, optional
        Letter frequencies A C G U; uniform by default.
    names : dict, optional
        identifier -> alternate name, written after the identifier on the MOTIF line.
    """
    background = np.full(4, 0.25) if background is None else np.asarray(background, dtype=float)
    names = names or {}
    out = ["MEME version 4", "", "ALPHABET= ACGU", "", "strands: +", "",
           "Background letter frequencies",
           " ".join(f"{b} {f:.4f}" for b, f in zip("ACGU", background)), ""]
    for identifier, matrix in motifs.items():
        matrix = np.asarray(matrix, dtype=float)
        if matrix.ndim != 2 or matrix.shape[1] != 4:
            raise ValueError(f"motif {identifier!r} has shape {matrix.shape}; a motif is (w, 4)")
        out += [f"MOTIF {identifier} {names.get(identifier, '')}".rstrip(),
                f"letter-probability matrix: alength= 4 w= {len(matrix)} nsites= 20 E= 0"]
        out += [" ".join(f"{p:.6f}" for p in row) for row in matrix / matrix.sum(axis=1, keepdims=True)]
        out.append("")
    with atomic_path(path) as tmp:
        tmp.write_text("\n".join(out))


def read_consensus_table(path) -> pd.DataFrame:
    """The consensus TSV (columns ``TSV_COLUMNS``), checked: unique ids, IUPAC consensus."""
    table = pd.read_csv(path, sep="\t", dtype=str, keep_default_na=False)
    missing = [c for c in TSV_COLUMNS if c not in table.columns]
    if missing:
        raise MemeFormatError(f"{path}: missing column(s) {missing}; the table needs {TSV_COLUMNS}")
    duplicated = table.motif_id[table.motif_id.duplicated()]
    if len(duplicated):
        raise MemeFormatError(f"{path}: motif_id {duplicated.iloc[0]!r} appears twice; ids must be unique")
    empty = table[(table[TSV_COLUMNS] == "").any(axis=1)]
    if len(empty):
        raise MemeFormatError(f"{path}: row {empty.index[0] + 2} has an empty field; every motif "
                              f"needs an id, an RBP, a consensus and a source")
    return table


def consensus_collection(path, pseudocount: float = 0.02) -> tuple[dict, dict]:
    """PSSMs of a consensus TSV: (motif_id -> (w, 4) matrix, motif_id -> rbp).

    Each IUPAC consensus becomes a matrix by :func:`eigflow_arms.liver.motifs.pssm.consensus_matrix`.
    """
    table = read_consensus_table(path)
    motifs = {}
    for row in table.itertuples(index=False):
        try:
            motifs[row.motif_id] = consensus_matrix(row.consensus, pseudocount)
        except ValueError as err:
            raise MemeFormatError(f"{path}: motif {row.motif_id!r}: {err}") from None
    return motifs, dict(zip(table.motif_id, table.rbp))


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description="Build a MEME motif file from a consensus TSV.")
    parser.add_argument("tsv", help=f"TSV with columns {TSV_COLUMNS}")
    parser.add_argument("meme", help="output MEME file")
    parser.add_argument("--pseudocount", type=float, default=0.02)
    args = parser.parse_args(argv)
    motifs, rbps = consensus_collection(args.tsv, args.pseudocount)
    write_meme(args.meme, motifs, names=rbps)


if __name__ == "__main__":
    main()
