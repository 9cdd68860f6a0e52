"""The name each figure has in the report: the paper's ("Fig. 2a", "Supp. Fig. S4") or, for a
figure beyond the paper, its own label. The rules label report items with it and the report
test reads the report back with it."""
from __future__ import annotations

import re

__all__ = ["BEYOND_PAPER", "figure_label"]

BEYOND_PAPER = {
    "ground_truth": "Ground truth",
    "mnist_readings": "Readings of Algorithm 1",
    "splicing_readings": "Readings of Algorithm 1",
    "sequence_ground_truth": "Ground truth: planted sites",
    "sequence_cost": "Accuracy against cost",
    "sequence_motifs": "Motifs recovered",
    "sequence_rna_map": "Attribution RNA maps",
    "sequence_examples": "Example exons",
    "liver_gia": "Global importance of the regulator",
    "deepresolve_importance": "DeepResolve: channel importance",
    "deepresolve_similarity": "DeepResolve: tissue similarity",
    "deepresolve_motifs": "DeepResolve: channel motifs",
    "gia_rna_map": "GIA: in-silico RNA maps",
    "gia_copies": "GIA: motif copies and spacing",
    "gia_interaction": "GIA: two-motif interaction",
    "gia_gc": "GIA: GC-content control",
    "gia_logos": "GIA: logos",
}


def figure_label(name: str) -> str:
    """fig2a -> "Fig. 2a", figS4 -> "Supp. Fig. S4", or the label of a figure beyond the paper."""
    if name in BEYOND_PAPER:
        return BEYOND_PAPER[name]
    supplementary, number = re.fullmatch(r"fig(S?)(\w+)", name).groups()
    return f"Supp. Fig. S{number}" if supplementary else f"Fig. {number}"
