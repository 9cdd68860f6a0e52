"""The rule of the house for joins: a reader that matches the records of one file to those of
another says how many it matched, and stops when none, or implausibly few, did.

A join on a misspelt key (chromosome ``1`` against ``chr1``, gene ``A1cf`` against ``A1CF``)
loses records without an error of its own: downstream, empty sets give zero counts, p = 1 and
figures drawn from nothing, and the run ends green. :func:`require_matches` turns that into an
error at the join, naming the file, the field and the fix; every reader calls it, so every
job log reports its joins in the same words.
"""
from __future__ import annotations

import logging

__all__ = ["MIN_FRACTION", "require_matches", "examples"]

log = logging.getLogger(__name__)

# Below this share a join has almost surely failed on its key (real files differ by a few
# scaffolds, not by most of their records), and what little it kept is no sample of the rest.
MIN_FRACTION = 0.1


def require_matches(n_matched: int, n_total: int, what: str, file, field: str, fix: str, *,
                    error: type[Exception] = ValueError, min_fraction: float = MIN_FRACTION) -> None:
    """Log "FILE: matched X of Y WHAT by FIELD"; raise when X is 0 or X / Y < ``min_fraction``.

    Parameters
    ----------
    n_matched, n_total : int
        Records of ``file`` that found a partner, and records there were.
    what : str
        The records, in the plural ("crosslink sites", "cassette events").
    file : path or str
        The file whose records were joined.
    field : str
        The column (or columns) the join is on.
    fix : str
        What to change; name an example of each side's spelling (:func:`examples`).
    error : exception class
        The reader's own error class (``MajiqError``, ``ClipError``, ...).
    min_fraction : float
        The smallest plausible share of matched records.

    Raises
    ------
    error
        With the file, the field, the counts and ``fix``.
    """
    log.info("%s: matched %d of %d %s by %s", file, n_matched, n_total, what, field)
    if n_matched == 0 or n_matched < min_fraction * n_total:
        share = "none" if n_matched == 0 else f"only {n_matched / n_total:.1%}, below {min_fraction:.0%}"
        raise error(f"{file}: field {field}: matched {n_matched} of {n_total} {what} ({share}); {fix}")


def examples(values, n: int = 3) -> str:
    """A few distinct values, quoted, in order of first appearance, and how many there are:
    how an error shows one side's spelling of a key."""
    distinct = list(dict.fromkeys(str(v) for v in values))
    shown = ", ".join(repr(v) for v in distinct[:n])
    return f"{shown} (of {len(distinct)})" if len(distinct) > n else shown or "nothing"
