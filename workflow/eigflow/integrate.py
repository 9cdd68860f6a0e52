"""Gradients along path points, the trapezoidal rule, and the integration-error checks.

For a path sampled at points p_0 = x' ... p_{n-1} = x, the attribution of feature j is the
trapezoidal estimate of the path integral of dF/dx_j dx_j:

    attr_j = sum_i (g_ij + g_{i+1,j}) / 2 * (p_{i+1,j} - p_{ij})

which, on a straight path, is Integrated Gradients with the trapezoidal rule. Completeness
(sum_j attr_j = F(x) - F(x')) holds in the limit; its violation measures the integration
error (paper supp. S4), as does the change when the step size is halved.
"""
from __future__ import annotations

from typing import Callable

import numpy as np
import torch


def output_of(model: Callable, x: torch.Tensor, target) -> torch.Tensor:
    """The scalar output F per point: (m,) from a model's (m,) or (m, k) output.

    ``target`` is None (the model's output must be one column), an int column, or an
    (m,) long tensor of per-point columns.
    """
    out = model(x)
    if out.ndim == 1:
        return out
    out = out.reshape(len(out), -1)
    if target is None:
        if out.shape[1] != 1:
            raise ValueError(
                f"the model returns {out.shape[1]} outputs per sample; pass `target` to pick one")
        return out[:, 0]
    if isinstance(target, int):
        if not 0 <= target < out.shape[1]:
            raise ValueError(f"`target`={target} is out of range for a model with {out.shape[1]} outputs")
        return out[:, target]
    return out.gather(1, target[:, None])[:, 0]


def gradients(model: Callable, points: torch.Tensor, target, shape: tuple):
    """Gradient of F at flat points (m, d) for a model taking (m, *shape); returns (grads, F)."""
    x = points.detach().reshape(len(points), *shape).requires_grad_(True)
    with torch.enable_grad():
        value = output_of(model, x, target)
        (grad,) = torch.autograd.grad(value.sum(), x)
    return grad.reshape(len(points), -1), value.detach()


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
