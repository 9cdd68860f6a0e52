"""Building blocks every model family uses: plain MLP stacks and the mini-batch training loop."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import torch
from torch import nn


def mlp(sizes: Iterable[int]) -> list[nn.Module]:
    """Linear+ReLU layers between consecutive sizes (no activation after the last)."""
    sizes = list(sizes)
    layers: list[nn.Module] = []
    for i, (a, b) in enumerate(zip(sizes[:-1], sizes[1:])):
        layers.append(nn.Linear(a, b))
        if i < len(sizes) - 2:
            layers.append(nn.ReLU())
    return layers


def fit(
    name: str,
    tensors: tuple[torch.Tensor, ...],
    loss_fn: Callable[..., torch.Tensor],
    params: list[nn.Parameter],
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    log: Callable[[str], None],
) -> list[float]:
    """Adam over shuffled mini-batches; returns the mean loss per epoch."""
    # The generator fixes the batch order; the global seed fixes the VAE's sampling noise.
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(params, lr=lr)
    n = tensors[0].shape[0]
    losses = []
    for epoch in range(1, epochs + 1):
        start, total = time.perf_counter(), 0.0
        for idx in torch.randperm(n, generator=gen).split(batch_size):
            loss = loss_fn(*(t[idx] for t in tensors))
            opt.zero_grad()
            loss.backward()
            opt.step()
            total += loss.item() * len(idx)
        losses.append(total / n)
        log(f"{name} epoch {epoch}/{epochs} loss {losses[-1]:.4f} {time.perf_counter() - start:.1f}s")
    return losses
