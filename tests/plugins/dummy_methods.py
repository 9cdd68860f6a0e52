"""A fifth path and a seventh baseline, each one registration: the workflow's ``plugins``
config key loads this file (tests/test_registries.py), as a user would load their own."""
import eigflow
import numpy as np
import torch

# A straight line bent through a point a fifth of the way off the chord: a different path
# through input space with the same two ends.
PATH = "B-L-IG"
BASELINE = "mean"


def bent(starts: torch.Tensor, ends: torch.Tensor) -> torch.Tensor:
    middle = (starts + ends) / 2 + 0.2 * (ends - starts).roll(1, dims=1)
    return torch.stack([starts, middle, ends], dim=1)


def mean_of_reference(reference, n, samples, autoencoder, seed):
    return reference.mean(axis=0, keepdims=True).astype(np.float32)


eigflow.register_path(eigflow.PathSpec(PATH, space="input", route="line", polyline=bent), replace=True)
eigflow.register_baseline(eigflow.BaselineSpec(BASELINE, mean_of_reference, needs_reference=True),
                          replace=True)
