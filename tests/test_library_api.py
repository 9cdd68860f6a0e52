"""The library's face: path and baseline registries, and what a new one takes."""
import numpy as np
import pytest
import torch

import eigflow
from conftest import TanhAutoencoder

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture
def registry():
    """Whatever a test registers is gone after it."""
    paths = dict(eigflow.PATHS)
    yield
    eigflow.PATHS.clear()
    eigflow.PATHS.update(paths)


def test_paths_are_the_papers_four_and_say_what_they_need():
    assert list(eigflow.PATHS) == ["O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG"]
    needs = {name: (spec.needs_autoencoder, spec.needs_graph) for name, spec in eigflow.PATHS.items()}
    assert needs == {"O-L-IG": (False, False), "H-L-IG": (True, False),
                     "O-N-IG": (False, True), "H-N-IG": (True, True)}


def test_a_registered_path_is_built_from_its_space_and_route(registry, mlp, data):
    samples, reference = data
    ae = TanhAutoencoder(12)
    eigflow.register_path(eigflow.PathSpec("X-L-IG", "input", "line"))
    eigflow.register_path(eigflow.PathSpec("Z-L-IG", "latent", "line"))
    kwargs = dict(baseline="median", reference=reference, n_steps=30, target=2, autoencoder=ae)
    for copy, original in (("X-L-IG", "O-L-IG"), ("Z-L-IG", "H-L-IG")):
        np.testing.assert_array_equal(eigflow.attribute(mlp, samples, path=copy, **kwargs).per_baseline,
                                      eigflow.attribute(mlp, samples, path=original, **kwargs).per_baseline)
    with pytest.raises(ValueError, match="pass `autoencoder`"):
        eigflow.attribute(mlp, samples, path="Z-L-IG", baseline="zero", target=0)


def test_a_fifth_path_through_a_midpoint(registry, mlp, data):
    samples, reference = data

    def via_midpoint(starts, ends):
        return torch.stack([starts, (starts + ends) / 2 + 3.0 * torch.tensor([1.0, -1.0]).repeat(6), ends], dim=1)

    eigflow.register_path(eigflow.PathSpec("M-L-IG", "input", "line", polyline=via_midpoint))
    assert list(eigflow.PATHS)[-1] == "M-L-IG"
    kwargs = dict(baseline="median", reference=reference, n_baselines=2, n_steps=400, target=1)
    bent = eigflow.attribute(mlp, samples, path="M-L-IG", **kwargs)
    straight = eigflow.attribute(mlp, samples, path="O-L-IG", **kwargs)
    # Completeness holds along any path; the attributions themselves depend on it.
    assert bent.completeness_error.max() < 2e-3 * max(1.0, np.abs(bent.output).max())
    np.testing.assert_allclose(bent.output, straight.output, rtol=0, atol=0)
    assert np.abs(bent.attributions - straight.attributions).max() > 0.1 * np.abs(straight.attributions).max()
    # A spec can also be passed without registering it.
    np.testing.assert_array_equal(
        eigflow.attribute(mlp, samples, path=eigflow.PathSpec("unnamed", "input", "line", via_midpoint),
                          **kwargs).attributions, bent.attributions)


def test_registering_checks_the_spec(registry):
    with pytest.raises(ValueError, match="already registered; pass replace=True"):
        eigflow.register_path(eigflow.PathSpec("O-L-IG", "input", "line"))
    with pytest.raises(ValueError, match="`space` must be one of input, latent; got 'hidden'"):
        eigflow.PathSpec("X", "hidden", "line")
    with pytest.raises(ValueError, match="`route` must be one of line, graph"):
        eigflow.PathSpec("X", "input", "curve")
    with pytest.raises(TypeError, match="PathSpec"):
        eigflow.register_path("X-L-IG")
    with pytest.raises(ValueError, match="unknown path 'X-L-IG'; valid paths are: O-L-IG, H-L-IG, O-N-IG, H-N-IG$"):
        eigflow.attribute(torch.nn.Linear(2, 1), np.zeros((1, 2), np.float32), path="X-L-IG")


def test_graph_paths_need_a_graph_in_their_own_space(mlp):
    rng = np.random.default_rng(3)
    train = rng.normal(size=(100, 12)).astype(np.float32)
    latent = eigflow.NeighborGraph(train, k=8, autoencoder=TanhAutoencoder(12))
    with pytest.raises(ValueError, match="'O-N-IG' needs a NeighborGraph built in input space"):
        eigflow.attribute(mlp, train[:2], path="O-N-IG", baseline=train[5:7], neighbors=latent, target=0)
