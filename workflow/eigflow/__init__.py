"""eigflow: Enhanced Integrated Gradients (Jha et al., Genome Biology 2020) for PyTorch.

Four paths (O-L-IG, H-L-IG, O-N-IG, H-N-IG), six baselines, and the paper's significance
test (Algorithm 1)::

    res = eigflow.attribute(model, samples, path="H-L-IG", baseline="median",
                            reference=ref_points, autoencoder=ae, target=5)
    table = eigflow.significance(res.attributions, null.attributions)
"""
from .attribute import Attribution, attribute, simple_gradients
from .baselines import BASELINES, BaselineSpec, register_baseline, select_baselines
from .graph import GraphDisconnectedError, NeighborGraph
from .paths import PATHS, PathSpec, register_path
from .significance import significance

__all__ = [
    "Attribution", "attribute", "simple_gradients", "BASELINES", "BaselineSpec", "register_baseline",
    "select_baselines",
    "GraphDisconnectedError", "NeighborGraph", "PATHS", "PathSpec", "register_path", "significance",
]
__version__ = "0.1.0"
