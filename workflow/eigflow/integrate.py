"""Gradients along path points, the trapezoidal rule, and the integration-error checks.

For a path sampled at points p_0 = x' ... p_{n-1} = x, the attribution of feature j is the
trapezoidal estimate of the path integral of dF/dx_j dx_j:

    attr_j = sum_i (g_ij + g_{i+1,j}) / 2 * (p_{i+1,j} - p_{ij})

which, on a straight path, is Integrated Gradients with the trapezoidal rule. Completeness
(sum_j attr_j = F(x) - F(x')) holds in the limit; its violation measures the integration
error (paper supp. S4), as does the change when the step size is halved.
"""
from __future__ import annotations

import re
from typing import Callable

import numpy as np
import torch


def output_of(model: Callable, x: torch.Tensor, target, target_range: tuple[int, int] | None = None) -> torch.Tensor:
    """The scalar output F per point: (m,) from a model's (m,) or (m, k) output.

    ``target`` is None (the model's output must be one column), an int column, or an
    (m,) long tensor of per-point columns. It is checked against the model's k before any
    column is read: ``target_range``, (lowest, highest) of all the targets of a call that
    spans many batches, makes a bad target anywhere fail in the first batch.
    """
    out = _call(model, x)
    if not isinstance(out, torch.Tensor):
        hint = " (a tuple: return the one output to explain, e.g. lambda x: model(x)[0])" \
            if isinstance(out, (tuple, list)) else ""
        raise TypeError(f"the model ({_name(model)}) returned a {type(out).__name__}{hint}; it must "
                        "return a tensor of shape (m,) or (m, k) for m points")
    if out.ndim == 0 or len(out) != len(x):
        raise ValueError(f"the model ({_name(model)}) returned shape {tuple(out.shape)} for {len(x)} points; "
                         "it must return (m,) or (m, k) for m points")
    if out.ndim == 1:
        return out
    out = out.reshape(len(out), -1)
    k = out.shape[1]
    if target is None:
        if k != 1:
            raise ValueError(f"the model returns {k} outputs per sample; pass `target` to pick one")
        return out[:, 0]
    if target_range is None:
        target_range = (target, target) if isinstance(target, int) else target_range_of(target)
    low, high = target_range
    if low < 0 or high >= k:
        got = f"`target`={low}" if low == high else f"targets from {low} to {high}"
        raise ValueError(f"{got} out of range for a model with {k} outputs per sample; "
                         f"`target` must be in 0..{k - 1}")
    if isinstance(target, int):
        return out[:, target]
    return out.gather(1, target[:, None])[:, 0]


def _call(model: Callable, x: torch.Tensor):
    """``model(x)``, with a dtype or device clash explained rather than left to torch's words."""
    try:
        return model(x)
    except RuntimeError as err:
        if not re.search(r"dtype|device|scalar type|Input type", str(err)):
            raise
        raise RuntimeError(
            f"the model ({_name(model)}) failed on points of dtype {x.dtype} on {x.device}: {err}. "
            "eigflow runs a torch.nn.Module in the dtype of its parameters, on their device (or on "
            "`device`); a plain callable in float32 (or a floating samples tensor's dtype), on `device` "
            "or the samples' device. Make the model an nn.Module with one dtype and device, or pass "
            "samples and `device` that match what it holds"
        ) from err


def _name(model) -> str:
    return type(model).__name__ if isinstance(model, torch.nn.Module) else getattr(model, "__name__", type(model).__name__)


def target_range_of(target: torch.Tensor) -> tuple[int, int]:
    low, high = torch.aminmax(target)
    return int(low), int(high)


def gradients(model: Callable, points: torch.Tensor, target, shape: tuple,
              target_range: tuple[int, int] | None = None):
    """Gradient of F at flat points (m, d) for a model taking (m, *shape); returns (grads, F).

    ``target`` and ``target_range`` as in :func:`output_of`.
    """
    x = points.detach().reshape(len(points), *shape).requires_grad_(True)
    with torch.enable_grad():
        value = output_of(model, x, target, target_range)
        (grad,) = torch.autograd.grad(value.sum(), x)
    return grad.reshape(len(points), -1), value.detach()


def not_finite(grads: torch.Tensor, value: torch.Tensor) -> torch.Tensor:
    """Points whose output or any gradient is NaN/inf: (...) bool from (..., d) grads and (...) F."""
    return ~(torch.isfinite(value) & torch.isfinite(grads).all(-1))


def trapezoid(grads: torch.Tensor, points: torch.Tensor) -> torch.Tensor:
    """Path integral of (P, n, d) gradients over (P, n, d) points: (P, d) attributions."""
    return ((grads[:, 1:] + grads[:, :-1]) * (points[:, 1:] - points[:, :-1])).sum(dim=1) * 0.5


def completeness_error(attributions, output, baseline_output):
    """|sum_j attr_j - (F(x) - mean_b F(x'_b))| per sample, in float64.

    ``attributions`` (s, *shape) averaged over baselines, ``output`` (s,), ``baseline_output``
    (s, b): all NumPy arrays, or all tensors.
    """
    if isinstance(attributions, torch.Tensor):
        total = attributions.reshape(len(attributions), -1).sum(1, dtype=torch.float64)
        return (total - (output - baseline_output.mean(1))).abs()
    total = attributions.reshape(len(attributions), -1).sum(axis=1, dtype=np.float64)
    return np.abs(total - (output - baseline_output.mean(axis=1)))


def step_halving_change(coarse: np.ndarray, fine: np.ndarray) -> np.ndarray:
    """Relative change of each sample's attributions when the step size is halved.

    ||a_fine - a_coarse|| / ||a_fine|| per sample (0 where the fine attribution is all zero).
    """
    c = coarse.reshape(len(coarse), -1).astype(np.float64)
    f = fine.reshape(len(fine), -1).astype(np.float64)
    norm = np.linalg.norm(f, axis=1)
    return np.divide(np.linalg.norm(f - c, axis=1), norm, out=np.zeros_like(norm), where=norm > 0)
