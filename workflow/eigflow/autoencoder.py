"""The autoencoder contract: any object with ``encode`` and ``decode`` callables.

``encode`` maps (n, *shape) points to (n, z) latents and ``decode`` maps them back to
(n, *shape) -- or to (n, prod(shape)), which is reshaped. Torch modules and plain functions
both qualify; these helpers call them on tensors and hide the difference. A torch module is
fed tensors of its own dtype, and what it returns is cast back to the caller's, so a float32
autoencoder serves a float64 model.
"""
from __future__ import annotations

import numpy as np
import torch


def check_autoencoder(autoencoder) -> None:
    """Raise unless ``autoencoder`` has callable ``encode`` and ``decode``."""
    missing = [name for name in ("encode", "decode") if not callable(getattr(autoencoder, name, None))]
    if missing:
        raise TypeError(
            f"`autoencoder` ({type(autoencoder).__name__}) has no callable {' or '.join(f'`{m}`' for m in missing)}; "
            "it needs encode: (n, *shape) -> (n, z) and decode: (n, z) -> (n, *shape), e.g. "
            "types.SimpleNamespace(encode=encoder, decode=decoder)")


def encode_tensor(autoencoder, x: torch.Tensor) -> torch.Tensor:
    z = _checked(autoencoder.encode(x.to(module_dtype(autoencoder) or x.dtype)), "encode", len(x))
    return z.reshape(len(x), -1).to(x.dtype)


def decode_tensor(autoencoder, z: torch.Tensor, shape: tuple) -> torch.Tensor:
    out = _checked(autoencoder.decode(z.to(module_dtype(autoencoder) or z.dtype)), "decode", len(z))
    width = int(np.prod(shape))
    if out[0].numel() != width:
        raise ValueError(f"`autoencoder.decode` returns points of {out[0].numel()} values (shape "
                         f"{tuple(out.shape[1:])}) but samples have {width} (shape {tuple(shape)}); "
                         "decode must map latents back to the samples' space, inverting encode")
    return out.reshape(len(z), *shape).to(z.dtype)


def _checked(out, method: str, n: int) -> torch.Tensor:
    if not isinstance(out, torch.Tensor) or out.ndim == 0 or len(out) != n:
        got = f"shape {tuple(out.shape)}" if isinstance(out, torch.Tensor) else f"a {type(out).__name__}"
        raise TypeError(f"`autoencoder.{method}` returned {got} for {n} points; it must return a tensor "
                        f"with one row per point")
    return out


def encode_numpy(autoencoder, x: np.ndarray, batch: int = 8192) -> np.ndarray:
    with torch.no_grad():
        parts = [encode_tensor(autoencoder, _on_device(autoencoder, x[i:i + batch])).cpu()
                 for i in range(0, len(x), batch)]
    return torch.cat(parts).numpy().astype(np.float32)


def decode_numpy(autoencoder, z: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        out = autoencoder.decode(_on_device(autoencoder, z))
    return out.cpu().numpy().astype(np.float32).reshape(len(z), -1)


def _tensors(obj):
    """A torch module's parameters, then its buffers; nothing for plain callables."""
    if isinstance(obj, torch.nn.Module):
        yield from obj.parameters()
        yield from obj.buffers()


def module_device(obj) -> torch.device | None:
    """The device of a torch module's parameters (or buffers), or None for plain callables."""
    return next((t.device for t in _tensors(obj)), None)


def module_dtype(obj) -> torch.dtype | None:
    """The dtype of a torch module's floating parameters (or buffers), or None."""
    return next((t.dtype for t in _tensors(obj) if t.is_floating_point()), None)


def _on_device(obj, array: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.ascontiguousarray(array), dtype=module_dtype(obj) or torch.float32,
                           device=module_device(obj) or "cpu")
