"""``attribute``: EIG attributions for a batch of samples, any path, any baseline.

The call is Captum's (``IntegratedGradients.attribute``) with EIG's choices added: torch
tensors in give tensors out, on the samples' device; NumPy arrays in give arrays out.
Gradients run in the model's dtype, where the model lives unless ``device`` says
otherwise; a module moved for the call is moved back afterwards.
"""
from __future__ import annotations

import contextlib
import logging
from dataclasses import dataclass

import numpy as np
import torch

from ._checks import as_float_array, as_float_tensor, check_choice, check_count, check_feature_shape
from .autoencoder import check_autoencoder, module_device, module_dtype
from .baselines import BASELINES, select_baselines
from .graph import NeighborGraph
from .integrate import completeness_error, gradients, not_finite, target_range_of, trapezoid
from .paths import PATHS, PathSpec
from .progress import Progress

log = logging.getLogger(__name__)

# Path points per gradient batch when the caller does not choose: whole paths, about
# BATCH_POINTS of them, never more than BATCH_BYTES of inputs. MLPs reach their peak
# FLOP/s from ~500 points on; convolutional models lose up to 2x above it as activations fall
# out of cache (at 1 thread, the MNIST CNN: 3.3k points/s in batches of 128, 1.6k in 12,000).
BATCH_POINTS = 512
BATCH_BYTES = 64 * 2**20


