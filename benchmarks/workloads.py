"""Models, data and measuring helpers shared by the benchmark scripts."""
from __future__ import annotations

import os
import platform
import time
from pathlib import Path

import numpy as np
import torch
from eigflow.integrate import gradients as eig_gradients
from torch import nn


def splicing_mlp(features: int, seed: int) -> nn.Module:
    torch.manual_seed(seed)
    return nn.Sequential(nn.Linear(features, 512), nn.ReLU(), nn.Linear(512, 256), nn.ReLU(),
                         nn.Linear(256, 1)).eval()


class PCAAutoencoder(nn.Module):
    """Linear autoencoder from the top principal components of the training points (closed
    form, no training): encode (x - mean) V, decode z V^T + mean. A random-weight network
    would reconstruct nothing, and H-N-IG's joins x' -> D(E(x')), D(E(x)) -> x would then
    dominate every comparison."""

    def __init__(self, points: np.ndarray, latent: int = 16):
        super().__init__()
        mean = points.mean(axis=0, dtype=np.float64)
        _, _, vt = np.linalg.svd(points - mean, full_matrices=False)
        self.enc = nn.Linear(points.shape[1], latent)
        self.dec = nn.Linear(latent, points.shape[1])
        v = torch.as_tensor(vt[:latent], dtype=torch.float32)
        m = torch.as_tensor(mean, dtype=torch.float32)
        with torch.no_grad():
            self.enc.weight.copy_(v)
            self.enc.bias.copy_(-(v @ m))
            self.dec.weight.copy_(v.T)
            self.dec.bias.copy_(m)
        self.requires_grad_(False)

    def encode(self, x):
        return self.enc(x.reshape(len(x), -1))

    def decode(self, z):
        return self.dec(z)


def mnist_vae_ffn(seed: int):
    from eigflow_arms.mnist import models as digits

    torch.manual_seed(seed)
    vae = digits.VAE(16)
    model = digits.ClassProbability(digits.JointModel(vae, digits.LatentClassifier(16))).eval()
    return model, vae.eval()


def manifold_points(n: int, d: int, labels: np.ndarray | None, seed: int, chunk: int = 8192):
    """n points in [0, 1]^d near an 8-dimensional manifold, two classes; (points, labels)."""
    rng = np.random.default_rng(seed)
    basis_rng = np.random.default_rng(12345)  # the manifold is shared by every call
    centers = basis_rng.normal(size=(2, 8)) * 0.5
    basis = basis_rng.normal(size=(8, d)) / np.sqrt(8)
    labels = rng.integers(0, 2, n) if labels is None else labels
    out = np.empty((n, d), dtype=np.float32)
    for lo in range(0, n, chunk):
        hi = min(n, lo + chunk)
        z = centers[labels[lo:hi]] + rng.normal(size=(hi - lo, 8))
        out[lo:hi] = 1 / (1 + np.exp(-(z @ basis + 0.3 * rng.normal(size=(hi - lo, d)))))
    return out, labels


def clock(fn):
    start = time.perf_counter()
    result = fn()
    return result, time.perf_counter() - start


def best_of(fn, repeats: int):
    """(result, fastest seconds) over ``repeats`` calls."""
    best = None
    for _ in range(max(1, repeats)):
        result, seconds = clock(fn)
        best = seconds if best is None else min(best, seconds)
    return result, best


def max_rel_diff(a: np.ndarray, b: np.ndarray) -> float:
    a = a.reshape(len(a), -1).astype(np.float64)
    b = b.reshape(len(b), -1).astype(np.float64)
    scale = np.maximum(np.abs(b).max(axis=1), 1e-30)
    return float((np.abs(a - b).max(axis=1) / scale).max())


def completeness(attr: np.ndarray, output: np.ndarray, baseline_output: np.ndarray) -> float:
    """Median |sum(attr) - (F(x) - mean_b F(x'_b))| relative to median |F(x) - mean_b F(x'_b)|."""
    gap = output - baseline_output.mean(axis=1)
    err = np.abs(attr.reshape(len(attr), -1).sum(axis=1, dtype=np.float64) - gap)
    return float(np.median(err) / max(np.median(np.abs(gap)), 1e-30))


def numpy_gradient_function(model, target, shape, batch: int, device):
    """The authors' gradient_function contract: (m, *shape) array -> (m, *shape) gradients."""
    def grad(points):
        flat = np.asarray(points).reshape(len(points), -1)
        out = np.empty(flat.shape, dtype=np.float32)
        for lo in range(0, len(flat), batch):
            pts = torch.as_tensor(np.ascontiguousarray(flat[lo:lo + batch], dtype=np.float32), device=device)
            g, _ = eig_gradients(model, pts, target, shape)
            out[lo:lo + len(pts)] = g.cpu().numpy()
        return out.reshape(np.shape(points))
    return grad


def eigflow_batch_points(n_steps: int, d: int, pairs: int) -> int:
    """Points per gradient batch of eigflow.attribute's default (whole paths, at most ``pairs``)."""
    from eigflow.attribute import default_batch_size

    return min(max(1, default_batch_size(n_steps, d) // n_steps), pairs) * n_steps


def graph_vertex_sets(rows: np.ndarray, lookup: dict) -> frozenset:
    """Indices of the graph points (exact float32 match) among a path's rows."""
    rows = np.ascontiguousarray(np.asarray(rows, dtype=np.float32).reshape(len(rows), -1))
    return frozenset(lookup[r.tobytes()] for r in rows if r.tobytes() in lookup)


def machine_line(threads: int, device) -> str:
    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import captum
    import scipy
    import sklearn

    gpu = f", GPU {torch.cuda.get_device_name()}" if torch.device(device).type == "cuda" else ""
    return (f"machine: {cpu} ({os.cpu_count()} logical CPUs){gpu}; {threads} thread(s); "
            f"torch {torch.__version__}, captum {captum.__version__}, numpy {np.__version__}, "
            f"scipy {scipy.__version__}, scikit-learn {sklearn.__version__}, "
            f"python {platform.python_version()}")


def sync(device):
    if torch.device(device).type == "cuda":
        torch.cuda.synchronize()
