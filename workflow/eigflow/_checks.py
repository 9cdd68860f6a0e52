"""Input checks shared by the public API: every message names the argument and the fix."""
from __future__ import annotations

import importlib

import numpy as np
import torch


def as_float_array(value, name: str, min_ndim: int = 1, dtype=np.float32) -> np.ndarray:
    """Return `value` as a finite float array (float32 unless `dtype`), or raise naming `name`."""
    if isinstance(value, torch.Tensor):
        value = value.detach().cpu().numpy()
    try:
        array = np.asarray(value, dtype=dtype)
    except (TypeError, ValueError) as err:
        raise TypeError(f"`{name}` must be an array of numbers; got {type(value).__name__}") from err
    _check_size(array.shape, name, min_ndim)
    bad = ~np.isfinite(array)
    if bad.any():
        rows = np.unique(np.nonzero(bad.reshape(len(array), -1) if array.ndim > 1 else bad)[0])
        _raise_not_finite(name, int(bad.sum()), rows[:5].tolist())
    return array


def as_float_tensor(value, name: str, dtype: torch.dtype, device: torch.device, min_ndim: int = 1) -> torch.Tensor:
    """Return `value` (tensor or array-like) as a finite tensor of `dtype` on `device`, or raise
    naming `name`. A tensor is checked where it lives; nothing else leaves the device."""
    if not isinstance(value, torch.Tensor):
        array = as_float_array(value, name, min_ndim, np.float64 if dtype == torch.float64 else np.float32)
        # torch warns on (and must not write to) read-only arrays such as broadcast views.
        return torch.from_numpy(array if array.flags.writeable else array.copy()).to(device=device, dtype=dtype)
    if value.is_complex() or value.dtype == torch.bool:
        raise TypeError(f"`{name}` must be a tensor of real numbers; got dtype {value.dtype}")
    _check_size(tuple(value.shape), name, min_ndim)
    tensor = value.detach().to(device=device, dtype=dtype)
    bad = ~torch.isfinite(tensor)
    if bad.any():
        rows = torch.nonzero(bad.reshape(len(tensor), -1).any(1) if tensor.ndim > 1 else bad)[:5, 0]
        _raise_not_finite(name, int(bad.sum()), rows.tolist())
    return tensor


def _check_size(shape: tuple, name: str, min_ndim: int) -> None:
    if len(shape) < min_ndim:
        raise ValueError(f"`{name}` must have at least {min_ndim} dimension(s); got shape {shape}")
    if np.prod(shape) == 0:
        raise ValueError(f"`{name}` is empty (shape {shape}); it needs at least one point")


def _raise_not_finite(name: str, count: int, rows: list) -> None:
    raise ValueError(f"`{name}` holds {count} NaN/inf value(s) (first in row(s) {rows}); "
                     "remove or impute them before attribution")


def check_count(value, name: str, minimum: int, why: str = "") -> int:
    """Return `value` as an int >= `minimum`, or raise naming `name` (bools and 2.5 are refused)."""
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"`{name}` must be an int >= {minimum}; got {value!r} ({type(value).__name__})")
    if value < minimum:
        raise ValueError(f"`{name}` must be >= {minimum}{f' ({why})' if why else ''}; got {value}")
    return int(value)


def check_choice(value: str, name: str, valid) -> str:
    if value not in valid:
        raise ValueError(f"unknown {name} {value!r}; valid {name}s are: {', '.join(valid)}")
    return value


def check_feature_shape(array, name: str, shape: tuple, leading: int = 1) -> None:
    """Raise unless `array` (array or tensor) is (`leading` axes, *shape)."""
    if tuple(array.shape[leading:]) != tuple(shape):
        raise ValueError(
            f"`{name}` has points of shape {tuple(array.shape[leading:])} but `samples` has points of "
            f"shape {tuple(shape)}; they must match"
        )


def check_spec(spec, **callables) -> None:
    """Raise unless a registry entry (PathSpec, BaselineSpec) has a name and its callables are callable."""
    if not isinstance(spec.name, str) or not spec.name:
        raise ValueError(f"a {type(spec).__name__} needs a non-empty str `name`; got {spec.name!r}")
    for field, value in callables.items():
        if not callable(value):
            raise TypeError(f"{type(spec).__name__} {spec.name!r}: `{field}` must be callable; "
                            f"got {type(value).__name__}")


def check_spec_choice(spec, field: str, valid) -> None:
    """Raise unless a registry entry's ``field`` holds one of ``valid``."""
    value = getattr(spec, field)
    if value not in valid:
        raise ValueError(f"{type(spec).__name__} {spec.name!r}: `{field}` must be one of {', '.join(valid)}; "
                         f"got {value!r}")


def register(registry: dict, spec, spec_type: type, what: str, replace: bool):
    """Put ``spec`` into ``registry`` under its name (the body of register_path and register_baseline)."""
    if not isinstance(spec, spec_type):
        raise TypeError(f"register_{what} takes an eigflow.{spec_type.__name__}; got {type(spec).__name__}")
    if spec.name in registry and not replace:
        raise ValueError(f"{what} {spec.name!r} is already registered; pass replace=True to redefine it")
    registry[spec.name] = spec
    return spec


def import_extra(module: str, package: str, extra: str, purpose: str):
    """Import an optional dependency, or raise an ImportError naming the extra that installs it."""
    try:
        return importlib.import_module(module)
    except ImportError as err:
        raise ImportError(f"{purpose} needs {package}, which eigflow does not install by default: "
                          f"pip install 'eigflow[{extra}]' (or pip install {package})") from err
