"""Building blocks every model family uses: plain MLP stacks, the (variational) autoencoder
both arms train, and the mini-batch training loop."""
from __future__ import annotations

import time
from collections.abc import Callable, Iterable

import torch
import torch.nn.functional as F
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


class VariationalAutoencoder(nn.Module):
    """Gaussian-posterior autoencoder with a Bernoulli decoder, trained on the negative ELBO.

    A subclass of another likelihood (a categorical one over one-hot channels, say) replaces
    ``output`` and :meth:`reconstruction_loss` together.

    Subclasses build ``encoder``, ``mu``, ``logvar`` and ``decoder`` in that order (their
    parameters draw from torch's RNG as they are created, so the order fixes the
    initialisation); ``logvar = None`` makes a plain autoencoder, whose latent code is the
    mean and whose loss is the reconstruction term alone. Subclasses whose encoder or decoder
    expects another layout override :meth:`_features` or :meth:`_logits`.

    The output sigmoid is a module, not a functional call, because shap's DeepExplainer
    rewrites gradients only through modules.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    """

    def __init__(self, latent_dim: int):
        super().__init__()
        self.latent_dim = int(latent_dim)
        self.output = nn.Sigmoid()

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        """Encoder activations the ``mu``/``logvar`` heads read: x (n, ...) -> (n, width)."""
        return self.encoder(x)

    def _logits(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction logits: z (n, latent_dim) -> (n, d)."""
        return self.decoder(z)

    def encode(self, x: torch.Tensor) -> torch.Tensor:
        """Latent mean (deterministic): x (n, ...) -> (n, latent_dim)."""
        return self.mu(self._features(x))

    def decode(self, z: torch.Tensor) -> torch.Tensor:
        """Reconstruction: z (n, latent_dim) -> (n, d) in [0, 1]."""
        return self.output(self._logits(z))

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor | None]:
        """One training pass; a VAE decodes a reparameterised sample, a plain autoencoder the mean.

        Returns
        -------
        recon_logits : (n, d)
            Bernoulli logits of the reconstruction (``sigmoid`` gives :meth:`decode`'s output);
            logits rather than probabilities so the BCE loss is computed stably.
        mu : (n, latent_dim)
            Posterior mean.
        logvar : (n, latent_dim) or None
            Posterior log-variance; None for a plain autoencoder.
        """
        h = self._features(x)
        mu = self.mu(h)
        if self.logvar is None:
            return self._logits(mu), mu, None
        logvar = self.logvar(h)
        return self._logits(mu + torch.randn_like(mu) * torch.exp(0.5 * logvar)), mu, logvar

    def reconstruction_loss(self, logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Summed negative log-likelihood of ``x`` under the decoder's ``logits`` (Bernoulli)."""
        return F.binary_cross_entropy_with_logits(logits, x, reduction="sum")

    def negative_elbo(self, x: torch.Tensor) -> torch.Tensor:
        """Mean per-row summed BCE (+ KL to N(0, I) for a VAE) of one stochastic pass.

        Parameters
        ----------
        x : (n, d) tensor
            Targets in [0, 1], laid out as :meth:`_logits` returns them.

        Returns
        -------
        scalar tensor
        """
        logits, mu, logvar = self(x)
        loss = self.reconstruction_loss(logits, x)
        if logvar is not None:
            loss = loss - 0.5 * torch.sum(1 + logvar - mu.pow(2) - logvar.exp())
        return loss / len(x)


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
    anneal: bool = False,
) -> list[float]:
    """Adam over shuffled mini-batches; returns the mean loss per epoch. ``anneal``: the
    learning rate follows a cosine from ``lr`` to 0 over the epochs, one step per epoch."""
    # The generator fixes the batch order; the global seed fixes the VAE's sampling noise.
    torch.manual_seed(seed)
    gen = torch.Generator().manual_seed(seed)
    opt = torch.optim.Adam(params, lr=lr)
    schedule = torch.optim.lr_scheduler.CosineAnnealingLR(opt, epochs) if anneal else None
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
        if schedule is not None:
            schedule.step()
        log(f"{name} epoch {epoch}/{epochs} loss {losses[-1]:.4f} {time.perf_counter() - start:.1f}s")
    return losses
