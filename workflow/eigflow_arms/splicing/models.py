"""The paper's splicing-code model: an (variational) autoencoder on the splicing features and a
feed-forward code network on its latent means plus two one-hot tissues (Methods, supp. S1).

Layout contract: events are rows of ``x``, an ``(n, d)`` float32 array of features min-max
scaled to [0, 1]; ``psi`` is ``(n, T)`` (E[PSI] per tissue) and ``dpsi`` is ``(n, T, T)`` with
``dpsi[e, a, b]`` = E[PSI_a - PSI_b] of event ``e``. Autoencoders map ``(n, d)`` to latent
means ``(n, latent_dim)`` and back to ``(n, d)`` in [0, 1]; :class:`DifferentialInclusion`
joins encoder and code into the function on R^d that attribution runs on.

Every nonlinearity is an ``nn.Module`` (never a functional call) and every module runs once
per forward pass, because shap's DeepExplainer rewrites gradients through module hooks that
store one input per module.
"""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable, Iterable
from itertools import permutations

import numpy as np
import pandas as pd
import torch
import torch.nn.functional as F
from eigflow.autoencoder import encode_numpy, module_device
from torch import nn

from eigflow_arms.common.io import atomic_path
from eigflow_arms.common.nets import VariationalAutoencoder, fit, mlp

__all__ = [
    "EPS_RANGE",
    "Autoencoder",
    "SplicingCode",
    "DifferentialInclusion",
    "train_autoencoder",
    "splicing_targets",
    "train_splicing_code",
    "centre_latent",
    "predict_pairs",
    "differential_auc",
    "pair_auc",
    "save_bundle",
    "load_bundle",
]

log = logging.getLogger(__name__)

#: Bounds of the uniform noise that floors the dPSI targets of non-changing events (Methods).
EPS_RANGE = (0.01, 0.03)


class Autoencoder(VariationalAutoencoder):
    """MLP autoencoder (or VAE) on features in [0, 1]: (n, d) -> latent means (n, latent_dim) -> (n, d).

    Parameters
    ----------
    n_features : int
        d, the input width.
    hidden : list of int
        Encoder hidden widths (ReLU); the decoder mirrors them.
    latent_dim : int
    variational : bool
        Add a log-variance head and train with the KL term; :meth:`encode` still returns the mean.
    """

    def __init__(self, n_features: int, hidden: Iterable[int], latent_dim: int, variational: bool):
        super().__init__(latent_dim)
        hidden = [int(h) for h in hidden]
        self.config = {"n_features": int(n_features), "hidden": hidden,
                       "latent_dim": int(latent_dim), "variational": bool(variational)}
        width = hidden[-1] if hidden else n_features
        self.encoder = nn.Sequential(*mlp([n_features, *hidden]), *([nn.ReLU()] if hidden else []))
        self.mu = nn.Linear(width, latent_dim)
        self.logvar = nn.Linear(width, latent_dim) if variational else None
        self.decoder = nn.Sequential(*mlp([latent_dim, *hidden[::-1], n_features]))

    def feature_weights(self) -> torch.Tensor:
        """(width, d) weights of the first layer that reads the features: column j is how
        strongly the encoder reads feature j."""
        return (self.encoder[0] if len(self.encoder) else self.mu).weight


