"""MAJIQ / Voila quantifications: the PSI and dPSI of exon-triplet events, from voila TSVs.

The workflow reads what ``voila tsv`` (MAJIQ/Voila 2.x) writes, the same for real data and
for the simulator, which writes its files through this module:

* ``{tissue}.psi.tsv`` -- one row per LSV, from ``majiq psi`` on that tissue's replicates.
* ``{t1}-{t2}.deltapsi.tsv`` -- one row per LSV, from ``majiq deltapsi -n t1 t2``. As in
  voila, ``mean_dpsi_per_lsv_junction`` is E[PSI_t2 - PSI_t1] (second group minus first),
  and ``{t1}_mean_psi`` / ``{t2}_mean_psi`` hold each group's E[PSI].

Per-junction fields hold one value per junction of the LSV, ';'-separated, in the order of
``junctions_coords``, whose entries are 'start-end': the last base of the upstream exon and
the first base of the downstream exon, 1-based genomic coordinates. Voila's leading '# '
metadata lines are skipped, and MAJIQ 1.x column names ('LSV ID', 'E(dPSI) per LSV junction',
'P(|dPSI|>=0.20) per LSV junction', 'chr', ...) are read as their 2.x equivalents. Values are
refused outside their range (PSI and probabilities [0, 1], dPSI [-1, 1], a PSI's stdev
[0, 0.5]), and junctions unless 1 <= start < end, naming the file, the LSV and the column.

An exon triplet C1-A-C2 (:mod:`eigflow_arms.splicing.events`) is quantified by the binary source
LSV of C1: inclusion junction C1->A, exclusion junction C1->C2. An event takes the value of
the inclusion junction of the LSV that holds both. Each file logs how many cassette events it
matched (:func:`eigflow_arms.common.checks.require_matches`), and none, or implausibly few,
is an error naming both sides' chromosome names or junctions.
"""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from itertools import combinations
from pathlib import Path

import numpy as np
import pandas as pd

from eigflow_arms.common import io
from eigflow_arms.common.checks import examples, require_matches

__all__ = ["MajiqError", "SourceLSVs", "psi_name", "deltapsi_name", "event_junctions", "source_lsvs",
           "write_psi", "write_deltapsi", "read_psi", "read_deltapsi", "join_fix", "event_psi",
           "event_dpsi"]

PSI_VALUES = ("mean_psi_per_lsv_junction", "stdev_psi_per_lsv_junction")
DPSI_VALUES = ("mean_dpsi_per_lsv_junction", "probability_changing", "probability_non_changing")
_LSV = ("gene_name", "gene_id", "lsv_id")
_SHAPE = ("lsv_type", "num_junctions", "num_exons", "de_novo_junctions", "seqid", "strand",
          "junctions_coords", "exons_coords", "ir_coords")
_LOCATION = ("lsv_id", "seqid", "strand", "junctions_coords")
PSI_REQUIRED = _LOCATION + ("mean_psi_per_lsv_junction",)
DPSI_REQUIRED = _LOCATION + DPSI_VALUES

# MAJIQ 1.x voila names; the probability columns carry the thresholds in their names.
_VOILA1 = {"#Gene Name": "gene_name", "Gene Name": "gene_name", "Gene ID": "gene_id",
           "LSV ID": "lsv_id", "E(PSI) per LSV junction": "mean_psi_per_lsv_junction",
           "E(dPSI) per LSV junction": "mean_dpsi_per_lsv_junction", "LSV Type": "lsv_type",
           "Num. Junctions": "num_junctions", "Num. Exons": "num_exons",
           "De Novo Junctions": "de_novo_junctions", "chr": "seqid",
           "Junctions coords": "junctions_coords", "Exons coords": "exons_coords",
           "IR coords": "ir_coords"}
