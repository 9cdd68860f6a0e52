"""eigflow: Enhanced Integrated Gradients (Jha et al., Genome Biology 2020) for PyTorch.

Four paths (O-L-IG, H-L-IG, O-N-IG, H-N-IG), the paper's six baselines and two for one-hot
sequences (uniform, dinucleotide-shuffle), and the paper's significance test (Algorithm 1)::

    res = eigflow.attribute(model, samples, path="H-L-IG", baseline="median",
                            reference=ref_points, autoencoder=ae, target=5)
    table = eigflow.significance(res.attributions, null.attributions)

Tensors in give tensors out (arrays in, arrays out), computed in the model's dtype on its
device. Paths and baselines are registries (:data:`PATHS`, :data:`BASELINES`) that
:func:`register_path` and :func:`register_baseline` extend; ``baseline=`` also takes a
function of the samples. Needs torch, numpy, scipy and pandas; the extras ``kmeans``
(scikit-learn: the k-means baseline), ``ann`` (pynndescent: approximate graphs), ``progress``
(tqdm: ``progress=True``) and ``sequence`` (tangermeme: the dinucleotide-shuffle baseline) are
imported only where they are used.
"""
from .attribute import Attribution, attribute, simple_gradients
from .autoencoder import Confined
from .baselines import BASELINES, BaselineSpec, register_baseline, select_baselines
from .graph import GraphDisconnectedError, NeighborGraph
from .paths import PATHS, PathSpec, register_path
from .significance import significance

__all__ = [
    "Attribution", "attribute", "simple_gradients", "Confined",
    "PATHS", "PathSpec", "register_path",
    "BASELINES", "BaselineSpec", "register_baseline", "select_baselines",
    "GraphDisconnectedError", "NeighborGraph", "significance",
]
__version__ = "0.1.0"