class SplicingCode(nn.Module):
    """Code network: [z, onehot(t1), onehot(t2)] -> sigmoid outputs (n, 3).

    Columns are E[PSI] in t1, "up" (inclusion increase t1 vs t2) and "down" (its decrease),
    the targets of :func:`splicing_targets`.

    Parameters
    ----------
    latent_dim : int
    n_tissues : int
        T, the width of each one-hot tissue input.
    hidden : list of int
        ReLU hidden widths.
    """

    def __init__(self, latent_dim: int, n_tissues: int, hidden: Iterable[int]):
        super().__init__()
        hidden = [int(h) for h in hidden]
        self.config = {"latent_dim": int(latent_dim), "n_tissues": int(n_tissues), "hidden": hidden}
        self.n_tissues = int(n_tissues)
        self.body = nn.Sequential(*mlp([latent_dim + 2 * n_tissues, *hidden, 3]))
        self.output = nn.Sigmoid()

    def logits(self, z: torch.Tensor, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        """z: (n, latent_dim); t1, t2: (n,) int64 tissue indices -> pre-sigmoid outputs (n, 3)."""
        onehot = [F.one_hot(t, self.n_tissues).to(z.dtype) for t in (t1, t2)]
        return self.body(torch.cat([z, *onehot], dim=1))

    def forward(self, z: torch.Tensor, t1: torch.Tensor, t2: torch.Tensor) -> torch.Tensor:
        return self.output(self.logits(z, t1, t2))


class DifferentialInclusion(nn.Module):
    """Encoder and code joined: x (m, d) -> (m,) predicted up + down of ``tissue`` against each
    of ``others``, averaged over them; the model the splicing attributions explain.

    Shares (does not copy) the modules of ``autoencoder`` and ``code``.
    """

    def __init__(self, autoencoder: Autoencoder, code: SplicingCode, tissue: int, others: list[int]):
        super().__init__()
        others = [int(t) for t in others]
        if not others or tissue in others or not all(0 <= t < code.n_tissues for t in [tissue, *others]):
            raise ValueError(f"need tissue {tissue} and distinct others {others} in [0, {code.n_tissues})")
        self.autoencoder, self.code, self.tissue = autoencoder, code, int(tissue)
        self.register_buffer("others", torch.tensor(others), persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        k = len(self.others)
        # All pairs in one pass of the code network (DeepExplainer hooks allow one call per
        # module). repeat_interleave, not repeat: DeepExplainer splits every module's batch into
        # sample and reference halves, which stay row-aligned only if each event's k rows are
        # contiguous.
        z = self.autoencoder.encode(x).repeat_interleave(k, dim=0)
        t2 = self.others.repeat(len(x))
        out = self.code(z, torch.full_like(t2, self.tissue), t2)
        return (out[:, 1] + out[:, 2]).reshape(len(x), k).mean(dim=1)


# ---------------------------------------------------------------------------------------- training


def _tensor(x) -> torch.Tensor:
    return torch.as_tensor(np.asarray(x), dtype=torch.float32)


def train_autoencoder(
    x_train,
    hidden: Iterable[int],
    latent_dim: int,
    variational: bool,
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    log: Callable[[str], None] = log.info,
) -> Autoencoder:
    """Train an :class:`Autoencoder` with BCE reconstruction (+ KL for the VAE).

    Parameters
    ----------
    x_train : array-like, (n, d)
        Features in [0, 1].
    hidden, latent_dim, variational
        As :class:`Autoencoder`.
    epochs, batch_size, lr, seed
        Adam settings; ``seed`` fixes initialisation, batch order and VAE noise.
    log : callable
        Receives one line per epoch (mean loss, seconds).

    Returns
    -------
    Autoencoder
        In eval mode.
    """
    x = _tensor(x_train)
    torch.manual_seed(seed)
    ae = Autoencoder(x.shape[1], hidden, latent_dim, variational)

    ae.train()
    fit("vae" if variational else "autoencoder", (x,), ae.negative_elbo, list(ae.parameters()),
            epochs, batch_size, lr, seed, log)
    return ae.eval()


def splicing_targets(psi, dpsi, t1, t2, rng: np.random.Generator) -> np.ndarray:
    """The code network's three targets for (event, t1, t2) rows.

    The paper's targets are E[PSI], |max(eps, E[dPSI])| and |min(eps, E[dPSI])|. The last,
    read literally, would be eps for every increase; it is read as intended: the magnitude
    of a decrease, floored at eps, i.e. max(eps, -E[dPSI]). Both dPSI targets are therefore
    >= eps, and a non-changing event has up = down = eps.

    Parameters
    ----------
    psi : (m, T) array
    dpsi : (m, T, T) array
        ``dpsi[e, a, b]`` = E[PSI_a - PSI_b].
    t1, t2 : int arrays of shape (m,) or (m, k)
        Tissue pairs; row ``e`` of ``t1``/``t2`` belongs to event ``e``.
    rng : numpy Generator
        Draws eps ~ U(0.01, 0.03), one per (event, pair), shared by up and down.

    Returns
    -------
    (*t1.shape, 3) float32 array
        E[PSI_t1], max(eps, dPSI), max(eps, -dPSI).
    """
    t1, t2 = np.asarray(t1), np.asarray(t2)
    rows = np.arange(len(t1)).reshape(-1, *[1] * (t1.ndim - 1))
    d = np.asarray(dpsi)[rows, t1, t2]
    eps = rng.uniform(*EPS_RANGE, size=d.shape)
    return np.stack([np.asarray(psi)[rows, t1], np.maximum(eps, d), np.maximum(eps, -d)],
                    axis=-1).astype(np.float32)


def train_splicing_code(
    autoencoder: Autoencoder,
    x,
    psi,
    dpsi,
    train_rows,
    hidden: Iterable[int],
    epochs: int,
    batch_size: int,
    lr: float,
    seed: int,
    dpsi_weight: float = 1.0,
    fine_tune: bool = False,
    reconstruction_weight: float = 1.0,
    feature_sparsity: float = 0.0,
    log: Callable[[str], None] = log.info,
) -> tuple[Autoencoder, SplicingCode]:
    """Train a :class:`SplicingCode` on the encoder's latent means, the encoder frozen or fine-tuned.

    Every training event contributes all its ordered tissue pairs t1 != t2, T * (T - 1) rows,
    with BCE on the three sigmoid outputs against :func:`splicing_targets`. The loss of an
    event is its summed BCE over those rows, the two dPSI targets weighted ``dpsi_weight``.

    Frozen (``fine_tune=False``), this is the paper's two-step training: the code learns from
    the autoencoder's latent means as they are. Fine-tuned, a copy of the autoencoder trains
    with the code, on the code's loss plus ``reconstruction_weight`` times its own loss
    (:meth:`~eigflow_arms.common.nets.VariationalAutoencoder.negative_elbo`, summed over the
    features), so that the latent space keeps what the splicing targets need while the
    decoder still inverts the encoder, as the latent paths and encoded-zero require.
    ``feature_sparsity`` adds a group lasso on the encoder's reading of each feature (the sum
    over features of the norm of their column in the first layer): most of the d features
    carry no splicing signal, and without it the fine-tuned encoder fits their noise.

    Parameters
    ----------
    autoencoder : Autoencoder
        Trained; it is never modified.
    x : (n, d) array
    psi : (n, T) array
    dpsi : (n, T, T) array
    train_rows : (n_train,) int array
        Events of ``x`` to train on.
    hidden : list of int
        Code network hidden widths.
    epochs, batch_size, lr, seed
        Adam settings, ``batch_size`` in events, the rate annealed to 0 (cosine); ``seed``
        fixes initialisation, batch order, the eps noise and the VAE's noise.
    dpsi_weight : float
        Weight of the up and down targets against E[PSI]: most (event, pair) rows do not
        change, and the differential targets are what attribution explains.
    fine_tune : bool
    reconstruction_weight, feature_sparsity : float
        Only with ``fine_tune``.
    log : callable
        Receives one line per epoch.

    Returns
    -------
    autoencoder : Autoencoder
        ``autoencoder`` itself, or its fine-tuned copy; in eval mode.
    code : SplicingCode
        In eval mode.
    """
    train_rows = np.asarray(train_rows)
    psi, dpsi = np.asarray(psi)[train_rows], np.asarray(dpsi)[train_rows]
    n, n_tissues = psi.shape
    pairs = np.array(list(permutations(range(n_tissues), 2)))
    y = splicing_targets(psi, dpsi, np.broadcast_to(pairs[:, 0], (n, len(pairs))),
                         np.broadcast_to(pairs[:, 1], (n, len(pairs))), np.random.default_rng(seed))
    if not np.isfinite(y).all():
        raise ValueError("psi/dpsi of the training events hold NaN/inf; drop or impute those events")
    y = torch.from_numpy(y)
    x = _tensor(np.asarray(x, dtype=np.float32)[train_rows])
    t1, t2 = (torch.from_numpy(pairs[:, k].astype(np.int64)) for k in (0, 1))
    weight = torch.tensor([1.0, dpsi_weight, dpsi_weight])

    if fine_tune:
        autoencoder, frozen = copy.deepcopy(autoencoder).train(), None
    else:
        frozen = torch.from_numpy(encode_numpy(autoencoder.eval(), x.numpy()))
    torch.manual_seed(seed)
    code = SplicingCode(autoencoder.latent_dim, n_tissues, hidden)
    code.train()

    def loss(idx):
        z = autoencoder.encode(x[idx]) if fine_tune else frozen[idx]
        # Each event's pairs are contiguous rows, so one latent code serves all of them.
        rows = len(idx) * len(pairs)
        logits = code.logits(z.repeat_interleave(len(pairs), dim=0), t1.repeat(len(idx)), t2.repeat(len(idx)))
        bce = F.binary_cross_entropy_with_logits(logits, y[idx].reshape(rows, 3), reduction="none")
        total = (bce * weight).sum() / len(idx)
        if fine_tune:
            total = (total + reconstruction_weight * autoencoder.negative_elbo(x[idx])
                     + feature_sparsity * autoencoder.feature_weights().norm(dim=0).sum())
        return total

    params = list(code.parameters()) + (list(autoencoder.parameters()) if fine_tune else [])
    # Annealed: at a constant rate the ranking of cassette exons by predicted change moves from
    # epoch to epoch by as much as 0.2 test AUC (0.53-0.74 on the default data) without settling.
    fit("splicing code" + (" + autoencoder" if fine_tune else ""), (torch.arange(n),), loss, params,
        epochs, batch_size, lr, seed, log, anneal=True)
    return autoencoder.eval(), code.eval()


@torch.no_grad()
def centre_latent(autoencoder: Autoencoder, code: SplicingCode, x_train) -> tuple[Autoencoder, SplicingCode]:
    """Copies of both models whose latent origin is the mean latent code of ``x_train``.

    The paper's encoded-zero baseline, the decoded latent origin, "represents the mean of the
    data on which the autoencoder was trained". Nothing in training puts the data there
    (measured on the default data: D(0) lies 1.8 from the data mean, D(mean code) 0.2, with F
    at the 91st and the 49th percentile of the events), so the latent space is shifted by
    its mean code z_bar: the encoder's mean head subtracts it and the decoder's and the code
    network's first layers add it back. Every composition the workflow uses (the joined
    model, decode(encode(x)), latent paths, which are linear in z) is unchanged; only the
    origin moves, to D(z_bar). A VAE's codes already centre near 0 (its prior), so the shift
    is small there.

    Parameters
    ----------
    autoencoder, code : the trained models (not modified)
    x_train : (n, d) array
        The autoencoder's training features.

    Returns
    -------
    (Autoencoder, SplicingCode)
        Centred copies, in eval mode.
    """
    autoencoder, code = copy.deepcopy(autoencoder).eval(), copy.deepcopy(code).eval()
    z_bar = torch.from_numpy(encode_numpy(autoencoder, np.asarray(x_train, dtype=np.float32)).mean(axis=0))
    autoencoder.mu.bias -= z_bar
    first = autoencoder.decoder[0]
    first.bias += first.weight @ z_bar
    reads = code.body[0]
    reads.bias += reads.weight[:, :len(z_bar)] @ z_bar
    return autoencoder, code


# -------------------------------------------------------------------------------------- evaluation


@torch.no_grad()
def _predict_latent(code: SplicingCode, z: np.ndarray, t1, t2, batch_size: int) -> np.ndarray:
    dev = module_device(code)
    t1, t2 = (torch.as_tensor(np.asarray(t, dtype=np.int64)).expand(len(z)) for t in (t1, t2))
    z = torch.as_tensor(z)
    out = [code(*(a[i:i + batch_size].to(dev) for a in (z, t1, t2))).cpu()
           for i in range(0, len(z), batch_size)]
    return torch.cat(out).numpy()


def predict_pairs(autoencoder: Autoencoder, code: SplicingCode, x, t1, t2,
                  batch_size: int = 4096) -> np.ndarray:
    """Code outputs for events ``x`` (m, d) and tissues ``t1``, ``t2`` (ints or (m,) arrays).

    Returns
    -------
    (m, 3) float32 array
        E[PSI_t1], up, down.
    """
    autoencoder.eval()
    code.eval()
    z = encode_numpy(autoencoder, np.asarray(x, dtype=np.float32), batch_size)
    return _predict_latent(code, z, t1, t2, batch_size)


def differential_auc(model, x, labels, batch_size: int = 4096) -> float:
    """ROC AUC of a differential-inclusion score against boolean ``labels`` (m,).

    ``model`` is a :class:`DifferentialInclusion` (or any module mapping (m, d) tensors to
    (m,)), or a plain callable on (m, d) numpy arrays.
    """
    x = np.asarray(x, dtype=np.float32)
    if isinstance(model, nn.Module):
        model.eval()
        with torch.no_grad():
            scores = np.concatenate([model(torch.as_tensor(x[i:i + batch_size], device=module_device(model)))
                                     .cpu().numpy() for i in range(0, len(x), batch_size)])
    else:
        scores = np.asarray(model(x))
    return _auc(labels, scores)


def _auc(labels, scores) -> float:
    from sklearn.metrics import (
        roc_auc_score,  # 1 s to import: attribution jobs, which load models, never score
    )

    return float(roc_auc_score(np.asarray(labels, dtype=bool), scores))


def pair_auc(
    autoencoder: Autoencoder,
    code: SplicingCode,
    x,
    dpsi,
    p_change,
    tissue_pairs,
    threshold: float = 0.2,
    probability: float = 0.9,
) -> pd.DataFrame:
    """Per tissue pair, how well predicted up + down separates changing from non-changing events.

    An event changes between t1 and t2 when P(|dPSI| >= threshold) >= ``probability`` and is
    non-changing when that probability is <= 1 - ``probability``; events in between are left
    out, so the AUC measures the confident calls.

    Parameters
    ----------
    x : (n, d) array
    dpsi : (n, T, T) array
        Used only when ``p_change`` is None: the point estimate then decides, P = 1[|dPSI| >= threshold].
    p_change : (n, T, T) array or None
        P(|dPSI_{t1,t2}| >= threshold), e.g. from MAJIQ.
    tissue_pairs : iterable of (t1, t2)
    threshold : float
    probability : float
        Confidence for both calls, > 0.5.

    Returns
    -------
    DataFrame
        Columns ``t1, t2, n_changing, n_unchanged, auc``; auc is NaN where a class is empty.
    """
    if p_change is None:
        p_change = (np.abs(np.asarray(dpsi)) >= threshold).astype(np.float32)
    p_change = np.asarray(p_change)
    code.eval()
    z = encode_numpy(autoencoder.eval(), np.asarray(x, dtype=np.float32))
    rows = []
    for a, b in tissue_pairs:
        p = p_change[:, a, b]
        changing, unchanged = p >= probability, p <= 1 - probability
        keep = changing | unchanged
        auc = np.nan
        if changing.any() and unchanged.any():
            out = _predict_latent(code, z[keep], a, b, 4096)
            auc = _auc(changing[keep], out[:, 1] + out[:, 2])
        rows.append({"t1": int(a), "t2": int(b), "n_changing": int(changing.sum()),
                     "n_unchanged": int(unchanged.sum()), "auc": auc})
    return pd.DataFrame(rows, columns=["t1", "t2", "n_changing", "n_unchanged", "auc"])


# ------------------------------------------------------------------------------------- save, load


def _check_plain(value, where: str) -> None:
    """Raise unless ``value`` is something torch.load(weights_only=True) can read back."""
    if isinstance(value, dict):
        for k, v in value.items():
            _check_plain(k, where)
            _check_plain(v, f"{where}[{k!r}]")
    elif isinstance(value, (list, tuple)):
        for i, v in enumerate(value):
            _check_plain(v, f"{where}[{i}]")
    # Exact types: numpy scalars subclass float but only unpickle with weights_only=False.
    elif not (value is None or type(value) in (str, int, float, bool) or isinstance(value, torch.Tensor)):
        raise TypeError(f"{where} is a {type(value).__name__}; store plain Python values "
                        "(e.g. float(x), x.tolist()) so the bundle loads with weights_only=True")


def save_bundle(path: str | os.PathLike, autoencoder: Autoencoder, code: SplicingCode, meta: dict) -> None:
    """Save autoencoder + code (constructor args and state dicts) and ``meta`` to one .pt file, atomically.

    ``meta`` must hold plain Python values and tensors only.
    """
    _check_plain(meta, "meta")
    blob = {"meta": meta, **{name: {"config": m.config, "state_dict": m.state_dict()}
                             for name, m in (("autoencoder", autoencoder), ("code", code))}}
    with atomic_path(path) as tmp:
        torch.save(blob, tmp)


def load_bundle(path: str | os.PathLike) -> tuple[Autoencoder, SplicingCode, dict]:
    """Load a file written by :func:`save_bundle`; both models come back in eval mode."""
    blob = torch.load(path, map_location="cpu", weights_only=True)
    ae = Autoencoder(**blob["autoencoder"]["config"])
    code = SplicingCode(**blob["code"]["config"])
    ae.load_state_dict(blob["autoencoder"]["state_dict"])
    code.load_state_dict(blob["code"]["state_dict"])
    return ae.eval(), code.eval(), blob["meta"]
