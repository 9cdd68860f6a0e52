"""``attribute``: EIG attributions for a batch of samples, any path, any baseline."""
from __future__ import annotations

import logging
from dataclasses import dataclass

import numpy as np
import torch

from ._checks import as_float_array, check_choice, check_feature_shape
from .autoencoder import module_device
from .baselines import BASELINES, select_baselines
from .graph import NeighborGraph
from .integrate import completeness_error, gradients, trapezoid
from .paths import PATHS, PathSpec
from .progress import Progress

log = logging.getLogger(__name__)

# Path points per gradient batch when the caller does not choose: whole paths, about
# BATCH_POINTS of them, never more than BATCH_BYTES of float32 inputs. MLPs reach their peak
# FLOP/s from ~500 points on; convolutional models lose up to 2x above it as activations fall
# out of cache (at 1 thread, the MNIST CNN: 3.3k points/s in batches of 128, 1.6k in 12,000).
BATCH_POINTS = 512
BATCH_BYTES = 64 * 2**20


def default_batch_size(n_steps: int, d: int) -> int:
    """Path points per gradient batch for paths of ``n_steps`` points in ``d`` features."""
    return max(n_steps, min(BATCH_POINTS, BATCH_BYTES // (4 * d)))


@dataclass
class Attribution:
    """What :func:`attribute` returns.

    Attributes
    ----------
    attributions : (s, *shape) array
        Per-sample attributions averaged over baselines.
    completeness_error : (s,) array
        |sum(attributions) - (F(x) - mean_b F(x'_b))|.
    baselines : (s, b, *shape) array
        The baseline points used for each sample.
    output : (s,) array
        F(x).
    baseline_output : (s, b) array
        F(x'_b).
    per_baseline : (s, b, *shape) array
        Attributions from each baseline before averaging.
    """

    attributions: np.ndarray
    completeness_error: np.ndarray
    baselines: np.ndarray
    output: np.ndarray
    baseline_output: np.ndarray
    per_baseline: np.ndarray


def attribute(model, samples, path: str | PathSpec = "O-L-IG", baseline="zero", reference=None,
              n_baselines: int = 3, n_steps: int = 250, autoencoder=None,
              neighbors: NeighborGraph | None = None, target=None, batch_size: int | None = None,
              device=None, seed: int = 0, label: str = "") -> Attribution:
    """Enhanced Integrated Gradients of ``model`` at ``samples``.

    Parameters
    ----------
    model : torch.nn.Module or callable
        Maps (m, *shape) to (m,) or (m, k).
    samples : (s, *shape) array
    path : str or PathSpec
        A name in :data:`eigflow.PATHS` ("O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG", or one added
        by :func:`eigflow.register_path`), or a :class:`eigflow.PathSpec` itself.
    baseline : str, array or callable
        A name in :data:`eigflow.BASELINES` (chosen by :func:`eigflow.select_baselines`);
        explicit points, (b, *shape) shared by all samples or (s, b, *shape) per sample; or
        a function ``baseline(samples, n=n_baselines, seed=seed)`` returning such points
        (e.g. shuffles of each sample), called with the validated ``samples``.
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
        Where gradients run; torch modules (model, autoencoder) are moved there. By default
        CUDA when PyTorch sees a GPU, else the model's own device.
    seed : int
        Seed of the random and k-means baselines.
    label : str
        Prefix of the progress lines logged to the ``eigflow`` logger.
    """
    spec = path if isinstance(path, PathSpec) else PATHS[check_choice(path, "path", PATHS)]
    x = as_float_array(samples, "samples", 2)
    shape, d = x.shape[1:], int(np.prod(x.shape[1:]))
    if n_steps < 2:
        raise ValueError(f"`n_steps` must be >= 2 (both path ends); got {n_steps}")
    if spec.needs_autoencoder and autoencoder is None:
        raise ValueError(f"path {spec.name!r} runs through an autoencoder's latent space: pass `autoencoder`")
    if spec.needs_graph:
        _check_graph(spec, neighbors, shape)

    if isinstance(baseline, str):
        check_choice(baseline, "baseline", BASELINES)
        if reference is not None:
            check_feature_shape(as_float_array(reference, "reference", 2), "reference", shape)
        baseline = select_baselines(baseline, reference, n_baselines, samples=x,
                                    autoencoder=autoencoder, seed=seed)
    elif callable(baseline):
        baseline = baseline(x, n=n_baselines, seed=seed)
    base = as_float_array(baseline, "baseline", 2)
    if base.ndim == x.ndim:
        check_feature_shape(base, "baseline", shape)
        base = np.broadcast_to(base[None], (len(x), *base.shape))
    else:
        check_feature_shape(base, "baseline", shape, leading=2)
        if len(base) != len(x):
            raise ValueError(f"per-sample `baseline` has {len(base)} rows for {len(x)} samples")
    n_b = base.shape[1]
    targets = _targets(target, len(x))

    dev = _place(device, model, autoencoder)
    if batch_size is None:
        batch_size = default_batch_size(n_steps, d)
    pairs_per_batch = max(1, batch_size // n_steps)

    # Pairs are sample-major: pair p joins baseline p % n_b to sample p // n_b.
    starts = base.reshape(len(x) * n_b, d).copy()  # a writable copy: torch shares its memory
    ends = np.repeat(x.reshape(len(x), d), n_b, axis=0)
    pair_target = None if targets is None else np.repeat(targets, n_b)
    route = neighbors.routes(base, x) if spec.needs_graph else None

    attr = np.empty((len(starts), d), dtype=np.float32)
    f_start = np.empty(len(starts), dtype=np.float32)
    f_end = np.empty(len(starts), dtype=np.float32)
    progress = Progress(len(x), "samples", log, label=label or spec.name, points_per_unit=n_b * n_steps)
    for lo in range(0, len(starts), pairs_per_batch):
        hi = min(lo + pairs_per_batch, len(starts))
        a = torch.as_tensor(starts[lo:hi], device=dev)
        b = torch.as_tensor(ends[lo:hi], device=dev)
        with torch.no_grad():
            points = spec.points(a, b, n_steps, autoencoder, shape,
                                 None if route is None else torch.as_tensor(route[lo:hi], device=dev))
        tgt = None
        if pair_target is not None:
            tgt = torch.as_tensor(np.repeat(pair_target[lo:hi], n_steps), device=dev)
        grads, value = gradients(model, points.reshape(-1, d), tgt, shape)
        grads, value = grads.reshape(hi - lo, n_steps, d), value.reshape(hi - lo, n_steps)
        attr[lo:hi] = trapezoid(grads, points).cpu().numpy()
        f_start[lo:hi] = value[:, 0].cpu().numpy()
        f_end[lo:hi] = value[:, -1].cpu().numpy()
        progress.advance(hi // n_b - lo // n_b)

    per_baseline = attr.reshape(len(x), n_b, *shape)
    mean_attr = per_baseline.mean(axis=1)
    output = f_end.reshape(len(x), n_b)[:, 0]
    baseline_output = f_start.reshape(len(x), n_b)
    return Attribution(
        attributions=mean_attr,
        completeness_error=completeness_error(mean_attr, output, baseline_output),
        baselines=np.ascontiguousarray(base).reshape(len(x), n_b, *shape),
        output=output,
        baseline_output=baseline_output,
        per_baseline=per_baseline,
    )


def simple_gradients(model, samples, target=None, batch_size: int | None = None, device=None) -> np.ndarray:
    """Gradient x input at each sample, the paper's weakest comparison: (s, *shape).

    ``target``, ``batch_size`` (samples per batch) and ``device`` as in :func:`attribute`.
    """
    x = as_float_array(samples, "samples", 2)
    shape, d = x.shape[1:], int(np.prod(x.shape[1:]))
    dev = _place(device, model)
    targets = _targets(target, len(x))
    batch_size = batch_size or default_batch_size(1, d)
    out = np.empty((len(x), d), dtype=np.float32)
    for lo in range(0, len(x), batch_size):
        pts = torch.as_tensor(x[lo:lo + batch_size].reshape(-1, d), device=dev)
        tgt = None if targets is None else torch.as_tensor(targets[lo:lo + batch_size], device=dev)
        grads, _ = gradients(model, pts, tgt, shape)
        out[lo:lo + len(pts)] = (grads * pts).cpu().numpy()
    return out.reshape(x.shape)


def _place(device, *modules) -> torch.device:
    """Resolve the device (explicit, else CUDA if present, else the model's) and move modules there."""
    if device is None:
        device = "cuda" if torch.cuda.is_available() else (module_device(modules[0]) or "cpu")
    device = torch.device(device)
    for module in modules:
        if isinstance(module, torch.nn.Module):
            module.to(device)
    return device


def _targets(target, n: int):
    if target is None:
        return None
    if isinstance(target, (int, np.integer)):
        return np.full(n, int(target), dtype=np.int64)
    t = np.asarray(target)
    if t.shape != (n,) or not np.issubdtype(t.dtype, np.integer):
        raise ValueError(f"`target` must be an int or {n} ints (one per sample); got shape {t.shape}")
    return t.astype(np.int64)


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
