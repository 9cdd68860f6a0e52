"""The planted regulatory program of the simulated transcriptome.

Each RNA-binding protein (RBP) has a binding motif (IUPAC, RNA), an expression level per
tissue (TPM), and an RNA map: the change in the exon's inclusion log-odds per motif
occurrence in each region around it (:data:`eigflow_arms.splicing.events.REGIONS`). Effects
follow the classic position dependence (Nova, Rbfox, Mbnl, CELF: binding downstream of the
exon enhances inclusion, upstream or inside it represses; A1CF: A/U-rich sites ~200 nt
downstream enhance, as paper Fig. 4c suggests). An RBP's activity in a tissue is its
expression relative to its highest tissue, so only RBPs whose expression differs between
two tissues make exons change between them.

The program is the ground truth that the workflow scores every attribution method against
(:mod:`eigflow_arms.splicing.truth`).
"""
from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

TISSUES = ("hippocampus", "heart", "liver", "lung", "spleen", "thymus")


@dataclass(frozen=True)
class RBP:
    """One regulator of the program.

    Attributes
    ----------
    name : str
    motif : str
        IUPAC binding motif (RNA alphabet); planted as concrete instances.
    expression : dict
        Mean TPM per tissue (all of ``TISSUES``).
    effects : dict
        Inclusion log-odds change per motif occurrence, by region.
    rate : float
        Share of cassette exons given planted sites for this RBP.
    copies : int
        Motif instances planted together (Nova binds clusters of YCAY).
    everywhere : bool
        Planted in constitutive exons too, at the same rate: a ubiquitous regulator then
        shapes inclusion levels without marking alternative exons (a hard negative).
    source : str
        Where the motif and the tissue pattern come from.
    """

    name: str
    motif: str
    expression: dict
    effects: dict
    rate: float = 0.25
    copies: int = 2
    everywhere: bool = False
    source: str = ""

    def activity(self) -> np.ndarray:
        """(T,) expression in each of ``TISSUES`` relative to the highest."""
        tpm = np.array([self.expression[t] for t in TISSUES], dtype=float)
        return tpm / tpm.max()


def _tpm(high: float, low: float, where: tuple[str, ...]) -> dict:
    return {t: (high if t in where else low) for t in TISSUES}


PROGRAM: tuple[RBP, ...] = (
    RBP("NOVA", "YCAY", _tpm(60, 1, ("hippocampus",)),
        {"I2_5": 0.30, "I1_3": -0.25, "A": -0.20}, rate=0.3, copies=4,
        source="Ule et al. 2006 Nature (Nova RNA map, YCAY clusters); brain-restricted"),
    RBP("RBFOX", "UGCAUG", {**_tpm(40, 2, ("hippocampus",)), "heart": 25},
        {"I2_5": 0.8, "I1_3": -0.6}, rate=0.25, copies=2,
        source="Jin et al. 2003 EMBO J; Yeo et al. 2009 (UGCAUG downstream enhances); brain and muscle"),
    RBP("PTBP1", "UCUUC", {**_tpm(50, 50, ()), "hippocampus": 6},
        {"I1_3": -0.35, "A": -0.2}, rate=0.3, copies=3,
        source="Xue et al. 2009 Mol Cell (PTB RNA map); low in neurons"),
    RBP("MBNL", "UGCUUG", _tpm(45, 6, ("heart",)),
        {"I2_5": 0.6, "I1_3": -0.5}, rate=0.2, copies=2,
        source="Wang et al. 2012 Cell (MBNL RNA map, YGCY); heart and muscle"),
    RBP("CELF", "UGUGUG", _tpm(35, 5, ("heart",)),
        {"I2_5": 0.5, "I1_5": 0.2}, rate=0.2, copies=2,
        source="Kalsotra et al. 2008 PNAS (CELF1 UGU-rich); heart"),
    RBP("A1CF", "UAAUUA", _tpm(80, 0.5, ("liver",)),
        {"I2_5": 0.7, "I1_3": -0.3}, rate=0.25, copies=2,
        source="Blanc et al. 2010 (A1CF A/U-rich binding); Nikolaou et al. 2019 (liver splicing)"),
    RBP("ESRP1", "UGGUGG", {**_tpm(30, 2, ("lung",)), "thymus": 10},
        {"I2_5": 0.6, "I1_3": -0.4}, rate=0.2, copies=2,
        source="Warzecha et al. 2010 EMBO J (ESRP RNA map, UGG-rich); epithelial"),
    RBP("HNRNPLL", "ACACAC", {**_tpm(25, 2, ("thymus",)), "spleen": 15},
        {"A": -0.5, "I1_3": -0.3}, rate=0.2, copies=2,
        source="Oberdoerffer et al. 2008 Science (hnRNPLL, CA-repeats); lymphoid"),
    RBP("SRSF1", "GAAGAA", _tpm(70, 70, ()),
        {"A": 0.5}, rate=0.3, copies=2, everywhere=True,
        source="Tacke & Manley 1995 (SF2/ASF purine-rich exonic enhancer); ubiquitous"),
    RBP("HNRNPA1", "UAGGGA", _tpm(90, 90, ()),
        {"A": -0.5, "I1_3": -0.2}, rate=0.25, copies=2, everywhere=True,
        source="Burd & Dreyfuss 1994 EMBO J (UAGGGA/U); ubiquitous"),
)


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


def rbp(name: str) -> RBP:
    """The program's RBP called ``name``."""
    for r in PROGRAM:
        if r.name == name:
            return r
    raise KeyError(f"no RBP {name!r} in the program; it has {[r.name for r in PROGRAM]}")


def activities() -> np.ndarray:
    """(R, T) activity of every RBP in every tissue."""
    return np.stack([r.activity() for r in PROGRAM])


def differential_rbps(tissue: str, min_change: float = 0.3) -> list[str]:
    """RBPs whose activity in ``tissue`` differs by at least ``min_change`` from some other
    tissue's: every regulator that can make an exon change between ``tissue`` and another."""
    t = TISSUES.index(tissue)
    act = activities()
    return [r.name for r, a in zip(PROGRAM, act) if np.abs(a[t] - np.delete(a, t)).max() >= min_change]


def specific_rbps(tissue: str, min_change: float = 0.3) -> list[str]:
    """RBPs whose activity in ``tissue`` differs by at least ``min_change`` from the median of
    the other tissues: the regulators that set ``tissue`` apart (Nova and Rbfox for brain)."""
    t = TISSUES.index(tissue)
    act = activities()
    return [r.name for r, a in zip(PROGRAM, act) if abs(a[t] - np.median(np.delete(a, t))) >= min_change]
