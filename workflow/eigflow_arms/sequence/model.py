"""The sequence arm's model: a residual, dilated CNN over the four splice-site windows.

In the spirit of ResidualBind (Koo et al. 2021) and SpliceAI: one convolutional tower, shared
by the four windows (C1 5'ss, A 3'ss, A 5'ss, C2 3'ss), of a wide first convolution (motif
detectors) and residual blocks of dilated convolutions (their context); average pooling into
bins of ``pool`` nt, and a dense head over every window's bins, predicts

- the E[PSI] of every tissue (logits, trained on MAJIQ's E[PSI] as soft labels), and
- for each contrast, whether the cassette exon changes in that tissue against the others
  (the class of interest of the splicing and liver arms; a logit).

:class:`ContrastLogit` is one contrast's logit as a function of the one-hot sequence: what
every attribution method explains. Every nonlinearity is its own ``nn.Module`` used once per
pass, as DeepLIFT's rules (tangermeme, shap) require. Batch normalisation keeps the weak,
diluted signal of a few motif copies in 1,400 nt trainable (without it, training stalled at
chance or its ReLUs died); in eval mode it is affine, which every attribution method passes
through exactly.
"""
from __future__ import annotations

import logging
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

from eigflow_arms.common.io import atomic_path
from eigflow_arms.common.nets import fit

from .data import WIDTH, WINDOWS

__all__ = ["SequenceCNN", "ContrastLogit", "split_windows", "train", "predict", "save", "load"]

log = logging.getLogger(__name__)


def split_windows(x):
    """(m, 4, windows * width) -> (m * windows, 4, width): the windows share the tower."""
    m = len(x)
    return x.reshape(m, 4, len(WINDOWS), WIDTH).transpose(1, 2).reshape(m * len(WINDOWS), 4, WIDTH)


class ResidualBlock(nn.Module):
    """Two dilated convolutions and a skip connection: relu(x + conv(relu(conv(x))))."""

    def __init__(self, channels: int, kernel: int, dilation: int):
        super().__init__()
        padding = dilation * (kernel - 1) // 2
        self.conv1 = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=padding)
        self.norm1 = nn.BatchNorm1d(channels)
        self.relu1 = nn.ReLU()
        self.conv2 = nn.Conv1d(channels, channels, kernel, dilation=dilation, padding=padding)
        self.norm2 = nn.BatchNorm1d(channels)
        self.relu2 = nn.ReLU()

    def forward(self, x):
        return self.relu2(x + self.norm2(self.conv2(self.relu1(self.norm1(self.conv1(x))))))


