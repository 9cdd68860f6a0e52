"""The genomics attribution toolbox beside EIG, on one-hot RNA: ISM, DeepLIFT/SHAP, expected
gradients, Captum's integrated gradients and geodesic IG.

Every method is a function of one signature, listed in :data:`METHODS` under its method id
(:mod:`eigflow_arms.common.methods`)::

    fn(model, x, *, reference=None, n_steps=..., n_samples=..., seed=0, batch_size=None,
       device="cpu") -> dict

``model`` maps (m, 4, L) to (m,) logits; it is moved to ``device`` for the call and back
afterwards. ``x`` is (s, 4, L) one-hot, channels A, C, G, U, an all-zero column an N. Each
function reads only the arguments it has a use for (its docstring says which), so one call
site runs them all. ``batch_size`` counts points per forward/backward batch (by default
:func:`eigflow.attribute.default_batch_size`'s choice). What comes back is NumPy arrays, as a
shard file stores them:

- ``attributions`` (s, 4, L) float32, elementwise over (channel, position) like EIG's: none is
  projected onto the observed base (multiply by ``x`` for that) and none is gradient-corrected
  (:func:`gradient_correction`: the caller chooses);
- ``evaluations`` (s,) int64: model evaluations spent on each sequence, one per point sent
  forward and one more per point sent backward (a gradient costs 2), diagnostics included;
- ``completeness_error`` (s,) float64, for the methods that promise completeness;
- the method's own arrays, named in its docstring.

Guided IG (``saliency==0.2.1``, ``saliency.core.GuidedIG``) is not here: it does not run under
NumPy 2.4 (``guided_ig_impl`` passes ``interpolation='lower'`` to ``np.quantile``, a keyword
NumPy 2.4 removed: ``TypeError: quantile() got an unexpected keyword argument
'interpolation'`` at its first step).
"""
from __future__ import annotations

import contextlib
import math
import warnings

import numpy as np
import torch
from eigflow.attribute import default_batch_size
from eigflow.autoencoder import module_device, module_dtype
from eigflow.integrate import gradients, output_of
from eigflow_arms.common import methods

from .truth import gradient_correction

__all__ = ["ism", "deeplift_shap", "expected_gradients", "captum_ig", "geodesic_ig",
           "gradient_correction", "METHODS"]

# tangermeme refuses an N in the sequences it explains unless told only to warn; x is checked
# here first (one-hot with Ns), so that one warning says nothing.
_N_REFUSED = "X must be one-hot encoded and cannot have unknown characters"


def ism(model, x, *, reference=None, n_steps=None, n_samples=None, seed: int = 0,
        batch_size: int | None = None, device: str = "cpu") -> dict:
    """In-silico saturation mutagenesis (tangermeme's ``saturation_mutagenesis``).

    ``mutations[i, c, l]`` = F(x_i with base c at l) - F(x_i): the change of the output for
    each single substitution, 0 at the observed base; an N column gets all four bases.
    ``attributions`` is the mean-centred ISM, :func:`gradient_correction` of ``mutations``
    (tangermeme's ``hypothetical=True``): the form every attribution is read in here, the
    observed base's entry minus the others' mean, since the raw form is 0 at every observed
    base and so says nothing through attribution x input. Also ``output``: F(x), (s,) float32.

    Evaluations: 1 + 3 per one-hot position + 4 per N, so 1 + 3L without Ns (tangermeme fills
    the observed base's entry with F(x) rather than evaluate it). Reads ``batch_size`` and
    ``device``.
    """
    from tangermeme.saturation_mutagenesis import saturation_mutagenesis

    seqs = _sequences(x)
    s, _, length = seqs.shape
    # tangermeme's fast path fails on the arm's CNN (it splits its input into four windows),
    # then warns on stderr, past the job's log, and falls back to the plain path: take that.
    with _on(model, device) as dev:
        y0, y_hat = saturation_mutagenesis(_Column(model), torch.from_numpy(seqs), raw_outputs=True,
                                           batch_size=_points(batch_size, 1, seqs), device=dev, fast=False)
    y0, y_hat = y0[:, 0], y_hat[..., 0]
    n_unknown = (seqs.sum(axis=1) == 0).sum(axis=1)
    mutations = _array(y_hat - y0[:, None, None])
    return {"attributions": gradient_correction(mutations), "mutations": mutations,
            "evaluations": (1 + 3 * length + n_unknown).astype(np.int64),
            "output": _array(y0)}


