"""The paper's MNIST models (Fig. 2): VAE + feed-forward, a CNN, and a convolutional VAE + feed-forward.

Layout contract: every autoencoder and classifier used for attribution takes images as
flat ``(n, 784)`` float32 tensors in [0, 1] and autoencoders decode back to ``(n, 784)``;
reshaping to ``(n, 1, 28, 28)`` happens inside the convolutional modules. Attribution code
can therefore treat all three models as functions on R^784.
"""

from __future__ import annotations

import os
import time
from typing import Callable, Iterable

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from eigflow import Confined

from eigflow_arms.common.io import atomic_path
from eigflow_arms.common.nets import VariationalAutoencoder, fit, mlp

__all__ = [
    "KINDS",
    "AUTOENCODED",
    "DEFAULT_CONFIG",
    "VAE",
    "ConvVAE",
    "LatentClassifier",
    "JointModel",
    "DigitCNN",
    "ClassProbability",
    "train_vae",
    "train_classifier",
    "accuracy",
    "build_model",
    "save_model",
    "load_model",
]

N_PIXELS = 28 * 28
KINDS = ("vae_ffn", "cnn", "cvae_ffn")
# The kinds whose classifier reads an autoencoder's latent space: only they can explain along H-*
# paths or from encoded baselines (the config check refuses the others before any job).
AUTOENCODED = ("vae_ffn", "cvae_ffn")

#: Defaults for :func:`build_model`; sized to train in seconds per epoch on 60k images on 2 CPU cores.
DEFAULT_CONFIG = {
    "latent_dim": 16,
    "vae_hidden": [512, 256],
    "clf_hidden": [64],
    "epochs_ae": 10,
    "epochs_clf": 10,
    "batch_size": 128,
    "lr": 1e-3,
    # Decode inside the training images' per-pixel range (eigflow.Confined): a pixel no image
    # ever varies then gets no attribution along H-* paths (supp. S6's dead pixels).
    "confine_decoder": True,
}


def _flat(x: torch.Tensor) -> torch.Tensor:
    return x.reshape(x.shape[0], N_PIXELS)


class VAE(VariationalAutoencoder):
    """Dense VAE on flattened pixels with a Bernoulli decoder.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    hidden : sequence of int
        Encoder hidden widths (the decoder mirrors them).
    """

    def __init__(self, latent_dim: int = 16, hidden: Iterable[int] = (512, 256)):
        super().__init__(latent_dim)
        hidden = list(hidden)
        self.encoder = nn.Sequential(*mlp([N_PIXELS, *hidden]), nn.ReLU())
        self.mu = nn.Linear(hidden[-1], latent_dim)
        self.logvar = nn.Linear(hidden[-1], latent_dim)
        self.decoder = nn.Sequential(*mlp([latent_dim, *hidden[::-1], N_PIXELS]))

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(_flat(x))


class ConvVAE(VariationalAutoencoder):
    """Convolutional VAE: two stride-2 3x3 convolutions (28 -> 14 -> 7) and their transposes.

    Parameters
    ----------
    latent_dim : int
        Size of the latent space.
    """

    def __init__(self, latent_dim: int = 16):
        super().__init__(latent_dim)
        self.encoder = nn.Sequential(
            nn.Conv2d(1, 16, 3, stride=2, padding=1), nn.ReLU(),
            nn.Conv2d(16, 32, 3, stride=2, padding=1), nn.ReLU(),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 128), nn.ReLU(),
        )
        self.mu = nn.Linear(128, latent_dim)
        self.logvar = nn.Linear(128, latent_dim)
        self.decoder = nn.Sequential(
            nn.Linear(latent_dim, 32 * 7 * 7), nn.ReLU(),
            nn.Unflatten(1, (32, 7, 7)),
            nn.ConvTranspose2d(32, 16, 3, stride=2, padding=1, output_padding=1), nn.ReLU(),
            nn.ConvTranspose2d(16, 1, 3, stride=2, padding=1, output_padding=1),
        )

    def _features(self, x: torch.Tensor) -> torch.Tensor:
        return self.encoder(x.reshape(x.shape[0], 1, 28, 28))

    def _logits(self, z: torch.Tensor) -> torch.Tensor:
        return _flat(self.decoder(z))


class LatentClassifier(nn.Module):
    """Feed-forward classifier on a latent code: (n, latent_dim) -> logits (n, n_classes)."""

    def __init__(self, latent_dim: int, hidden: Iterable[int] = (64,), n_classes: int = 10):
        super().__init__()
        self.net = nn.Sequential(*mlp([latent_dim, *hidden, n_classes]))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.net(z)


class JointModel(nn.Module):
    """Encoder and classifier joined: x (n, 784) -> classifier(encoder_owner.encode(x)), logits (n, 10).

    ``encoder_owner`` is the whole autoencoder, so the joint model and the autoencoder share
    (not copy) the encoder weights.
    """

    def __init__(self, encoder_owner: VAE | ConvVAE, classifier: LatentClassifier):
        super().__init__()
        self.encoder_owner = encoder_owner
        self.classifier = classifier

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.classifier(self.encoder_owner.encode(x))


