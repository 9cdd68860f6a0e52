"""The autoencoder contract: any object with ``encode`` and ``decode`` callables.

``encode`` maps (n, *shape) points to (n, z) latents and ``decode`` maps them back to
(n, *shape) -- or to (n, prod(shape)), which is reshaped. Torch modules and plain functions
both qualify; these helpers call them on tensors and hide the difference.
"""
from __future__ import annotations

import numpy as np
import torch


def encode_tensor(autoencoder, x: torch.Tensor) -> torch.Tensor:
    return autoencoder.encode(x).reshape(len(x), -1)


def decode_tensor(autoencoder, z: torch.Tensor, shape: tuple) -> torch.Tensor:
    return autoencoder.decode(z).reshape(len(z), *shape)


def encode_numpy(autoencoder, x: np.ndarray, batch: int = 8192) -> np.ndarray:
    with torch.no_grad():
        parts = [encode_tensor(autoencoder, _on_device(autoencoder, x[i:i + batch])).cpu()
                 for i in range(0, len(x), batch)]
    return torch.cat(parts).numpy().astype(np.float32)


def decode_numpy(autoencoder, z: np.ndarray) -> np.ndarray:
    with torch.no_grad():
        out = autoencoder.decode(_on_device(autoencoder, z))
    return out.cpu().numpy().astype(np.float32).reshape(len(z), -1)


def module_device(obj) -> torch.device | None:
    """The device of a torch module's parameters, or None for plain callables."""
    if isinstance(obj, torch.nn.Module):
        for p in obj.parameters():
            return p.device
    return None


def _on_device(obj, array: np.ndarray) -> torch.Tensor:
    return torch.as_tensor(np.ascontiguousarray(array), dtype=torch.float32,
                           device=module_device(obj) or "cpu")
