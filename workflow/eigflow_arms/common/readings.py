"""Readings of Algorithm 1: the choices the paper's text leaves open, as one value each.

A :class:`Reading` names which output the null set's attributions explain
(:data:`eigflow_arms.common.shards.NULL_TARGETS`), the per-sample score the t-test compares
(:data:`eigflow.significance.NORMALISATIONS`) and the Bonferroni level; :data:`FOLLOWS` gives
the sentence of the paper (or of the authors' code) each value follows. Every arm's
significance table is computed under the reading its config chooses
(``<arm>.significance``); the readings figures compute every reading on the same
attributions, so that the choice is made on measurements.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from itertools import product

import pandas as pd
from eigflow.significance import NORMALISATIONS, significance

from .shards import NULL_TARGETS, attributed_name

ALPHAS = (0.05, 0.01)
FOLLOWS = {
    ("null_target", "interest"): "Algorithm 1 as written: the random set explains the class of interest's output",
    ("null_target", "own"): "each random sample explains its own class's output (a model with an output per class)",
    ("normalise", "none"): 'Methods: "the absolute value of the attributions"',
    ("normalise", "share"): "|attribution| as a share of the sample's total (removes the output's scale)",
    ("normalise", "rank"): "Results: \"the relative ranking of a feature's attribution across samples\"",
    ("alpha", 0.05): 'legends and the authors\' eig 0.1.4: "Bonferroni adjusted p value <= 0.05"',
    ("alpha", 0.01): 'Methods: "Bonferroni correction with family-wise error rate (FWER) of 0.01"',
}
# contrast -> the sample set tested against the null set (both under the reading's null target)
CONTRASTS = {"interest": "interest", "calibration": "null2"}


@dataclass(frozen=True)
class Reading:
    """One reading of Algorithm 1; the defaults are the reading every arm can run and the one
    the workflow chooses from the readings figures (config/README.md says why)."""

    null_target: str = "interest"
    normalise: str = "share"
    alpha: float = 0.05

    def __post_init__(self):
        for key, valid in (("null_target", NULL_TARGETS), ("normalise", NORMALISATIONS)):
            if getattr(self, key) not in valid:
                raise ValueError(f"{key} is {getattr(self, key)!r}; choose one of {', '.join(valid)}")

    @property
    def label(self) -> str:
        return f"null: {self.null_target} · {self.normalise} · p_adj <= {self.alpha:g}"

    def as_dict(self) -> dict:
        return asdict(self)

    def tested_set(self, contrast: str) -> str:
        """The attributed set a contrast tests (``interest`` explains its own class always)."""
        rows = CONTRASTS[contrast]
        return rows if rows == "interest" else attributed_name(rows, self.null_target)

    @property
    def null_set(self) -> str:
        return attributed_name("null", self.null_target)

    def table(self, sets: dict, groups=None, log=None, name: str = "") -> pd.DataFrame:
        """Algorithm 1 for every contrast that ``sets`` (attributed set -> (s, ...) attributions)
        allow, in one table with a leading ``contrast`` column."""
        tables = []
        for contrast in CONTRASTS:
            tested = self.tested_set(contrast)
            if tested not in sets:
                continue
            table = significance(sets[tested], sets[self.null_set], groups=groups, alpha=self.alpha,
                                 normalise=self.normalise)
            if log is not None:
                log.info("%s %s (%s): %d of %d features significant", name, contrast, self.label,
                         int(table.significant.sum()), len(table))
            tables.append(table.assign(contrast=contrast))
        table = pd.concat(tables, ignore_index=True)
        return table[["contrast", *table.columns[:-1]]]


def grid(null_targets=NULL_TARGETS) -> list[Reading]:
    """Every reading with a null target of ``null_targets``."""
    return [Reading(t, n, a) for t, n, a in product(null_targets, NORMALISATIONS, ALPHAS)]


def follows(reading: Reading) -> str:
    """What each of the reading's values follows, joined."""
    return "; ".join(FOLLOWS[(key, value)] for key, value in reading.as_dict().items())
