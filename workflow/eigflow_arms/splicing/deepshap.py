"""Deep SHAP attributions (shap's DeepExplainer), the paper's comparison method for splicing codes.

The model must be a torch module with one output per row whose nonlinearities are modules,
each run once per forward pass (see :mod:`eigflow_arms.splicing.models`): DeepExplainer
rewrites their gradients through hooks. By completeness, each sample's SHAP values sum to
f(x) - mean f(background); :func:`additivity_gap` measures how far they are from it.
"""
from __future__ import annotations

import logging

import numpy as np
import torch
from eigflow._checks import as_float_array
from eigflow.autoencoder import module_device
from torch import nn

__all__ = ["additivity_gap", "deep_shap"]

log = logging.getLogger(__name__)


class _Column(nn.Module):
    """Reshape a model's (n,) or (n, 1) output to the (n, 1) that DeepExplainer expects."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.model(x).reshape(len(x), -1)


def _tensor(model: nn.Module, x: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x, dtype=np.float32), device=module_device(model) or "cpu")


@torch.no_grad()
def _outputs(model: nn.Module, x: np.ndarray) -> np.ndarray:
    return model(_tensor(model, x)).reshape(len(x)).double().cpu().numpy()


def additivity_gap(model: nn.Module, samples, background, values) -> np.ndarray:
    """Per sample, |sum(values) - (f(x) - mean f(background))|: (s,) float64."""
    model.eval()
    target = _outputs(model, samples) - _outputs(model, background).mean()
    return np.abs(np.asarray(values, dtype=np.float64).reshape(len(samples), -1).sum(1) - target)


def deep_shap(model: nn.Module, samples, background, batch_size: int = 50) -> np.ndarray:
    """SHAP values of a single-output model by DeepExplainer.

    Parameters
    ----------
    model : nn.Module
        (n, d) float32 -> (n,) or (n, 1); put in eval mode, run on its own device.
    samples : (s, d) array
        Points to explain.
    background : (b, d) array
        Reference points; each sample costs a forward/backward pass over 2b rows.
    batch_size : int
        Samples per progress line.

    Returns
    -------
    (s, d) float32 array
        The SHAP values. The largest :func:`additivity_gap` is logged instead of running shap's
        own additivity check, which would abort a long run over float32 rounding.
    """
    import shap

    samples = as_float_array(samples, "samples", min_ndim=2)
    background = as_float_array(background, "background", min_ndim=2)
    model = _Column(model).eval()
    with torch.no_grad():
        width = model(_tensor(model, background[:1])).shape[1]
    if width != 1:
        raise ValueError(f"deep_shap explains one output per row; the model has {width}")
    explainer = shap.DeepExplainer(model, _tensor(model, background))
    parts, worst = [], 0.0
    try:
        for start in range(0, len(samples), batch_size):
            batch = samples[start:start + batch_size]
            values = np.asarray(explainer.shap_values(_tensor(model, batch), check_additivity=False),
                                dtype=np.float32).reshape(batch.shape)
            worst = max(worst, float(additivity_gap(model, batch, background, values).max()))
            parts.append(values)
            log.info("deep_shap %d/%d samples, max additivity gap %.3g", start + len(batch), len(samples), worst)
    finally:
        _drop_hook_tensors(model)
    return np.concatenate(parts)


def _drop_hook_tensors(model: nn.Module) -> None:
    """Remove the x/y inputs and outputs that shap's hooks register as parameters on nested
    leaf modules and only clean up under top-level containers; left in place they would
    enter the model's state_dict."""
    for module in model.modules():
        if not any(module.children()):
            for name in {"x", "y"} & set(module._parameters):
                delattr(module, name)
