"""DeepResolve (Liu, Zeng and Gifford 2019, paper 004) on the sequence arm's CNN.

At an intermediate layer of :class:`.model.SequenceCNN` -- the output of the stem (the motif
detectors) or of the residual tower, one map per splice-site window -- gradient ascent in
feature-map space finds, for each output c, a feature importance map (FIM)

    H_c = argmax_H  S_c(H) - lambda ||H||^2

from T random normal starts (negative entries allowed: 004 keeps them to tell channels that
negate a class from unused ones). S_c is the output's logit (E[PSI] of a tissue, or a
contrast's changing call) computed by the network above the layer (:class:`Above`, made of
the CNN's own modules). Then, as 004's Methods define them:

* FIV: each channel's spatial mean of a FIM (over the positions of all four windows: the
  windows share the tower's channels);
* IL: each channel's variance of its FIV over the starts, weighted by the starts' scores
  (offset so that the worst start weighs 0);
* additive / non-additive: Gaussian mixtures of 1-3 components fitted to the ILs, the number
  chosen by BIC; channels outside the component of lowest mean are non-additive;
* OFIV: the weighted mean FIV, except for a non-additive channel whose FIVs change sign: the
  weighted mean of its positive FIVs;
* class similarity: the correlation of the non-negative OFIVs of two outputs.

Each channel is shown as a motif as 004 shows DeepSEA's (:func:`channel_motifs`):
L2-regularised gradient ascent of its activation over its receptive field, started from the
channel's top activating fragments of real sequences (:func:`top_fragments`), thresholded and
normalised into a probability matrix.
"""
from __future__ import annotations

import numpy as np
import torch
from sklearn.mixture import GaussianMixture
from torch import nn

from eigflow_arms.liver.motifs.pssm import information_content

from .data import WIDTH, WINDOWS, one_hot
from .model import SequenceCNN, split_windows

__all__ = ["LAYERS", "Above", "feature_map", "optimise", "start_weights", "inconsistency", "non_additive",
           "overall_importance", "similarity", "receptive_field", "top_fragments", "channel_motifs", "trim", "resolve"]

LAYERS = ("stem", "tower")
THRESHOLD = 0.5  # share of an ascended fragment's largest entry kept as its motif


def _check_layer(layer: str) -> None:
    if layer not in LAYERS:
        raise ValueError(f"sequence.deepresolve.layer is {layer!r}; use one of {list(LAYERS)}")


class Above(nn.Module):
    """(m, windows, C, W) feature map at ``layer`` -> (m, outputs) logits: the CNN above it."""

    def __init__(self, cnn: SequenceCNN, layer: str):
        super().__init__()
        _check_layer(layer)
        self.cnn, self.layer = cnn, layer

    def forward(self, h):
        m = len(h)
        h = h.reshape(m * len(WINDOWS), *h.shape[2:])
        if self.layer == "stem":
            h = self.cnn.blocks(h)
        return self.cnn.head(self.cnn.pool(h).reshape(m, -1))


def _window_map(cnn: SequenceCNN, layer: str, windows: torch.Tensor) -> torch.Tensor:
    """(n, 4, w) one-hot windows -> (n, C, w) the map at ``layer`` (the convolutions keep w)."""
    _check_layer(layer)
    h = cnn.stem_relu(cnn.stem_norm(cnn.stem(windows)))
    return cnn.blocks(h) if layer == "tower" else h


def feature_map(cnn: SequenceCNN, layer: str, x: torch.Tensor) -> torch.Tensor:
    """(m, 4, L) one-hot -> (m, windows, C, W) the CNN's map at ``layer``."""
    h = _window_map(cnn, layer, split_windows(x))
    return h.reshape(len(x), len(WINDOWS), *h.shape[1:])


def _ascend(objective, x, steps: int, lr: float) -> torch.Tensor:
    """Adam ascent of ``objective(x)`` (one value per row), its step decayed geometrically to
    1/100 of ``lr`` over ``steps`` (004 decays the learning rate)."""
    x = x.clone().requires_grad_()
    optimiser = torch.optim.Adam([x], lr=lr)
    decay = torch.optim.lr_scheduler.ExponentialLR(optimiser, gamma=0.01 ** (1 / max(steps, 1)))
    for _ in range(steps):
        (gradient,) = torch.autograd.grad(objective(x).sum(), x)
        x.grad = -gradient
        optimiser.step()
        decay.step()
    return x.detach()


