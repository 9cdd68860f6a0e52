"""The autoencoder contract: any object with ``encode`` and ``decode`` callables.

``encode`` maps (n, *shape) points to (n, z) latents and ``decode`` maps them back to
(n, *shape) -- or to (n, prod(shape)), which is reshaped. Torch modules and plain functions
both qualify; these helpers call them on tensors and hide the difference. A torch module is
fed tensors of its own dtype, and what it returns is cast back to the caller's, so a float32
autoencoder serves a float64 model. :class:`Confined` keeps a decoder inside the data's range.
"""
from __future__ import annotations

import numpy as np
import torch


class Confined(torch.nn.Module):
    """An autoencoder whose decoded points stay inside the range of the data: each feature
    between the least and the greatest value it takes there.

    A decoder extrapolates. A sigmoid decoder gives a pixel that is 0 in every training image
    (a "dead" pixel) small values, about 1e-5, that change along a latent path; H-L-IG and
    H-N-IG then attribute that pixel a little of every sample's output, systematically
    enough for Algorithm 1 to call it significant, although no image of the data ever varies
    there. Decoded inside the range, a feature the data never vary stays constant along every
    path and gets exactly zero attribution. Encoding is the wrapped autoencoder's own.

    Parameters
    ----------
    autoencoder : object with ``encode`` and ``decode``
    data : (n, *shape) tensor or array
        The points the range is taken from (the autoencoder's training data).
    """

    def __init__(self, autoencoder, data):
        super().__init__()
        check_autoencoder(autoencoder)
        self.autoencoder = autoencoder
        data = torch.as_tensor(np.asarray(data), dtype=torch.float32).reshape(len(data), -1)
        self.register_buffer("lower", data.min(dim=0).values)
        self.register_buffer("upper", data.max(dim=0).values)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        return self.autoencoder.encode(x)

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        out = self.autoencoder.decode(z)
        flat = out.reshape(len(out), -1)
        if flat.shape[1] != self.lower.numel():
            raise ValueError(f"`autoencoder.decode` returns points of {flat.shape[1]} values but the range "
                             f"was taken over {self.lower.numel()}; pass the autoencoder's own training data")
        lower, upper = self.lower.to(out.dtype), self.upper.to(out.dtype)
        return torch.minimum(torch.maximum(flat, lower), upper).reshape(out.shape)


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