def deeplift_shap(model, x, *, reference=None, n_steps=None, n_samples: int = 20, seed: int = 0,
                  batch_size: int | None = None, device: str = "cpu") -> dict:
    """DeepLIFT (rescale rule) averaged over ``n_samples`` dinucleotide shuffles of each
    sequence: tangermeme's ``deep_lift_shap``.

    The shuffles are tangermeme's ``dinucleotide_shuffle(x, n=n_samples, random_state=[seed] * s,
    allow_N=True)``: a sequence's depend on it and ``seed`` only, not on its row or shard, and
    an N is shuffled as a fifth letter. ``attributions`` = mean_k (x - r_k) * m_k with m_k the
    DeepLIFT multipliers of the pair (x, r_k), so a linear model's are (x - mean_k r_k) *
    weights; tangermeme's default output, projected onto the observed base, is
    ``x * attributions.sum(1, keepdims=True)``. ``completeness_error``:
    |sum(attributions) - (F(x) - mean_k F(r_k))|, rounding only when every nonlinearity has a
    DeepLIFT rule (ReLU modules, each called once per forward pass).

    Evaluations: 5 n_samples + 1: each (sequence, shuffle) pair forward and backward (4
    n_samples), and F at the sequence and at each shuffle for the completeness error. Reads
    ``n_samples``, ``seed``, ``batch_size`` (points: a pair is 2) and ``device``.
    """
    from tangermeme.deep_lift_shap import deep_lift_shap
    from tangermeme.ersatz import dinucleotide_shuffle
    from tangermeme.utils import TangermemeWarning

    seqs = _sequences(x)
    k = _count(n_samples, "n_samples")
    s, _, length = seqs.shape
    points = _points(batch_size, 2, seqs)
    xt = torch.from_numpy(seqs)
    shuffles = dinucleotide_shuffle(xt, n=k, random_state=[seed] * s, allow_N=True)
    with _on(model, device) as dev:
        with warnings.catch_warnings():
            warnings.filterwarnings("ignore", message=_N_REFUSED, category=TangermemeWarning)
            multipliers = deep_lift_shap(_Column(model), xt, references=shuffles, raw_outputs=True,
                                         batch_size=max(1, points // 2), device=dev, only_warn=True)
        out = _outputs(model, torch.cat([xt, shuffles.reshape(s * k, 4, length)]), dev, points)
    attributions = ((xt[:, None] - shuffles) * multipliers).mean(dim=1)
    gap = out[:s] - out[s:].reshape(s, k).mean(dim=1)
    return {"attributions": _array(attributions),
            "evaluations": np.full(s, 5 * k + 1, dtype=np.int64),
            "completeness_error": _completeness(attributions, gap)}


def expected_gradients(model, x, *, reference=None, n_steps=None, n_samples: int = 200,
                       seed: int = 0, batch_size: int | None = None, device: str = "cpu") -> dict:
    """Expected gradients (Erion et al. 2021): E over x' in ``reference`` and alpha ~ U(0, 1) of
    (x - x') * grad F(x' + alpha (x - x')), from ``n_samples`` draws per sequence.

    The draws come from ``numpy.random.default_rng(seed)``, references first, and are returned:
    ``reference_index`` (s, n_samples) int64 rows of ``reference`` and ``alpha`` (s, n_samples)
    float32. No completeness error: the sum of the attributions is F(x) - mean F(reference)
    only in expectation. (Captum's ``GradientShap`` with ``stdevs=0`` is the same estimator,
    with draws it neither takes nor returns.)

    Evaluations: 2 n_samples (a gradient per draw). Reads ``reference`` (m, 4, L), required;
    ``n_samples``, ``seed``, ``batch_size`` and ``device``.
    """
    seqs = _sequences(x)
    ref = _reference(reference, seqs, "expected_gradients")
    m = _count(n_samples, "n_samples")
    s, shape = len(seqs), seqs.shape[1:]
    rng = np.random.default_rng(seed)
    index = rng.integers(0, len(ref), size=(s, m))
    alpha = rng.random((s, m), dtype=np.float32)
    per_batch = max(1, _points(batch_size, m, seqs) // m)
    with _on(model, device) as dev:
        dtype = module_dtype(model) or torch.float32
        xt, rt = (torch.as_tensor(a, dtype=dtype, device=dev) for a in (seqs, ref))
        index_t, alpha_t = torch.as_tensor(index, device=dev), torch.as_tensor(alpha, dtype=dtype, device=dev)
        attributions = torch.empty_like(xt)
        for lo in range(0, s, per_batch):
            hi = min(lo + per_batch, s)
            starts = rt[index_t[lo:hi]]
            diff = xt[lo:hi, None] - starts
            grads, _ = gradients(model, (starts + alpha_t[lo:hi, :, None, None] * diff).reshape((hi - lo) * m, -1),
                                 None, shape)
            attributions[lo:hi] = (grads.reshape(diff.shape) * diff).mean(dim=1)
    return {"attributions": _array(attributions), "evaluations": np.full(s, 2 * m, dtype=np.int64),
            "reference_index": index.astype(np.int64), "alpha": alpha}


def captum_ig(model, x, *, reference=None, n_steps: int = 250, n_samples=None, seed: int = 0,
              batch_size: int | None = None, device: str = "cpu") -> dict:
    """Captum's ``IntegratedGradients`` from the all-zero sequence (all N), the familiar anchor.

    ``method="gausslegendre"``: ``n_steps`` Gauss-Legendre points. Not Captum's
    "riemann_trapezoid", whose weights (1/n, halved at the ends, at points 1/(n - 1) apart) sum
    to 1 - 1/n, so its attributions fall short of F(x) - F(0) by a fraction 1/n_steps.
    ``completeness_error``: Captum's convergence delta, |sum(attributions) - (F(x) - F(0))|.

    Evaluations: 2 n_steps + 2 (a gradient at each point; F(x) and F(0) for the delta).
    Reads ``n_steps``, ``batch_size`` and ``device``.
    """
    from captum.attr import IntegratedGradients

    seqs = _sequences(x)
    n = _count(n_steps, "n_steps", 2)
    with _on(model, device) as dev:
        xt = torch.as_tensor(seqs, dtype=module_dtype(model) or torch.float32, device=dev)
        attributions, delta = IntegratedGradients(model).attribute(
            xt, baselines=torch.zeros_like(xt), n_steps=n, method="gausslegendre",
            internal_batch_size=_points(batch_size, n, seqs), return_convergence_delta=True)
    return {"attributions": _array(attributions), "evaluations": np.full(len(seqs), 2 * n + 2, dtype=np.int64),
            "completeness_error": np.abs(delta.detach().cpu().numpy().astype(np.float64))}


def geodesic_ig(model, x, *, reference=None, n_steps: int = 5, n_samples: int = 10, seed: int = 0,
                batch_size: int | None = None, device: str = "cpu") -> dict:
    """Geodesic IG, k-NN variant (time-interpret's ``tint.attr.GeodesicIntegratedGradients``).

    Integrated gradients from the all-zero sequence along the shortest path through the
    ``n_samples``-nearest-neighbour graph of ``reference`` (the sequences and the baseline joined
    to it), each edge weighted by the gradient norm integrated along it and integrated with
    ``n_steps`` Gauss-Legendre points (the authors' defaults: 5 points, the method). The graph
    and its A* paths are deterministic: ``seed`` is not read. ``completeness_error``: its
    convergence delta, |sum(attributions) - (F(x) - F(0))|.

    Evaluations: every edge of the graph is integrated, whichever paths use it, so the cost is
    shared: each sequence is charged an equal share, ceil(total / s), of the evaluations
    counted as the model is called (2 n_steps per edge, + 2 per sequence for the delta). Reads
    ``reference`` (m, 4, L), required; ``n_samples`` (k), ``n_steps``, ``batch_size`` (points:
    an edge is ``n_steps``) and ``device``.
    """
    from tint.attr import GeodesicIntegratedGradients

    seqs = _sequences(x)
    ref = _reference(reference, seqs, "geodesic_ig")
    k, n = _count(n_samples, "n_samples"), _count(n_steps, "n_steps", 2)
    with _on(model, device) as dev:
        dtype = module_dtype(model) or torch.float32
        xt, rt = (torch.as_tensor(a, dtype=dtype, device=dev) for a in (seqs, ref))
        counted = _Counted(model)
        attributions, delta = GeodesicIntegratedGradients(counted, data=rt, n_neighbors=k).attribute(
            xt, baselines=torch.zeros_like(xt), n_steps=n, method="gausslegendre",
            internal_batch_size=max(1, _points(batch_size, n, seqs) // n), return_convergence_delta=True)
    return {"attributions": _array(attributions),
            "evaluations": np.full(len(seqs), math.ceil(counted.count / len(seqs)), dtype=np.int64),
            "completeness_error": np.abs(delta.detach().cpu().numpy().astype(np.float64))}


METHODS = {
    methods.ISM: ism,
    methods.DEEPLIFT_SHAP: deeplift_shap,
    methods.EXPECTED_GRADIENTS: expected_gradients,
    methods.CAPTUM_IG: captum_ig,
    methods.GEODESIC_IG: geodesic_ig,
}


class _Column(torch.nn.Module):
    """The model with (m, 1) outputs: tangermeme reads a column of (m, n_outputs)."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        # tangermeme puts back the mode it finds on the module it is given, recursively: a new
        # module's default (training) would leave the model in training mode.
        self.training = model.training

    def forward(self, x):
        return self.model(x).reshape(-1, 1)


class _Counted(torch.nn.Module):
    """The model, counting points sent forward and, through its output, backward."""

    def __init__(self, model):
        super().__init__()
        self.model = model
        self.count = 0

    def forward(self, x):
        out = self.model(x)
        self.count += len(x)
        if out.requires_grad:
            out.register_hook(self._backward)
        return out

    def _backward(self, grad):
        self.count += len(grad)


@contextlib.contextmanager
def _on(model, device):
    """Run with ``model`` on ``device`` (yielded as a torch.device); put it back afterwards."""
    dev = torch.empty(0, device=device).device
    home = module_device(model)
    model.to(dev)
    try:
        yield dev
    finally:
        if home is not None:
            model.to(home)


def _sequences(x) -> np.ndarray:
    seqs = np.asarray(x, dtype=np.float32)
    if seqs.ndim != 3 or seqs.shape[1] != 4 or not len(seqs):
        raise ValueError(f"x must be (s, 4, L) one-hot sequences (channels A, C, G, U); got shape {seqs.shape}")
    if not np.isin(seqs, (0.0, 1.0)).all() or (seqs.sum(axis=1) > 1).any():
        raise ValueError("x must be one-hot: 0s and 1s, at most one 1 per position (an all-zero column is an N)")
    return np.ascontiguousarray(seqs)


def _reference(reference, seqs: np.ndarray, method: str) -> np.ndarray:
    if reference is None:
        raise ValueError(f"{method} draws from a reference set: pass `reference`, (m, 4, L) sequences")
    ref = np.asarray(reference, dtype=np.float32)
    if ref.ndim != 3 or ref.shape[1:] != seqs.shape[1:] or not len(ref):
        raise ValueError(f"`reference` must be (m, {', '.join(map(str, seqs.shape[1:]))}) like x's "
                         f"sequences; got shape {ref.shape}")
    return np.ascontiguousarray(ref)


def _count(value, name: str, low: int = 1) -> int:
    if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
        raise ValueError(f"`{name}` must be an int >= {low}; got {value!r}")
    return int(value)


def _points(batch_size, n_points: int, seqs: np.ndarray) -> int:
    """Points per batch: ``batch_size``, or the library's default for ``n_points`` per sequence."""
    if batch_size is not None:
        return _count(batch_size, "batch_size")
    return default_batch_size(n_points, seqs[0].size)


def _outputs(model, points: torch.Tensor, dev: torch.device, batch: int) -> torch.Tensor:
    """F at ``points`` (n, 4, L), in float64 on the CPU."""
    dtype = module_dtype(model) or torch.float32
    with torch.no_grad():
        return torch.cat([output_of(model, points[lo:lo + batch].to(dev, dtype), None).double().cpu()
                          for lo in range(0, len(points), batch)])


def _completeness(attributions: torch.Tensor, gap: torch.Tensor) -> np.ndarray:
    total = attributions.reshape(len(attributions), -1).sum(dim=1, dtype=torch.float64)
    return (total - gap).abs().numpy()


def _array(t: torch.Tensor) -> np.ndarray:
    return t.detach().cpu().numpy().astype(np.float32)
