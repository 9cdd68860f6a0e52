"""The sequence arm's autoencoder: the latent space of H-L-IG and H-N-IG over raw RNA.

EIG's hidden paths (H-L-IG, H-N-IG) run between a baseline and a sample through an
autoencoder's latent space, decoded back to the inputs. For one-hot RNA the decoder is
categorical: a softmax over the four bases at every position, so every decoded point is a
position-wise base profile (each column sums to 1), the space one-hot sequences and the
0.25-uniform baseline live in. N columns (window padding, all zeros) add nothing to the
likelihood.

Like the sequence CNN (:mod:`.model`), the convolutional encoder is shared by the four
splice-site windows (two stride-5 convolutions, 350 -> 70 -> 14 nt, after a motif-width one);
a dense layer joins the windows' codes into one latent vector, and the decoder mirrors the
encoder with transposed convolutions. Variational by default, as the paper's autoencoder: the
prior pulls the codes of the training sequences around 0, so ``encoded-zero`` decodes near the
data's mean profile.
"""
from __future__ import annotations

import logging
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from eigflow_arms.common.io import atomic_path
from eigflow_arms.common.nets import VariationalAutoencoder, fit

from .data import WIDTH, WINDOWS

__all__ = ["SequenceAutoencoder", "train", "reconstruction", "save", "load"]

log = logging.getLogger(__name__)

STRIDES = (5, 5)  # 350 -> 70 -> 14 nt per window


class SequenceAutoencoder(VariationalAutoencoder):
    """(m, 4, L) one-hot RNA <-> (m, latent_dim) codes; :meth:`decode` gives base profiles.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space (for all four windows together).
    channels : int
        Filters of every convolution.
    kernel : int
        Width of the first convolution and of the decoder's last one (a motif's width).
    variational : bool
        A VAE (Gaussian posterior, KL to N(0, I)) or a plain autoencoder.
    """

    def __init__(self, latent_dim: int = 32, channels: int = 16, kernel: int = 9, variational: bool = True):
        super().__init__(latent_dim)
        self.config = {"latent_dim": int(latent_dim), "channels": int(channels), "kernel": int(kernel),
                       "variational": bool(variational)}
        self.bins = WIDTH // int(np.prod(STRIDES))
        width = len(WINDOWS) * channels * self.bins
        down = [m for s in STRIDES for m in (nn.Conv1d(channels, channels, s, stride=s), nn.ReLU())]
        self.encoder = nn.Sequential(nn.Conv1d(4, channels, kernel, padding=(kernel - 1) // 2), nn.ReLU(), *down)
        self.mu = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim) if variational else None
        up = [m for s in STRIDES for m in (nn.ConvTranspose1d(channels, channels, s, stride=s), nn.ReLU())]
        self.expand = nn.Sequential(nn.Linear(latent_dim, width), nn.ReLU())
        self.decoder = nn.Sequential(*up, nn.Conv1d(channels, 4, kernel, padding=(kernel - 1) // 2))
        self.output = nn.Softmax(dim=1)

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        m = len(x)
        windows = x.reshape(m, 4, len(WINDOWS), WIDTH).transpose(1, 2).reshape(m * len(WINDOWS), 4, WIDTH)
        return self.encoder(windows).reshape(m, -1)

    def _logits(self, z: torch.Tensor) -> torch.Tensor:
        m = len(z)
        h = self.expand(z).reshape(m * len(WINDOWS), -1, self.bins)
        logits = self.decoder(h).reshape(m, len(WINDOWS), 4, WIDTH).transpose(1, 2)
        return logits.reshape(m, 4, len(WINDOWS) * WIDTH)

    def reconstruction_loss(self, logits: torch.Tensor, x: torch.Tensor) -> torch.Tensor:
        """Categorical cross-entropy of the observed bases (N columns count nothing)."""
        return -(x * F.log_softmax(logits, dim=1)).sum()


def train(x: np.ndarray, train_rows: np.ndarray, *, seed: int, epochs: int, batch_size: int, lr: float,
          **architecture) -> SequenceAutoencoder:
    """Fit a :class:`SequenceAutoencoder` on the training rows of ``x`` (n, 4, L) one-hot."""
    torch.manual_seed(seed)
    ae = SequenceAutoencoder(**architecture)
    log.info("training the sequence autoencoder on %d sequences", len(train_rows))
    ae.train()
    fit("sequence autoencoder", (torch.as_tensor(x[np.asarray(train_rows)]),), ae.negative_elbo,
        list(ae.parameters()), epochs, batch_size, lr, seed, log.info, anneal=True)
    return ae.eval()


def reconstruction(x: np.ndarray, profiles, batch_size: int = 256) -> dict:
    """How well ``profiles`` (a function: one-hot batch -> base profiles of the same shape, e.g.
    an autoencoder's decoded codes) reconstructs one-hot ``x``: the share of observed bases that
    are their profile's most likely base (``accuracy``), and the mean probability the profile
    gives the observed base (``probability``); 0.25 each for a uniform profile."""
    hits = prob = 0.0
    observed = x.sum(axis=1) > 0
    with torch.no_grad():
        for i in range(0, len(x), batch_size):
            xb, seen = torch.as_tensor(x[i:i + batch_size]), torch.as_tensor(observed[i:i + batch_size])
            profile = profiles(xb)
            hits += (profile.argmax(1) == xb.argmax(1))[seen].sum().item()
            prob += (profile * xb).sum(1)[seen].sum().item()
    n = max(int(observed.sum()), 1)
    return {"accuracy": hits / n, "probability": prob / n}


def save(path: str | os.PathLike, ae: SequenceAutoencoder, meta: dict) -> None:
    with atomic_path(path) as tmp:
        torch.save({"config": ae.config, "state": ae.state_dict(), "meta": meta}, tmp)


def load(path: str | os.PathLike) -> tuple[SequenceAutoencoder, dict]:
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    ae = SequenceAutoencoder(**bundle["config"])
    ae.load_state_dict(bundle["state"])
    return ae.eval(), bundle["meta"]