class SequenceCNN(nn.Module):
    """(m, 4, L) one-hot RNA -> (m, n_tissues + n_contrasts) logits.

    Parameters
    ----------
    n_tissues, n_contrasts : int
        Output columns: E[PSI] per tissue, then one per contrast.
    channels : int
        Filters of every convolution.
    kernel : int
        Width of the first convolution (an RBP motif is 4-8 nt; 11 leaves room for context).
    block_kernel : int
        Width of the residual blocks' convolutions.
    dilations : list of int
        One residual block per dilation.
    pool : int
        Bin width of the average pooling (nt); must divide the window width. The default
        configuration pools each whole window (350): on the default transcriptome, bins of
        50 nt let the CNN memorise its 4,800 training exons (train AUC 1.00, test 0.51),
        one bin per window generalised (test 0.53-0.57 hippocampus, 0.59-0.66 liver over two
        runs); bins of each window's exonic and intronic part apart did no better (0.49, 0.55).
    hidden : int
        Width of the dense layer.
    """

    def __init__(self, n_tissues: int, n_contrasts: int, channels: int = 24, kernel: int = 11,
                 block_kernel: int = 5, dilations=(1, 2, 4), pool: int = 25, hidden: int = 64):
        super().__init__()
        if WIDTH % pool:
            raise ValueError(f"sequence.model.pool={pool} does not divide the window width {WIDTH}")
        self.config = {"n_tissues": int(n_tissues), "n_contrasts": int(n_contrasts), "channels": int(channels),
                       "kernel": int(kernel), "block_kernel": int(block_kernel),
                       "dilations": [int(d) for d in dilations], "pool": int(pool), "hidden": int(hidden)}
        self.n_tissues = int(n_tissues)
        self.stem = nn.Conv1d(4, channels, kernel, padding=(kernel - 1) // 2)
        self.stem_norm = nn.BatchNorm1d(channels)
        self.stem_relu = nn.ReLU()
        self.blocks = nn.Sequential(*(ResidualBlock(channels, block_kernel, d) for d in dilations))
        self.pool = nn.AvgPool1d(pool)
        features = len(WINDOWS) * channels * (WIDTH // pool)
        self.dense = nn.Linear(features, hidden)
        self.dense_norm = nn.BatchNorm1d(hidden)
        self.dense_relu = nn.ReLU()
        self.out = nn.Linear(hidden, n_tissues + n_contrasts)

    def forward(self, x):
        h = self.pool(self.blocks(self.stem_relu(self.stem_norm(self.stem(split_windows(x))))))
        return self.head(h.reshape(len(x), -1))

    def head(self, pooled):
        """(m, features) the windows' pooled bins side by side -> (m, outputs): the dense head,
        apart so that DeepResolve (:mod:`.deepresolve`) can run the network from a feature map."""
        return self.out(self.dense_relu(self.dense_norm(self.dense(pooled))))


class ContrastLogit(nn.Module):
    """x (m, 4, L) -> (m,) the logit that the exon changes in contrast ``contrast``'s tissue."""

    def __init__(self, cnn: SequenceCNN, contrast: int):
        super().__init__()
        self.cnn, self.column = cnn, cnn.n_tissues + int(contrast)

    def forward(self, x):
        return self.cnn(x)[:, self.column]


def train(x: np.ndarray, psi: np.ndarray, changes: np.ndarray, train_rows: np.ndarray, *, seed: int,
          epochs: int, batch_size: int, lr: float, **architecture) -> SequenceCNN:
    """Fit a :class:`SequenceCNN` on the training rows: BCE on E[PSI] (soft labels) plus BCE on
    each contrast's changing call, the rarer positives weighted up to balance each head.

    Parameters
    ----------
    x : (n, 4, L) float32 one-hot
    psi : (n, T) E[PSI] in [0, 1]
    changes : (n, K) bool, the class of interest of each contrast
    train_rows : row indices to fit on
    """
    torch.manual_seed(seed)
    model = SequenceCNN(psi.shape[1], changes.shape[1], **architecture)
    rows = np.asarray(train_rows)
    positives = changes[rows].sum(axis=0)
    weight = torch.as_tensor((len(rows) - positives) / np.maximum(positives, 1), dtype=torch.float32)
    log.info("training the sequence CNN on %d events; positives per contrast %s", len(rows), positives.tolist())
    n_tissues = psi.shape[1]

    def loss(xb, psib, changeb):
        logits = model(xb)
        return (F.binary_cross_entropy_with_logits(logits[:, :n_tissues], psib)
                + F.binary_cross_entropy_with_logits(logits[:, n_tissues:], changeb, pos_weight=weight))

    tensors = (torch.as_tensor(x[rows]), torch.as_tensor(psi[rows], dtype=torch.float32),
               torch.as_tensor(changes[rows], dtype=torch.float32))
    model.train()
    fit("sequence CNN", tensors, loss, list(model.parameters()), epochs, batch_size, lr, seed, log.info,
        anneal=True)
    return model.eval()


def predict(model: nn.Module, x: np.ndarray, batch_size: int = 256) -> np.ndarray:
    """The model's outputs on ``x``, in batches, as float64 (n, k) or (n,)."""
    model.eval()
    with torch.no_grad():
        return np.concatenate([model(torch.as_tensor(x[i:i + batch_size])).double().numpy()
                               for i in range(0, len(x), batch_size)])


def save(path: str | os.PathLike, model: SequenceCNN, meta: dict) -> None:
    with atomic_path(path) as tmp:
        torch.save({"config": model.config, "state": model.state_dict(), "meta": meta}, tmp)


def load(path: str | os.PathLike) -> tuple[SequenceCNN, dict]:
    bundle = torch.load(path, map_location="cpu", weights_only=True)
    config = dict(bundle["config"])
    model = SequenceCNN(config.pop("n_tissues"), config.pop("n_contrasts"), **config)
    model.load_state_dict(bundle["state"])
    return model.eval(), bundle["meta"]
