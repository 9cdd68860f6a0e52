"""DeepResolve's findings (:mod:`.deepresolve`) scored against the planted program.

* Channels: each tissue's top channels (largest |OFIV| of its E[PSI] output: a repressor
  active in the tissue lowers E[PSI], so its channel is negative) name the RBP of their
  motif's best Tomtom match when q < ``Q`` (:data:`.discovery.Q`). Precision: the share of the
  RBPs named that are *active* in the tissue (activity, the program's expression relative to
  the RBP's highest tissue, at least ``ACTIVE``); recall: the share of the active RBPs named.
* Tissue similarity: the program's tissues are alike when the same regulators act in them,
  so a tissue's profile is each RBP's activity there times its summed |effect| (what a site
  can move inclusion by); the program's similarity of two tissues is the correlation of their
  profiles, and the Spearman correlation over the pairs of tissues compares it to the model's
  (004's class similarity of the E[PSI] outputs).
"""
from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.stats import spearmanr

from .discovery import Q

__all__ = ["ACTIVE", "CHANNEL_COLUMNS", "RECOVERY_COLUMNS", "SIMILARITY_COLUMNS", "output_names",
           "channel_table", "program_similarity", "similarity_table", "top_channels", "recovery"]

ACTIVE = 0.5
CHANNEL_COLUMNS = ["output", "channel", "ofiv", "il", "category", "rbp", "p", "q"]
SIMILARITY_COLUMNS = ["tissue_a", "tissue_b", "model_similarity", "program_similarity", "spearman"]
RECOVERY_COLUMNS = ["tissue", "top_channels", "named", "active", "precision", "recall"]


def output_names(tissues, contrast_tissues) -> list[str]:
    """The CNN's outputs in order: ``psi <tissue>`` per tissue, ``changes <tissue>`` per contrast."""
    return [f"psi {t}" for t in tissues] + [f"changes {t}" for t in contrast_tissues]


def channel_table(ofiv, il, inconsistent, outputs, matches: pd.DataFrame) -> pd.DataFrame:
    """One row per output and channel: OFIV, IL, category (additive / non-additive) and the
    channel's motif match (``matches``: one row per channel, columns target, p, q)."""
    n_outputs, n_channels = np.shape(ofiv)
    table = pd.DataFrame({
        "output": np.repeat(list(outputs), n_channels), "channel": np.tile(np.arange(n_channels), n_outputs),
        "ofiv": np.ravel(ofiv), "il": np.ravel(il),
        "category": np.where(np.ravel(inconsistent), "non-additive", "additive"),
        "rbp": np.tile(matches["target"].to_numpy(), n_outputs), "p": np.tile(matches["p"].to_numpy(), n_outputs),
        "q": np.tile(matches["q"].to_numpy(), n_outputs)})
    return table[CHANNEL_COLUMNS]


def _profiles(program, tissues) -> np.ndarray:
    strength = np.array([sum(abs(e) for e in r.effects.values()) for r in program], dtype=float)
    return (program.activities(list(tissues)) * strength[:, None]).T  # (tissues, RBPs)


def program_similarity(program, tissues) -> np.ndarray:
    """(T, T) correlation of the tissues' regulator profiles (module docstring)."""
    return np.corrcoef(_profiles(program, tissues))


def similarity_table(model, program_sim, tissues) -> pd.DataFrame:
    """Every pair of tissues (a before b) with the model's and the program's similarity, and
    the Spearman correlation of the two over the pairs (the same in every row)."""
    a, b = np.triu_indices(len(tissues), k=1)
    table = pd.DataFrame({"tissue_a": np.asarray(tissues)[a], "tissue_b": np.asarray(tissues)[b],
                          "model_similarity": np.asarray(model)[a, b],
                          "program_similarity": np.asarray(program_sim)[a, b]})
    kept = table.dropna()
    rho = spearmanr(kept.model_similarity, kept.program_similarity).statistic if len(kept) > 2 else np.nan
    return table.assign(spearman=rho)[SIMILARITY_COLUMNS]


def top_channels(channels: pd.DataFrame, tissue: str, top: int) -> pd.DataFrame:
    """The rows of :func:`channel_table` of ``tissue``'s ``top`` channels by |OFIV| of its E[PSI]."""
    mine = channels[channels.output == f"psi {tissue}"]
    return mine.iloc[np.argsort(-mine.ofiv.abs().to_numpy(), kind="stable")[:top]]


def recovery(channels: pd.DataFrame, program, tissues, top: int, q: float = Q) -> pd.DataFrame:
    """Per tissue: its ``top`` channels by |OFIV| of ``psi <tissue>``, the RBPs they name
    (q < ``q``), the active RBPs, precision and recall (NaN when nothing is named / active)."""
    activity = program.activities(list(tissues))
    names = np.array(program.names())
    rows = []
    for k, tissue in enumerate(tissues):
        best = top_channels(channels, tissue, top)
        named = list(dict.fromkeys(best.rbp[best.q < q]))
        active = list(names[activity[:, k] >= ACTIVE])
        hits = len(set(named) & set(active))
        rows.append({"tissue": tissue, "top_channels": ",".join(map(str, best.channel)),
                     "named": ",".join(named), "active": ",".join(active),
                     "precision": hits / len(named) if named else np.nan,
                     "recall": hits / len(active) if active else np.nan})
    return pd.DataFrame(rows, columns=RECOVERY_COLUMNS)