def optimise(above: nn.Module, shape, outputs, n_starts: int, l2: float, steps: int, lr: float,
             seed: int) -> tuple[np.ndarray, np.ndarray]:
    """Gradient ascent of S_c(H) - l2 ||H||^2 from ``n_starts`` standard normal maps per output.

    Every start of every output is one row of a single batch (the outputs of different rows do
    not interact: the network is in eval mode); Adam (:func:`_ascend`).

    Returns
    -------
    fiv : (T, O, C) each optimised map's channel means, O = len(outputs)
    score : (T, O) S_c of each optimised map
    """
    outputs = list(outputs)
    generator = torch.Generator().manual_seed(int(seed))
    start = torch.randn((n_starts * len(outputs), *shape), generator=generator)
    column = torch.as_tensor(outputs).repeat(n_starts)[:, None]  # start-major rows
    h = _ascend(lambda h: above(h).gather(1, column)[:, 0] - l2 * h.pow(2).flatten(1).sum(1), start, steps, lr)
    with torch.no_grad():
        score = above(h).gather(1, column)[:, 0]
    spatial = tuple(d for d in range(1, h.dim()) if d != h.dim() - 2)  # all but the channels
    fiv = h.mean(dim=spatial)
    return (fiv.reshape(n_starts, len(outputs), -1).double().numpy(),
            score.reshape(n_starts, len(outputs)).double().numpy())


def start_weights(score: np.ndarray) -> np.ndarray:
    """(T, O) scores -> (T, O) weights summing to 1 per output: the score minus the output's
    worst (004's offset to non-negative weights); equal weights when every start scored alike."""
    w = score - score.min(axis=0, keepdims=True)
    total = w.sum(axis=0, keepdims=True)
    return np.where(total > 0, w / np.where(total > 0, total, 1), 1 / len(score))


def inconsistency(fiv: np.ndarray, weight: np.ndarray) -> np.ndarray:
    """(T, O, C) FIVs, (T, O) weights -> (O, C) IL: the weighted variance over the starts."""
    mean = np.einsum("to,toc->oc", weight, fiv)
    return np.einsum("to,toc->oc", weight, (fiv - mean) ** 2)


def non_additive(il: np.ndarray, seed: int, max_components: int = 3) -> np.ndarray:
    """(C,) ILs of one output -> (C,) bool: outside the lowest-mean component of the Gaussian
    mixture (1 to ``max_components`` components, fewest BIC) fitted to them.

    The ILs are divided by their mean first: sklearn's covariance floor (``reg_covar``) is
    absolute, and the ILs' scale follows lambda (an FIV scales as 1 / lambda).
    """
    il = np.asarray(il, dtype=float)
    scale = il.mean()
    if scale <= 0:
        return np.zeros(len(il), dtype=bool)
    values = (il / scale)[:, None]
    fits = [GaussianMixture(k, random_state=seed).fit(values)
            for k in range(1, min(max_components, len(np.unique(values))) + 1)]
    best = min(fits, key=lambda fit: fit.bic(values))
    return best.predict(values) != int(np.argmin(best.means_[:, 0]))


def overall_importance(fiv: np.ndarray, weight: np.ndarray, inconsistent: np.ndarray) -> np.ndarray:
    """(T, O, C) FIVs, (T, O) weights, (O, C) non-additive -> (O, C) OFIV (module docstring)."""
    mean = np.einsum("to,toc->oc", weight, fiv)
    positive = fiv > 0
    w_positive = weight[:, :, None] * positive
    total = w_positive.sum(axis=0)
    positive_mean = np.where(total > 0, (w_positive * fiv).sum(axis=0) / np.where(total > 0, total, 1), 0)
    mixed_sign = positive.any(axis=0) & (~positive).any(axis=0)
    return np.where(inconsistent & mixed_sign, positive_mean, mean)


def similarity(ofiv: np.ndarray) -> np.ndarray:
    """(O, C) OFIVs -> (O, O) correlation of their non-negative parts (004's class similarity);
    an output with no positive channel, or all alike, has NaN off the unit diagonal."""
    positive = np.clip(ofiv, 0, None)
    centred = positive - positive.mean(axis=1, keepdims=True)
    norm = np.linalg.norm(centred, axis=1)
    with np.errstate(invalid="ignore", divide="ignore"):
        corr = centred @ centred.T / np.outer(norm, norm)
    np.fill_diagonal(corr, 1.0)
    return corr


def receptive_field(cnn: SequenceCNN, layer: str) -> int:
    """Input columns one position of the map at ``layer`` sees."""
    _check_layer(layer)
    field = cnn.stem.kernel_size[0]
    if layer == "tower":
        for block in cnn.blocks:
            for conv in (block.conv1, block.conv2):
                field += (conv.kernel_size[0] - 1) * conv.dilation[0]
    return field


