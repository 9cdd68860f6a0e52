"""What the sequence arm's figures read: each contrast's attributed test exons, every method's
attributions and costs, gathered from the shared stage's shards once per figure job."""
from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from eigflow_arms.common import stage

from .data import one_hot


@dataclass
class Contrast:
    """The attributed exons of one contrast: ``x`` (s, 4, L), ``sites`` (s, R, L), and per method
    its shard arrays (``attributions`` and the costs)."""

    tissue: str
    event_id: np.ndarray
    x: np.ndarray
    sites: np.ndarray
    arrays: dict

    def costs(self) -> dict:
        return {m: {"evaluations_per_sequence": float(np.mean(a["evaluations"])),
                    "seconds_per_sequence": float(np.mean(a["seconds"]))} for m, a in self.arrays.items()}


def contrasts(config: dict, data: dict, shard_files: dict) -> list[Contrast]:
    """Every contrast's :class:`Contrast`: ``shard_files`` maps an arm name (``sequence``,
    ``sequence_liver``) to all of its shards, experiment by experiment."""
    out = []
    for name, files in shard_files.items():
        arm = stage.adapter(name, config)
        arrays = {exp: stage.load_set(paths, "interest") for exp, paths in stage.split_shards(arm, files).items()}
        index = next(iter(arrays.values()))["index"]
        for exp, a in arrays.items():
            if not np.array_equal(a["index"], index):
                raise ValueError(f"{arm.name} {exp}: its shards attribute other exons than the other methods'; "
                                 "rerun its attribution (snakemake --forcerun attribute_shard)")
        out.append(Contrast(arm.tissue, data["event_id"][index], one_hot(data["codes"][index]),
                            data["sites"][index], arrays))
    return out


def by_contrast(tables) -> pd.DataFrame:
    """``(tissue, table)`` pairs as one table with a leading ``contrast`` column."""
    return pd.concat([t.assign(contrast=tissue)[["contrast", *t.columns]] for tissue, t in tables],
                     ignore_index=True)