class DigitCNN(nn.Module):
    """Small CNN of 3x3 convolutions: x (n, 784) -> logits (n, 10).

    conv3x3(16) -> maxpool 2 -> conv3x3(32) -> maxpool 2 -> dense 64 -> 10, kept small so an
    epoch over 60k images takes seconds on a CPU.
    """

    def __init__(self, n_classes: int = 10):
        super().__init__()
        self.net = nn.Sequential(
            nn.Conv2d(1, 16, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Conv2d(16, 32, 3, padding=1), nn.ReLU(), nn.MaxPool2d(2),
            nn.Flatten(), nn.Linear(32 * 7 * 7, 64), nn.ReLU(), nn.Linear(64, n_classes),
        )

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.net(x.reshape(x.shape[0], 1, 28, 28))


class ClassProbability(nn.Module):
    """Softmax over a logit model: x -> probabilities (n, n_classes), as the paper's Keras models output."""

    def __init__(self, model: nn.Module):
        super().__init__()
        self.model = model

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return torch.softmax(self.model(x), dim=1)


# ---------------------------------------------------------------------------------------- training


def _as_tensor(x) -> torch.Tensor:
    """Images (n, 28, 28), (n, 1, 28, 28) or (n, 784), array or tensor -> float32 tensor (n, 784)."""
    return _flat(torch.as_tensor(np.asarray(x), dtype=torch.float32))


def train_vae(
    vae: VAE | ConvVAE,
    x_train,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    log: Callable[[str], None] = print,
) -> list[float]:
    """Train a :class:`VAE` or :class:`ConvVAE` with the negative ELBO (Bernoulli BCE + KL).

    Parameters
    ----------
    vae : VAE or ConvVAE
    x_train : array-like, (n, 28, 28) or (n, 784)
        Pixels in [0, 1].
    epochs, batch_size, lr, seed
        Adam settings; ``seed`` fixes batch order and sampling noise.
    log : callable
        Receives one line per epoch.

    Returns
    -------
    list of float
        Mean per-image loss of each epoch. The model is left in eval mode.
    """

    vae.train()
    losses = fit("vae", (_as_tensor(x_train),), vae.negative_elbo, list(vae.parameters()),
                     epochs, batch_size, lr, seed, log)
    vae.eval()
    return losses


def train_classifier(
    model: nn.Module,
    x,
    y,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    params: Iterable[nn.Parameter] | None = None,
    log: Callable[[str], None] = print,
) -> list[float]:
    """Train a logit model with cross-entropy.

    Parameters
    ----------
    model : nn.Module
        Maps (n, 784) to logits (n, n_classes).
    x : array-like, (n, 28, 28) or (n, 784)
    y : array-like, (n,) int
    epochs, batch_size, lr, seed
        Adam settings; ``seed`` fixes batch order.
    params : iterable of nn.Parameter, optional
        Parameters to optimise (default: all). The others are frozen for the duration, so
        e.g. a joint model trains only its classifier head without back-propagating into
        the encoder.
    log : callable
        Receives one line per epoch.

    Returns
    -------
    list of float
        Mean cross-entropy of each epoch. The model is left in eval mode.
    """
    params = list(model.parameters()) if params is None else list(params)
    trainable = {id(p) for p in params}
    frozen = [p for p in model.parameters() if id(p) not in trainable and p.requires_grad]
    for p in frozen:
        p.requires_grad_(False)
    model.train()
    try:
        losses = fit("classifier", (_as_tensor(x), torch.as_tensor(np.asarray(y), dtype=torch.int64)),
                         lambda xb, yb: F.cross_entropy(model(xb), yb), params,
                         epochs, batch_size, lr, seed, log)
    finally:
        for p in frozen:
            p.requires_grad_(True)
        model.eval()
    return losses


@torch.no_grad()
def accuracy(model: nn.Module, x, y, batch_size: int = 4096) -> float:
    """Fraction of images whose arg-max output (logits or probabilities) equals the label."""
    model.eval()
    x, y = _as_tensor(x), torch.as_tensor(np.asarray(y), dtype=torch.int64)
    correct = sum((model(xb).argmax(1) == yb).sum().item()
                  for xb, yb in zip(x.split(batch_size), y.split(batch_size)))
    return correct / len(y)


# ------------------------------------------------------------------------------- build, save, load


def _resolve(kind: str, config: dict | None) -> dict:
    if kind not in KINDS:
        raise ValueError(f"unknown model kind {kind!r}; valid kinds are {', '.join(KINDS)}")
    config = dict(config or {})
    unknown = sorted(set(config) - set(DEFAULT_CONFIG))
    if unknown:
        raise ValueError(f"unknown model config keys {unknown}; valid keys are {sorted(DEFAULT_CONFIG)}")
    # Lists, not tuples, so the config round-trips through JSON/YAML and torch.load(weights_only=True).
    return {k: list(v) if isinstance(v, (list, tuple)) else v for k, v in {**DEFAULT_CONFIG, **config}.items()}


def _architecture(kind: str, cfg: dict) -> tuple[nn.Module, VAE | ConvVAE | None]:
    """Untrained (logit model, autoencoder) for ``kind``; the caller sets the seed."""
    if kind not in AUTOENCODED:
        return DigitCNN(), None
    ae = VAE(cfg["latent_dim"], cfg["vae_hidden"]) if kind == "vae_ffn" else ConvVAE(cfg["latent_dim"])
    return JointModel(ae, LatentClassifier(cfg["latent_dim"], cfg["clf_hidden"])), ae


def build_model(
    kind: str,
    config: dict | None,
    x_train,
    y_train,
    seed: int,
    log: Callable[[str], None] = print,
) -> tuple[ClassProbability, VAE | ConvVAE | Confined | None, dict]:
    """Build and train one of the paper's digit models.

    For ``vae_ffn``/``cvae_ffn`` the (C)VAE is trained on the images first, then only the
    feed-forward head is trained on its latent means with the encoder frozen; ``cnn`` is
    trained end to end.

    Parameters
    ----------
    kind : {"vae_ffn", "cnn", "cvae_ffn"}
    config : dict or None
        Overrides of :data:`DEFAULT_CONFIG` (unknown keys raise ``ValueError``).
    x_train : array-like, (n, 28, 28) or (n, 784)
        Pixels in [0, 1].
    y_train : array-like, (n,) int
    seed : int
        Fixes initialisation, batch order and VAE noise.
    log : callable
        Receives one line per epoch.

    Returns
    -------
    model : ClassProbability
        x (n, 784) -> class probabilities (n, 10), in eval mode; the model to attribute.
    autoencoder : VAE, ConvVAE, Confined or None
        The autoencoder whose encoder ``model`` uses (None for ``cnn``), in eval mode;
        confined to the range of ``x_train`` (:class:`eigflow.Confined`) unless the config's
        ``confine_decoder`` is false.
    info : dict
        ``kind``, resolved ``config``, per-epoch ``ae_loss`` and ``clf_loss``,
        ``train_accuracy`` and ``train_seconds``.
    """
    cfg = _resolve(kind, config)
    start = time.perf_counter()
    torch.manual_seed(seed)
    logits, ae = _architecture(kind, cfg)
    fit = dict(batch_size=cfg["batch_size"], lr=cfg["lr"], log=log)
    ae_loss = [] if ae is None else train_vae(ae, x_train, cfg["epochs_ae"], seed=seed, **fit)
    head = None if ae is None else logits.classifier.parameters()
    clf_loss = train_classifier(logits, x_train, y_train, cfg["epochs_clf"], seed=seed + 1, params=head, **fit)
    model = ClassProbability(logits).eval()
    if ae is not None and cfg["confine_decoder"]:
        ae = Confined(ae, _as_tensor(x_train)).eval()
    info = {
        "kind": kind,
        "config": cfg,
        "ae_loss": ae_loss,
        "clf_loss": clf_loss,
        "train_accuracy": accuracy(model, x_train, y_train),
        "train_seconds": time.perf_counter() - start,
    }
    return model, ae, info


def save_model(
    path: str | os.PathLike,
    kind: str,
    config: dict | None,
    model: ClassProbability,
    autoencoder: VAE | ConvVAE | Confined | None,
) -> None:
    """Save a model from :func:`build_model` as state_dict + kind + config, atomically.

    The autoencoder is stored inside ``model``'s state_dict (the joint model owns it), so it
    must be the very module ``model`` encodes with (or that module confined, whose range is
    saved beside it).
    """
    cfg = _resolve(kind, config)
    owner = getattr(model.model, "encoder_owner", None)
    confined = isinstance(autoencoder, Confined)
    if owner is not (autoencoder.autoencoder if confined else autoencoder):
        raise ValueError("autoencoder must be the module the model encodes with (None for cnn)")
    blob = {"kind": kind, "config": cfg, "state_dict": model.state_dict()}
    if confined:
        blob["decoder_range"] = torch.stack([autoencoder.lower, autoencoder.upper])
    with atomic_path(path) as tmp:
        torch.save(blob, tmp)


def load_model(path: str | os.PathLike) -> tuple[ClassProbability, VAE | ConvVAE | Confined | None, str]:
    """Load a file written by :func:`save_model`.

    Returns
    -------
    model : ClassProbability
        In eval mode.
    autoencoder : VAE, ConvVAE, Confined or None
        Shared with ``model``; confined as it was saved.
    kind : str
    """
    blob = torch.load(path, map_location="cpu", weights_only=True)
    cfg = _resolve(blob["kind"], blob["config"])
    logits, ae = _architecture(blob["kind"], cfg)
    model = ClassProbability(logits)
    model.load_state_dict(blob["state_dict"])
    model.eval()
    if "decoder_range" in blob:
        # The range's two rows are its least and greatest points: their min and max are it.
        ae = Confined(ae, blob["decoder_range"]).eval()
    return model, ae, blob["kind"]