def top_fragments(cnn: SequenceCNN, layer: str, codes: np.ndarray, n_fragments: int,
                  batch_size: int = 64) -> np.ndarray:
    """(C, n_fragments, F) codes of each channel's most activating fragments of ``codes``.

    ``codes`` (n, L) int8 (A=0 C=1 G=2 U=3, -1 for N, :mod:`.data`). A fragment is the
    receptive field (F columns) centred on a map position of one window; columns beyond the
    window are N.
    """
    field = receptive_field(cnn, layer)
    half = field // 2
    with torch.no_grad():
        maps = np.concatenate([feature_map(cnn, layer, torch.as_tensor(one_hot(codes[i:i + batch_size]))).numpy()
                               for i in range(0, len(codes), batch_size)])           # (n, windows, C, W)
    n, windows, channels, width = maps.shape
    padded = np.pad(codes.reshape(n, windows, WIDTH), ((0, 0), (0, 0), (half, field - 1 - half)),
                    constant_values=-1)
    fragments = []
    for c in range(channels):
        top = np.argsort(maps[:, :, c].ravel(), kind="stable")[::-1][:n_fragments]
        seq, window, position = np.unravel_index(top, (n, windows, width))
        fragments.append(padded[seq[:, None], window[:, None], position[:, None] + np.arange(field)])
    return np.stack(fragments)


def channel_motifs(cnn: SequenceCNN, layer: str, fragments: np.ndarray, l2: float, steps: int,
                   lr: float) -> np.ndarray:
    """(C, F, 4) each channel's motif: 004's L2-regularised ascent over its receptive field.

    From each of the channel's top ``fragments`` (:func:`top_fragments`; one-hot, N as a
    quarter of each base), gradient ascent of the channel's activation at the centre minus
    ``l2`` ||x||^2; then 004's heuristic thresholding: entries below ``THRESHOLD`` of the
    ascended fragment's largest are 0, each column is normalised to sum 1 (uniform if nothing
    is left) and the fragments are averaged. All channels' fragments are one batch.
    """
    channels, n, field = fragments.shape
    x = torch.as_tensor(one_hot(fragments.reshape(channels * n, field)))
    x = x + 0.25 * torch.as_tensor(fragments.reshape(channels * n, 1, field) == -1, dtype=torch.float32)
    channel = torch.arange(channels).repeat_interleave(n)
    centre = field // 2

    def activation(x):
        return _window_map(cnn, layer, x)[torch.arange(len(x)), channel, centre] - l2 * x.pow(2).sum(dim=(1, 2))

    ascended = _ascend(activation, x, steps, lr).numpy().astype(float)
    top = ascended.max(axis=(1, 2), keepdims=True)
    kept = np.where((ascended >= THRESHOLD * top) & (ascended > 0), ascended, 0.0)
    total = kept.sum(axis=1, keepdims=True)
    columns = np.where(total > 0, kept / np.where(total > 0, total, 1), 0.25)             # (C n, 4, F)
    return columns.reshape(channels, n, 4, field).mean(axis=1).transpose(0, 2, 1)


def trim(motif: np.ndarray, width: int) -> np.ndarray:
    """(F, 4) -> (min(F, width), 4): the span of ``width`` columns with the most information.
    RBP motifs are 4-8 nt; the uniform flanks of a wide receptive field only weaken Tomtom."""
    if len(motif) <= width:
        return motif
    start = int(np.argmax(np.convolve(information_content(motif), np.ones(width), mode="valid")))
    return motif[start:start + width]


def resolve(cnn: SequenceCNN, layer: str, n_starts: int, l2: float, steps: int, lr: float, seed: int) -> dict:
    """DeepResolve of every output of ``cnn`` at ``layer``.

    Returns a dict of arrays: fiv (T, O, C), score (T, O), weight (T, O), il (O, C),
    non_additive (O, C) bool, ofiv (O, C), similarity (O, O).
    """
    cnn.eval()
    with torch.no_grad():
        shape = feature_map(cnn, layer, torch.zeros(1, 4, len(WINDOWS) * WIDTH)).shape[1:]
    above = Above(cnn, layer)
    outputs = range(cnn.out.out_features)
    fiv, score = optimise(above, shape, outputs, n_starts, l2, steps, lr, seed)
    weight = start_weights(score)
    il = inconsistency(fiv, weight)
    inconsistent = np.stack([non_additive(row, seed) for row in il])
    ofiv = overall_importance(fiv, weight, inconsistent)
    return {"fiv": fiv, "score": score, "weight": weight, "il": il, "non_additive": inconsistent,
            "ofiv": ofiv, "similarity": similarity(ofiv)}
