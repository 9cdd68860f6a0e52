"""The method registry: every attribution method an arm can run, with its label and colour.

A method is either an EIG combination ``"{path}.{baseline}"`` of the library's registries
(:data:`eigflow.PATHS` x :data:`eigflow.BASELINES`, so a path or baseline registered there
is a method here at once), or an extra explainer of :data:`EXPLAINERS` (simple gradients,
Deep SHAP, and the sequence arm's genomics toolbox: ISM, DeepLIFT/SHAP, expected gradients,
Captum's IG, geodesic IG) that an arm's adapter implements; each arm names the explainers it
runs (``names(EXPLAINED)``), so registering one here adds it to no arm. Rules, the config
check, figures and tests all read this module; nothing else lists methods. An arm runs the
baselines made for its inputs (:func:`baselines`): the MNIST and splicing arms, whose inputs
are not one-hot sequences, run those made for any input.

Order (of every table and figure): the explainers marked ``first``, then the EIG grid grouped
by baseline with the paths in the registry's order within each group, then the others.
"""
from __future__ import annotations

from dataclasses import dataclass

from eigflow import BASELINES, PATHS
from eigflow.baselines import INPUTS

__all__ = ["Explainer", "EXPLAINERS", "SIMPLE_GRADIENTS", "DEEP_SHAP", "ISM", "DEEPLIFT_SHAP",
           "EXPECTED_GRADIENTS", "CAPTUM_IG", "GEODESIC_IG", "names", "parse", "label",
           "path_color", "color", "line_style", "check", "order", "baselines", "eig_methods"]


@dataclass(frozen=True)
class Explainer:
    """A method beside EIG's grid: its label, colour and place in the order."""

    label: str
    color: str
    first: bool = False


SIMPLE_GRADIENTS, DEEP_SHAP = "simple-gradients", "deep-shap"
# The genomics toolbox (eigflow_arms.sequence.toolbox), coloured from tab10's hues that the
# path palette below and the two greys above do not use.
ISM, DEEPLIFT_SHAP, EXPECTED_GRADIENTS = "ism", "deeplift-shap", "expected-gradients"
CAPTUM_IG, GEODESIC_IG = "captum-ig", "geodesic-ig"
EXPLAINERS: dict[str, Explainer] = {
    SIMPLE_GRADIENTS: Explainer("simple gradients", "#9e9e9e", first=True),
    DEEP_SHAP: Explainer("Deep SHAP", "#252525"),
    ISM: Explainer("ISM", "#1f77b4"),
    DEEPLIFT_SHAP: Explainer("DeepLIFT/SHAP", "#d62728"),
    EXPECTED_GRADIENTS: Explainer("expected gradients", "#17becf"),
    CAPTUM_IG: Explainer("Captum IG", "#8c564b"),
    GEODESIC_IG: Explainer("geodesic IG", "#bcbd22"),
}

# Colours and line styles go by position in the library's registries, so a registered path or
# baseline is drawn without anyone keeping a second list in step. The first four colours are
# the paper's paths (H-L-IG: its orange, Fig. 3f); the line styles outnumber the library's
# eight baselines by two, so a plugin's baselines get styles of their own.
_PATH_PALETTE = ("#1b9e77", "#d95f02", "#7570b3", "#e7298a", "#66a61e", "#e6ab02", "#a6761d")
_BASELINE_STYLES = (":", "--", "-.", "-", (0, (5, 1.5)), (0, (1, 1.5)), (0, (3, 1, 1, 1)),
                    (0, (1, 3)), (0, (8, 2)), (0, (3, 1, 1, 1, 1, 1)))


def baselines(inputs: str = "any") -> list[str]:
    """The registered baselines made for ``inputs`` (``"any"`` or ``"one-hot"``, as
    :attr:`eigflow.BaselineSpec.inputs`), in the registry's order: those made for any input,
    and, for ``"one-hot"``, those made for one-hot sequences."""
    if inputs not in INPUTS:
        raise ValueError(f"unknown inputs {inputs!r}; valid inputs are: {', '.join(INPUTS)}")
    return [name for name, spec in BASELINES.items() if spec.inputs in ("any", inputs)]


_baselines_for = baselines  # eig_methods' argument `baselines` hides the function


def eig_methods(paths=None, baselines=None, inputs: str = "any") -> list[str]:
    """``"{path}.{baseline}"`` ids, grouped by baseline (default: every registered path, and
    every baseline made for ``inputs``)."""
    paths = list(PATHS) if paths is None else list(paths)
    baselines = _baselines_for(inputs) if baselines is None else list(baselines)
    return [f"{path}.{baseline}" for baseline in baselines for path in paths]


def names(explainers=tuple(EXPLAINERS)) -> list[str]:
    """Every method id in table order: ``explainers`` around the whole EIG grid."""
    first = [e for e in explainers if EXPLAINERS[e].first]
    return first + eig_methods() + [e for e in explainers if not EXPLAINERS[e].first]


def parse(method: str) -> tuple[str | None, str | None]:
    """(path, baseline) of a method id; (None, None) for an explainer.

    Raises
    ------
    ValueError
        For an id that is neither an explainer nor a registered path and baseline.
    """
    if method in EXPLAINERS:
        return None, None
    path, _, baseline = method.partition(".")
    if path not in PATHS or baseline not in BASELINES:
        raise ValueError(
            f"unknown method {method!r}: expected one of {', '.join(EXPLAINERS)} or "
            f"'<path>.<baseline>' with path in {', '.join(PATHS)} and baseline in {', '.join(BASELINES)}")
    return path, baseline


def label(method: str) -> str:
    """Human-readable name: ``"median H-L-IG"``, ``"simple gradients"``, ``"Deep SHAP"``."""
    if method in EXPLAINERS:
        return EXPLAINERS[method].label
    path, baseline = parse(method)
    return f"{baseline} {path}"


def path_color(path: str) -> str:
    return _PATH_PALETTE[list(PATHS).index(path) % len(_PATH_PALETTE)]


def color(method: str) -> str:
    """The colour of a method: its path's, or the explainer's own."""
    if method in EXPLAINERS:
        return EXPLAINERS[method].color
    return path_color(parse(method)[0])


def line_style(method: str):
    """A method's baseline's line style ("-" for explainers)."""
    if method in EXPLAINERS:
        return "-"
    baseline = parse(method)[1]
    return _BASELINE_STYLES[list(BASELINES).index(baseline) % len(_BASELINE_STYLES)]


def check(method: str, key: str) -> str:
    """``method``, or a ValueError naming the config ``key`` that gave it and the valid ids."""
    try:
        parse(method)
    except ValueError as err:
        raise ValueError(f"config {key}: {err}") from None
    return method


def order(methods) -> list[str]:
    """``methods`` in table order (unknown ids last, in their given order)."""
    rank = {m: i for i, m in enumerate(names())}
    return sorted(methods, key=lambda m: rank.get(m, len(rank)))
