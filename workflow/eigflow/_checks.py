"""Input checks shared by the public API: every message names the argument and the fix."""
from __future__ import annotations

import importlib

import numpy as np
import torch


def as_float_array(value, name: str, min_ndim: int = 1) -> np.ndarray:
    """Return `value` as a finite float32 array, or raise naming `name`."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=np.float32)
    except (TypeError, ValueError) as err:
        raise TypeError(f"`{name}` must be an array of numbers; got {type(value).__name__}") from err
    if array.ndim < min_ndim:
        raise ValueError(f"`{name}` must have at least {min_ndim} dimension(s); got shape {array.shape}")
    if array.size == 0:
        raise ValueError(f"`{name}` is empty (shape {array.shape}); it needs at least one point")
    bad = ~np.isfinite(array)
    if bad.any():
        rows = np.unique(np.nonzero(bad.reshape(len(array), -1) if array.ndim > 1 else bad)[0])
        raise ValueError(
            f"`{name}` holds {int(bad.sum())} NaN/inf value(s) (first in row(s) {rows[:5].tolist()}); "
            "remove or impute them before attribution"
        )
    return array


def check_choice(value: str, name: str, valid) -> str:
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; valid {name}s are: {', '.join(valid)}")
    return value


def check_feature_shape(array: np.ndarray, name: str, shape: tuple, leading: int = 1) -> None:
    """Raise unless `array` is (`leading` axes, *shape)."""
    if tuple(array.shape[leading:]) != tuple(shape):
        raise ValueError(
            f"`{name}` has points of shape {tuple(array.shape[leading:])} but `samples` has points of "
            f"shape {tuple(shape)}; they must match"
        )


def import_extra(module: str, package: str, extra: str, purpose: str):
    """Import an optional dependency, or raise an ImportError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"{purpose} needs {package}, which eigflow does not install by default: "
                          f"pip install 'eigflow[{extra}]' (or pip install {package})") from err