_VOILA1_PROBABILITY = re.compile(r"^P\(\|(?:E\()?dPSI\)?\|(?P<op>[<>]=)[0-9.]+\) per LSV junction$")
_VOILA1_GROUP = re.compile(r"^(?P<group>.+) E\(PSI\)$")
_NA = ("", "NA", "na", "nan", "NaN")
# What each value can be, and the words an out-of-range value's error uses for it; a
# {group}_mean_psi column is a PSI. A value outside is a percentage, a log-odds or a shifted
# column, and stored as it is it would drive the sets and figures without any error.
_PSI_RANGE = (0.0, 1.0, "a PSI, a fraction")
_RANGES = {"mean_psi_per_lsv_junction": _PSI_RANGE,
           "stdev_psi_per_lsv_junction": (0.0, 0.5, "the stdev of a PSI in [0, 1]"),
           "mean_dpsi_per_lsv_junction": (-1.0, 1.0, "a difference of two PSIs"),
           "probability_changing": (0.0, 1.0, "a probability"),
           "probability_non_changing": (0.0, 1.0, "a probability")}


class MajiqError(ValueError):
    """A voila TSV (or folder of them) that cannot be used, with the file, the field and the fix."""


def psi_name(tissue: str) -> str:
    return f"{tissue}.psi.tsv"


def deltapsi_name(first: str, second: str) -> str:
    return f"{first}-{second}.deltapsi.tsv"


# --- writing ----------------------------------------------------------------------------------