def default_batch_size(n_steps: int, d: int, itemsize: int = 4) -> int:
    """Path points per gradient batch for paths of ``n_steps`` points in ``d`` features of
    ``itemsize`` bytes."""
    return max(n_steps, min(BATCH_POINTS, BATCH_BYTES // (itemsize * d)))


@dataclass
class Attribution:
    """What :func:`attribute` returns: torch tensors on the samples' device if the samples
    were a tensor, else NumPy arrays.

    Attributes
    ----------
    attributions : (s, *shape)
        Per-sample attributions averaged over baselines.
    completeness_error : (s,) float64
        |sum(attributions) - (F(x) - mean_b F(x'_b))|.
    baselines : (s, b, *shape)
        The baseline points used for each sample.
    output : (s,)
        F(x).
    baseline_output : (s, b)
        F(x'_b).
    per_baseline : (s, b, *shape)
        Attributions from each baseline before averaging.
    """

    attributions: np.ndarray | torch.Tensor
    completeness_error: np.ndarray | torch.Tensor
    baselines: np.ndarray | torch.Tensor
    output: np.ndarray | torch.Tensor
    baseline_output: np.ndarray | torch.Tensor
    per_baseline: np.ndarray | torch.Tensor


def attribute(model, samples, path: str | PathSpec = "O-L-IG", baseline="zero", reference=None,
              n_baselines: int = 3, n_steps: int = 250, autoencoder=None,
              neighbors: NeighborGraph | None = None, target=None, batch_size: int | None = None,
              device=None, seed: int = 0, label: str = "", progress: bool = False) -> Attribution:
    """Enhanced Integrated Gradients of ``model`` at ``samples``.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Maps (m, *shape) to (m,) or (m, k).
    samples : (s, *shape) tensor or array
        A tensor gives tensors back, on its device; anything else gives NumPy arrays.
    path : str or PathSpec
        A name in :data:`eigflow.PATHS` ("O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG", or one added
        by :func:`eigflow.register_path`), or a :class:`eigflow.PathSpec` itself.
    baseline : str, tensor, array or callable
        A name in :data:`eigflow.BASELINES` (chosen by :func:`eigflow.select_baselines`);
        explicit points, (b, *shape) shared by all samples or (s, b, *shape) per sample; or
        a function ``baseline(samples, n=n_baselines, seed=seed)`` returning such points
        (e.g. shuffles of each sample), called with the validated ``samples``: a tensor in
        the computation's dtype and device if ``samples`` is one, else an array.
    reference : (m, *shape) array, optional
        Reference class for the group-specific baselines.
    n_baselines : int
        Baseline points per sample; attributions are averaged over them.
    n_steps : int
        Points per path, both ends included (the paper uses 250; see figS4).
    autoencoder : object with ``encode`` and ``decode``, optional
        Required by latent paths (H-*) and the encoded-zero baseline.
    neighbors : NeighborGraph, optional
        Required by graph paths, built in the path's space: input space for O-N-IG, latent
        space for H-N-IG.
    target : int or (s,) ints, optional
        Output column to explain; None for single-output models.
    batch_size : int, optional
        Path points per gradient batch (bounded memory); by default :func:`default_batch_size`.
    device : str or torch.device, optional
        Where gradients run; by default where the model's parameters are (a plain callable:
        where ``samples`` are, else the CPU). Torch modules (model, autoencoder) elsewhere
        are moved there for the call and moved back afterwards.
    seed : int
        Seed of the random, k-means and dinucleotide-shuffle baselines.
    label : str
        Prefix of the progress lines logged to the ``eigflow`` logger.
    progress : bool
        Also show a tqdm progress bar (``pip install eigflow[progress]``).

    Notes
    -----
    Gradients are computed in the model's dtype (its floating parameters'; a plain
    callable: that of a floating ``samples`` tensor, else float32), and so are the returned
    attributions.
    """
    spec = path if isinstance(path, PathSpec) else PATHS[check_choice(path, "path", PATHS)]
    n_steps = check_count(n_steps, "n_steps", 2, "both path ends")
    n_baselines = check_count(n_baselines, "n_baselines", 1)
    batch_size = None if batch_size is None else check_count(batch_size, "batch_size", 1)
    dtype, dev = _computation(model, samples, device)
    x = as_float_tensor(samples, "samples", dtype, dev, 2)
    s, shape = len(x), tuple(x.shape[1:])
    d = int(np.prod(shape))
    if spec.needs_autoencoder and autoencoder is None:
        raise ValueError(f"path {spec.name!r} runs through an autoencoder's latent space: pass `autoencoder`")
    if autoencoder is not None:
        check_autoencoder(autoencoder)
    if spec.needs_graph:
        _check_graph(spec, neighbors, shape)
    targets = _targets(target, s, dev)
    target_range = None if targets is None else target_range_of(targets)

    with _moved_to(dev, model, autoencoder):
        base = _baselines(baseline, x, isinstance(samples, torch.Tensor), reference, n_baselines,
                          autoencoder, seed)
        n_b = base.shape[1]
        # Pairs are sample-major: pair p joins baseline p % n_b to sample p // n_b.
        starts, ends = base.reshape(s * n_b, d), x.reshape(s, d)
        pair_target = None if targets is None else targets.repeat_interleave(n_b)
        route = neighbors.routes(_host(base), _host(x)) if spec.needs_graph else None
        if batch_size is None:
            batch_size = default_batch_size(n_steps, d, x.element_size())
        pairs_per_batch = max(1, batch_size // n_steps)

        attr = torch.empty((len(starts), d), dtype=dtype, device=dev)
        f_start = torch.empty(len(starts), dtype=dtype, device=dev)
        f_end = torch.empty(len(starts), dtype=dtype, device=dev)
        with Progress(s, "samples", log, label=label or spec.name, points_per_unit=n_b * n_steps,
                      bar=progress) as tracker:
            for lo in range(0, len(starts), pairs_per_batch):
                hi = min(lo + pairs_per_batch, len(starts))
                a = starts[lo:hi]
                b = ends.index_select(0, torch.arange(lo, hi, device=dev) // n_b)
                vertices = None if route is None else torch.as_tensor(route[lo:hi], device=dev).to(dtype)
                with torch.no_grad():
                    points = spec.points(a, b, n_steps, autoencoder, shape, vertices)
                tgt = None if pair_target is None else pair_target[lo:hi].repeat_interleave(n_steps)
                grads, value = gradients(model, points.reshape(-1, d), tgt, shape, target_range)
                grads, value = grads.reshape(hi - lo, n_steps, d), value.reshape(hi - lo, n_steps)
                bad = not_finite(grads, value)
                if bad.any():
                    pair, point = divmod(int(torch.nonzero(bad.reshape(-1))[0]), n_steps)
                    raise FloatingPointError(
                        f"the model's output or gradient is NaN/inf at point {point} of {n_steps} "
                        f"(0 = baseline, {n_steps - 1} = sample) on the path to sample {(lo + pair) // n_b} "
                        f"from its baseline {(lo + pair) % n_b}; the model must be finite between the "
                        "baselines and the samples")
                attr[lo:hi] = trapezoid(grads, points)
                f_start[lo:hi] = value[:, 0]
                f_end[lo:hi] = value[:, -1]
                tracker.advance(hi // n_b - lo // n_b)

    # Arrays in, arrays out: one transfer here, and the same NumPy reductions as ever.
    attr, f_start, f_end, base = _returned(samples, attr, f_start, f_end, base)
    per_baseline = attr.reshape(s, n_b, *shape)
    mean_attr = per_baseline.mean(1)
    output = f_end.reshape(s, n_b)[:, 0]
    baseline_output = f_start.reshape(s, n_b)
    return Attribution(
        attributions=mean_attr,
        completeness_error=completeness_error(mean_attr, output, baseline_output),
        baselines=base.reshape(s, n_b, *shape),
        output=output,
        baseline_output=baseline_output,
        per_baseline=per_baseline,
    )


def simple_gradients(model, samples, target=None, batch_size: int | None = None, device=None):
    """Gradient x input at each sample, the paper's weakest comparison: (s, *shape).

    ``samples``, ``target``, ``batch_size`` (samples per batch) and ``device`` as in
    :func:`attribute`: a tensor in gives a tensor out, and gradients run in the model's
    dtype, where it lives.
    """
    batch_size = None if batch_size is None else check_count(batch_size, "batch_size", 1)
    dtype, dev = _computation(model, samples, device)
    x = as_float_tensor(samples, "samples", dtype, dev, 2)
    shape, d = tuple(x.shape[1:]), int(np.prod(x.shape[1:]))
    targets = _targets(target, len(x), dev)
    target_range = None if targets is None else target_range_of(targets)
    batch_size = batch_size or default_batch_size(1, d, x.element_size())
    flat = x.reshape(len(x), d)
    out = torch.empty_like(flat)
    with _moved_to(dev, model):
        for lo in range(0, len(x), batch_size):
            pts = flat[lo:lo + batch_size]
            tgt = None if targets is None else targets[lo:lo + batch_size]
            grads, value = gradients(model, pts, tgt, shape, target_range)
            bad = not_finite(grads, value)
            if bad.any():
                raise FloatingPointError(f"the model's output or gradient is NaN/inf at sample "
                                         f"{lo + int(torch.nonzero(bad)[0])}")
            out[lo:lo + len(pts)] = grads * pts
    (out,) = _returned(samples, out)
    return out.reshape(x.shape)


def _computation(model, samples, device) -> tuple[torch.dtype, torch.device]:
    """The dtype and device gradients run in: the model's, unless ``device`` is given."""
    dtype = module_dtype(model)
    if dtype is None:
        floating = isinstance(samples, torch.Tensor) and samples.is_floating_point()
        dtype = samples.dtype if floating else torch.float32
    if device is None:
        device = module_device(model) or (samples.device if isinstance(samples, torch.Tensor) else "cpu")
    try:
        # "cuda" and the "cuda:0" its tensors report must compare equal.
        return dtype, torch.empty(0, device=device).device
    except (RuntimeError, AssertionError) as err:
        raise ValueError(f"`device`={device!r} is not available here ({err}); pass a device torch can "
                         "use, or None to run where the model is") from err


@contextlib.contextmanager
def _moved_to(device: torch.device, *modules):
    """Run with the torch modules among ``modules`` on ``device``; put each back afterwards."""
    moved = []
    try:
        for module in modules:
            home = module_device(module)
            if home is not None and home != device:
                moved.append((module, home))
                module.to(device)
        yield
    finally:
        for module, home in moved:
            module.to(home)


def _returned(samples, *tensors):
    """``tensors`` as the caller gets them: on the samples' device if those were a tensor,
    else as NumPy arrays."""
    if isinstance(samples, torch.Tensor):
        return [t.to(samples.device) for t in tensors]
    return [t.cpu().numpy() for t in tensors]


def _host(tensor: torch.Tensor) -> np.ndarray:
    return tensor.detach().cpu().numpy()


def _baselines(baseline, x: torch.Tensor, tensor_in: bool, reference, n: int, autoencoder,
               seed: int) -> torch.Tensor:
    """(s, b, d) baseline points, in ``x``'s dtype and device, from any form of ``baseline``."""
    shape = tuple(x.shape[1:])
    if isinstance(baseline, str):
        check_choice(baseline, "baseline", BASELINES)
        if reference is not None:
            check_feature_shape(as_float_array(reference, "reference", 2), "reference", shape)
        baseline = select_baselines(baseline, reference, n, samples=_host(x), autoencoder=autoencoder,
                                    seed=seed)
    elif callable(baseline):
        baseline = baseline(x if tensor_in else _host(x), n=n, seed=seed)
    base = as_float_tensor(baseline, "baseline", x.dtype, x.device, 2)
    if base.ndim == x.ndim:
        check_feature_shape(base, "baseline", shape)
        base = base[None].expand(len(x), *base.shape)
    else:
        check_feature_shape(base, "baseline", shape, leading=2)
        if len(base) != len(x):
            raise ValueError(f"per-sample `baseline` has {len(base)} rows for {len(x)} samples")
    return base.reshape(len(x), base.shape[1], -1).contiguous()


def _targets(target, n: int, device: torch.device) -> torch.Tensor | None:
    """(n,) long tensor of output columns on ``device``, or None."""
    if target is None:
        return None
    try:
        t = torch.as_tensor(target, device=device)
    except (TypeError, ValueError, RuntimeError):
        t = None
    if t is None or t.is_floating_point() or t.is_complex() or t.dtype == torch.bool or t.ndim > 1 \
            or t.ndim == 1 and len(t) != n:
        got = f"shape {tuple(t.shape)} of {t.dtype}" if t is not None else type(target).__name__
        raise ValueError(f"`target` must be an int or {n} ints (one per sample); got {got}")
    return t.long().expand(n)


def _check_graph(spec: PathSpec, graph, shape) -> None:
    if not isinstance(graph, NeighborGraph):
        raise ValueError(f"path {spec.name!r} needs `neighbors`: an eigflow.NeighborGraph of training points")
    if graph.space != spec.space:
        how = "NeighborGraph(points, autoencoder=ae)" if spec.space == "latent" else "no autoencoder"
        raise ValueError(f"path {spec.name!r} needs a NeighborGraph built in {spec.space} space ({how}); "
                         f"`neighbors` was built in {graph.space} space")
    if tuple(graph.shape) != tuple(shape):
        raise ValueError(f"`neighbors` was built on points of shape {tuple(graph.shape)}, "
                         f"samples have shape {tuple(shape)}")