def event_junctions(events: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Genomic (start, end) of each event's inclusion (C1->A) and exclusion (C1->C2) junction.

    Returns two (n, 2) int64 arrays: start is the last base of the upstream exon in genome
    order, end the first base of the downstream one (voila's ``junctions_coords``).
    """
    plus = (events.strand == "+").to_numpy()
    c1s, c1e, a_s, a_e, c2s, c2e = (events[c].to_numpy(np.int64) for c in
                                    ("c1_start", "c1_end", "a_start", "a_end", "c2_start", "c2_end"))
    inclusion = np.where(plus[:, None], np.stack([c1e, a_s], 1), np.stack([a_e, c1s], 1))
    exclusion = np.where(plus[:, None], np.stack([c1e, c2s], 1), np.stack([c2e, c1s], 1))
    return inclusion, exclusion


def _joined(*parts) -> np.ndarray:
    """Element-wise ';'-join of equally long string arrays."""
    out = np.asarray(parts[0], dtype=str)
    for part in parts[1:]:
        out = np.char.add(np.char.add(out, ";"), np.asarray(part, dtype=str))
    return out


def _coords(starts: np.ndarray, ends: np.ndarray) -> np.ndarray:
    return np.char.add(np.char.add(starts.astype(str), "-"), ends.astype(str))


@dataclass(frozen=True)
class SourceLSVs:
    """Each event's binary source LSV as voila lists it: junctions C1->A and C1->C2.

    Attributes
    ----------
    columns : DataFrame
        The per-LSV voila columns (gene_name, gene_id, lsv_id, lsv_type, ..., ir_coords).
    inclusion_first : (n,) bool
        Whether the inclusion junction comes first (voila lists junctions in genome order).
    """

    columns: pd.DataFrame
    inclusion_first: np.ndarray


def source_lsvs(events: pd.DataFrame) -> SourceLSVs:
    """The source LSV of every event of an event table, for :func:`write_psi` and
    :func:`write_deltapsi` (built once: it is most of a file's writing time)."""
    inclusion, exclusion = event_junctions(events)
    # Both junctions leave C1, so they share one end; the other end orders them.
    inclusion_first = (inclusion < exclusion).any(axis=1)
    ordered = np.where(inclusion_first[:, None, None], np.stack([inclusion, exclusion], 1),
                       np.stack([exclusion, inclusion], 1))                      # (n, 2, 2)
    exons = np.sort(np.stack([events[[f"{e}_start", f"{e}_end"]].to_numpy(np.int64)
                              for e in ("c1", "a", "c2")], 1), axis=1)            # (n, 3, 2)
    # Both junctions use C1's one 5' site and go to exon 1 (A) or 2 (C2), one site each.
    types = np.where(inclusion_first, "s|1e1.1o1|1e2.1o1", "s|1e2.1o1|1e1.1o1")
    gene = events.gene_id.astype(str).to_numpy()
    columns = pd.DataFrame({
        "gene_name": gene, "gene_id": gene,
        "lsv_id": np.char.add(np.char.add(gene, ":s:"), _coords(events.c1_start.to_numpy(),
                                                                 events.c1_end.to_numpy())),
        "lsv_type": types, "num_junctions": 2, "num_exons": 3, "de_novo_junctions": "0;0",
        "seqid": events.chrom.astype(str).to_numpy(), "strand": events.strand.to_numpy(),
        "junctions_coords": _joined(*(_coords(ordered[:, k, 0], ordered[:, k, 1]) for k in range(2))),
        "exons_coords": _joined(*(_coords(exons[:, k, 0], exons[:, k, 1]) for k in range(3))),
        "ir_coords": "",
    })
    return SourceLSVs(columns, inclusion_first)


def _per_junction(inclusion, exclusion, inclusion_first, fmt: str) -> np.ndarray:
    """'a;b' strings of an inclusion and an exclusion value per LSV, in junction order."""
    inc, exc = np.char.mod(fmt, np.asarray(inclusion)), np.char.mod(fmt, np.asarray(exclusion))
    return _joined(np.where(inclusion_first, inc, exc), np.where(inclusion_first, exc, inc))


def _write_voila(path, table: pd.DataFrame, metadata: dict) -> None:
    # voila 2 opens its TSVs with its metadata as '# '-prefixed JSON lines.
    header = "".join(f"# {line}\n" for line in json.dumps(metadata, sort_keys=True, indent=4).split("\n"))
    with io.atomic_path(path) as tmp:
        with open(tmp, "w") as handle:
            handle.write(header)
            table.to_csv(handle, sep="\t", index=False)


def _with_values(lsvs: SourceLSVs, values: dict) -> pd.DataFrame:
    """voila's column order: the LSV's names, its values, then its shape."""
    return pd.concat([lsvs.columns[list(_LSV)], pd.DataFrame(values), lsvs.columns[list(_SHAPE)]], axis=1)


def write_psi(path, lsvs: SourceLSVs, mean, stdev, metadata: dict) -> None:
    """A voila-style psi TSV: E[PSI] and its stdev, (n,) arrays, of each event's inclusion
    junction (the exclusion junction gets 1 - E[PSI] and the same stdev)."""
    mean, stdev, first = np.asarray(mean, float), np.asarray(stdev, float), lsvs.inclusion_first
    _write_voila(path, _with_values(lsvs, {
        "mean_psi_per_lsv_junction": _per_junction(mean, 1 - mean, first, "%.4f"),
        "stdev_psi_per_lsv_junction": _per_junction(stdev, stdev, first, "%.4f")}), metadata)


def write_deltapsi(path, lsvs: SourceLSVs, groups: tuple[str, str], dpsi, p_changing,
                   p_non_changing, group_psi, metadata: dict) -> None:
    """A voila-style deltapsi TSV for ``groups`` = (first, second).

    ``dpsi`` (n,): E[PSI_second - PSI_first] of the inclusion junction (the exclusion junction
    gets its negative); ``p_changing``, ``p_non_changing`` (n,): P(|dPSI| >= / <= the
    thresholds); ``group_psi`` (n, 2): each group's E[PSI] of the inclusion junction.
    """
    dpsi, group_psi, first = np.asarray(dpsi, float), np.asarray(group_psi, float), lsvs.inclusion_first
    _write_voila(path, _with_values(lsvs, {
        "mean_dpsi_per_lsv_junction": _per_junction(dpsi, -dpsi, first, "%.4f"),
        "probability_changing": _per_junction(p_changing, p_changing, first, "%.3e"),
        "probability_non_changing": _per_junction(p_non_changing, p_non_changing, first, "%.3e"),
        **{f"{g}_mean_psi": _per_junction(group_psi[:, k], 1 - group_psi[:, k], first, "%.4f")
           for k, g in enumerate(groups)}}), metadata)


# --- reading ----------------------------------------------------------------------------------

def _canonical(name: str) -> str:
    """The voila 2 name of a column (MAJIQ 1.x names translated)."""
    if name in _VOILA1:
        return _VOILA1[name]
    if match := _VOILA1_PROBABILITY.match(name):
        return "probability_changing" if match["op"] == ">=" else "probability_non_changing"
    if match := _VOILA1_GROUP.match(name):
        return f"{match['group']}_mean_psi"
    return name


def _metadata_lines(path: Path) -> int:
    """Leading '#' lines without a tab: voila 2's metadata (MAJIQ 1.x's header itself starts
    with '#Gene Name', but it has tabs)."""
    count = 0
    with open(path) as handle:
        for line in handle:
            if not line.startswith("#") or "\t" in line:
                break
            count += 1
    return count


def _read_table(path, required: tuple[str, ...], kind: str) -> pd.DataFrame:
    path = Path(path)
    if not path.is_file():
        raise MajiqError(f"{path}: no such file; expected a voila {kind} TSV (`voila tsv` on the "
                         f"output of `majiq {kind}`)")
    try:
        table = pd.read_csv(path, sep="\t", skiprows=_metadata_lines(path), dtype=str,
                            keep_default_na=False)
    except (pd.errors.ParserError, pd.errors.EmptyDataError, UnicodeDecodeError) as err:
        raise MajiqError(f"{path}: cannot be read as a voila {kind} TSV ({err})") from None
    table = table.rename(columns=_canonical)
    for column in required:
        if column not in table.columns:
            raise MajiqError(
                f"{path}: missing column {column!r}. `voila tsv` of MAJIQ/Voila >= 2.0 writes it "
                f"for a {kind} voila file (from `majiq {kind}`); MAJIQ 1.x names are read too. "
                f"The file has columns {list(table.columns)}")
    return table


def _numbers(raw: pd.Series, path, column: str, lsv_ids: pd.Series) -> np.ndarray:
    """The per-junction values of ``column`` as floats ('NA' -> NaN), refused when not a
    number or outside the column's range (:data:`_RANGES`)."""
    values = pd.to_numeric(raw, errors="coerce")
    bad = values.isna() & ~raw.isin(_NA)
    if bad.any():
        i = bad.to_numpy().nonzero()[0][0]
        raise MajiqError(f"{path}: LSV {lsv_ids.iloc[i]!r}: field {column}={raw.iloc[i]!r} is not a "
                         f"number; per-junction values are numbers separated by ';'")
    low, high, meaning = _RANGES.get(column, _PSI_RANGE)
    outside = ~values.between(low, high) & values.notna()
    if outside.any():
        i = outside.to_numpy().nonzero()[0][0]
        raise MajiqError(f"{path}: LSV {lsv_ids.iloc[i]!r}: field {column}={raw.iloc[i]!r} is outside "
                         f"[{low:g}, {high:g}], the range of {meaning}; write the file with `voila tsv` "
                         f"(a percentage must be divided by 100) and check that the columns are not "
                         f"shifted against the header")
    return values.to_numpy(float)


def _junction_table(table: pd.DataFrame, path, values: list[str]) -> pd.DataFrame:
    """One row per LSV junction: lsv_id, seqid, strand, junction_start, junction_end,
    junction (its index in the LSV) and each of ``values`` as float."""
    coords = table.junctions_coords.str.split(";")
    n = coords.str.len()
    split = {}
    for column in values:
        split[column] = table[column].str.split(";")
        bad = split[column].str.len() != n
        if bad.any():
            row = table[bad].iloc[0]
            raise MajiqError(f"{path}: LSV {row.lsv_id!r}: field {column} has "
                             f"{len(split[column][bad].iloc[0])} ';'-separated values but "
                             f"junctions_coords has {n[bad].iloc[0]} junctions; give one value per junction")
    long = pd.DataFrame({"lsv_id": table.lsv_id, "seqid": table.seqid, "strand": table.strand,
                         "junctions_coords": coords, **split}).explode(["junctions_coords", *values],
                                                                       ignore_index=True)
    ends = long.junctions_coords.str.split("-", n=1, expand=True).reindex(columns=[0, 1])
    start, end = (pd.to_numeric(ends[k], errors="coerce") for k in (0, 1))
    bad = start.isna() | end.isna() | (start % 1 != 0) | (end % 1 != 0)
    if bad.any():
        row = long[bad].iloc[0]
        raise MajiqError(f"{path}: LSV {row.lsv_id!r}: junctions_coords entry {row.junctions_coords!r} "
                         f"is not 'start-end' with integer coordinates")
    # A junction joins the last base of one exon to the first base of the next, 1-based.
    bad = (start < 1) | (end <= start)
    if bad.any():
        row = long[bad].iloc[0]
        raise MajiqError(f"{path}: LSV {row.lsv_id!r}: junctions_coords entry {row.junctions_coords!r} "
                         f"is not a junction: need 1 <= start < end (the last base of the upstream "
                         f"exon, then the first base of the downstream exon, 1-based)")
    out = long[["lsv_id", "seqid", "strand"]].assign(
        junction_start=start.to_numpy(np.int64), junction_end=end.to_numpy(np.int64),
        junction=long.groupby("lsv_id", sort=False).cumcount().to_numpy())
    for column in values:
        out[column] = _numbers(long[column].astype(str), path, column, long.lsv_id)
    return out


def read_psi(path) -> pd.DataFrame:
    """Read a voila psi TSV into one row per LSV junction.

    Returns a DataFrame with lsv_id, seqid, strand, junction_start, junction_end, junction
    (index within the LSV), mean_psi_per_lsv_junction and, when present,
    stdev_psi_per_lsv_junction (floats; 'NA' -> NaN).
    """
    table = _read_table(path, PSI_REQUIRED, "psi")
    return _junction_table(table, path, [c for c in PSI_VALUES if c in table.columns])


def read_deltapsi(path) -> pd.DataFrame:
    """Read a voila deltapsi TSV into one row per LSV junction.

    Returns a DataFrame with lsv_id, seqid, strand, junction_start, junction_end, junction,
    mean_dpsi_per_lsv_junction (E[PSI_second - PSI_first]), probability_changing,
    probability_non_changing and every ``{group}_mean_psi`` column (floats).
    """
    table = _read_table(path, DPSI_REQUIRED, "deltapsi")
    groups = [c for c in table.columns if c.endswith("_mean_psi")]
    return _junction_table(table, path, list(DPSI_VALUES) + groups)


def _match(events: pd.DataFrame, junctions: pd.DataFrame, path) -> np.ndarray:
    """(n,) row of ``junctions`` holding each event's inclusion junction, in an LSV that also
    holds its exclusion junction; -1 where there is none."""
    inclusion, exclusion = event_junctions(events)
    keys = ["seqid", "strand", "junction_start", "junction_end"]
    table = junctions[keys + ["lsv_id"]].assign(row=np.arange(len(junctions)))

    def located(pairs):
        query = pd.DataFrame({"event": np.arange(len(events)), "seqid": events.chrom.astype(str).to_numpy(),
                              "strand": events.strand.astype(str).to_numpy(),
                              "junction_start": pairs[:, 0], "junction_end": pairs[:, 1]})
        return query.merge(table, on=keys)

    both = located(inclusion).merge(located(exclusion)[["event", "lsv_id"]], on=["event", "lsv_id"])
    both = both.sort_values(["event", "row"]).drop_duplicates("event")
    rows = np.full(len(events), -1)
    rows[both.event.to_numpy()] = both.row.to_numpy()
    # Constitutive exons have no alternative junction, so a real voila file need not hold
    # them: the cassette events (all events of a table without any) are the ones it must.
    cassette = events.event_type.eq("cassette").to_numpy()
    judged = cassette if cassette.any() else np.ones(len(events), bool)
    require_matches(int((rows[judged] >= 0).sum()), int(judged.sum()),
                    f"{'cassette ' if cassette.any() else ''}events to a source LSV", path,
                    *join_fix(junctions, events), error=MajiqError)
    return rows


def join_fix(junctions: pd.DataFrame, events: pd.DataFrame) -> tuple[str, str]:
    """The field and the fix of a voila file whose junctions do not meet an event table's:
    ``seqid`` when the two share no chromosome name, else the junction coordinates; with an
    example of each side's spelling."""
    if set(junctions.seqid.astype(str)) & set(events.chrom.astype(str)):
        coords = junctions.junction_start.astype(str) + "-" + junctions.junction_end.astype(str)
        return ("seqid, strand, junctions_coords",
                f"the file's junctions (e.g. {examples(coords)}) must join the events' exons: "
                f"'start-end' from the last base of one exon to the first base of the next, "
                f"1-based, on the event's strand; quantify the event table's own annotation "
                f"(its GTF) with MAJIQ on the same genome assembly")
    return ("seqid",
            f"the file says {examples(junctions.seqid)}, the event table's chrom says "
            f"{examples(events.chrom)}; rename the seqid column of the voila file (or the event "
            f"table's chrom column) so that both name chromosomes alike")


def _take(junctions: pd.DataFrame, rows: np.ndarray, column: str) -> np.ndarray:
    # Row -1 (no matching LSV) picks the NaN appended at the end.
    return np.append(junctions[column].to_numpy(float), np.nan)[rows]


def _missing(majiq_dir: Path, expected: dict) -> None:
    absent = {what: names for what, names in expected.items()
              if not any((majiq_dir / name).is_file() for name in names)}
    if absent:
        listing = "; ".join(f"{what}: {' or '.join(names)}" for what, names in absent.items())
        raise MajiqError(f"{majiq_dir}: missing voila TSV(s) -- {listing}. Write them with "
                         f"`voila tsv` on the output of `majiq psi` per tissue and "
                         f"`majiq deltapsi -n <first> <second>` per tissue pair")


def event_psi(events: pd.DataFrame, majiq_dir, tissues) -> np.ndarray:
    """(n, T) E[PSI] of each event's inclusion junction per tissue; NaN where no LSV matches."""
    majiq_dir = Path(majiq_dir)
    _missing(majiq_dir, {t: [psi_name(t)] for t in tissues})
    out = np.full((len(events), len(tissues)), np.nan)
    for k, tissue in enumerate(tissues):
        path = majiq_dir / psi_name(tissue)
        junctions = read_psi(path)
        out[:, k] = _take(junctions, _match(events, junctions, path), "mean_psi_per_lsv_junction")
    return out


def event_dpsi(events: pd.DataFrame, majiq_dir, tissues) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """dPSI between every two tissues, from the deltapsi TSVs.

    Returns
    -------
    dpsi : (n, T, T)
        dpsi[i, a, b] = E[PSI_a - PSI_b] of event i's inclusion junction; antisymmetric.
    p_changing : (n, T, T)
        P(|dPSI| >= the changing threshold the files were made with); symmetric, 0 on the diagonal.
    p_non_changing : (n, T, T)
        P(|dPSI| <= the non-changing threshold); symmetric, 1 on the diagonal.
    NaN where an event has no matching LSV. A pair's file may be named in either order.
    """
    majiq_dir = Path(majiq_dir)
    pairs = list(combinations(range(len(tissues)), 2))
    names = {(a, b): [deltapsi_name(tissues[a], tissues[b]), deltapsi_name(tissues[b], tissues[a])]
             for a, b in pairs}
    _missing(majiq_dir, {f"{tissues[a]} vs {tissues[b]}": names[a, b] for a, b in pairs})
    n, t = len(events), len(tissues)
    dpsi, p_changing, p_non_changing = np.zeros((n, t, t)), np.zeros((n, t, t)), np.zeros((n, t, t))
    p_non_changing[:, np.arange(t), np.arange(t)] = 1.0
    for a, b in pairs:
        # The file's value is E[PSI_second - PSI_first]; orient it as (first, second).
        name = next(nm for nm in names[a, b] if (majiq_dir / nm).is_file())
        first, second = (a, b) if name == names[a, b][0] else (b, a)
        junctions = read_deltapsi(majiq_dir / name)
        rows = _match(events, junctions, majiq_dir / name)
        value = _take(junctions, rows, "mean_dpsi_per_lsv_junction")
        dpsi[:, second, first], dpsi[:, first, second] = value, -value
        for array, column in ((p_changing, "probability_changing"),
                              (p_non_changing, "probability_non_changing")):
            array[:, a, b] = array[:, b, a] = _take(junctions, rows, column)
    return dpsi, p_changing, p_non_changing


def changing_calls(dpsi: np.ndarray, p_change: np.ndarray, dpsi_min: float, probability: float) -> np.ndarray:
    """(n, T, T) bool: MAJIQ's call that a tissue pair changes: P(|dPSI| >= ``dpsi_min``) >=
    ``probability`` and |E[dPSI]| >= ``dpsi_min``; NaN, an unquantified pair,
    does not."""
    with np.errstate(invalid="ignore"):
        return (p_change >= probability) & (np.abs(dpsi) >= dpsi_min)
