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
    saved = [(registry, dict(registry)) for registry in (eigflow.PATHS, eigflow.BASELINES)]
    yield
    for registry, entries in saved:
        registry.clear()
        registry.update(entries)


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


def test_baselines_are_the_papers_six_and_say_what_they_need():
    assert list(eigflow.BASELINES) == ["zero", "encoded-zero", "k-means", "median", "close", "random"]
    needs = {name: (spec.needs_reference, spec.needs_autoencoder, spec.per_sample)
             for name, spec in eigflow.BASELINES.items()}
    assert needs == {"zero": (False, False, False), "encoded-zero": (False, True, False),
                     "k-means": (True, False, False), "median": (True, False, False),
                     "close": (True, False, True), "random": (True, False, False)}


def test_a_seventh_baseline_registered_by_name(registry, mlp, data):
    samples, reference = data

    def mean_of_reference(reference, n, samples, autoencoder, seed):
        return reference.mean(axis=0, keepdims=True)

    eigflow.register_baseline(eigflow.BaselineSpec("dummy", mean_of_reference, needs_reference=True))
    assert list(eigflow.BASELINES)[-1] == "dummy"
    kwargs = dict(n_steps=30, target=2)
    res = eigflow.attribute(mlp, samples, baseline="dummy", reference=reference, **kwargs)
    explicit = eigflow.attribute(mlp, samples, baseline=reference.mean(axis=0, keepdims=True), **kwargs)
    np.testing.assert_array_equal(res.attributions, explicit.attributions)
    np.testing.assert_array_equal(res.baselines[:, 0], np.broadcast_to(reference.mean(axis=0), (6, 12)))
    # select_baselines checks what the spec says it needs before calling it.
    with pytest.raises(ValueError, match="baseline 'dummy' draws from a reference class: pass `reference`"):
        eigflow.attribute(mlp, samples, baseline="dummy", **kwargs)
    with pytest.raises(ValueError, match="already registered"):
        eigflow.register_baseline(eigflow.BaselineSpec("dummy", mean_of_reference))
    with pytest.raises(TypeError, match="`fn` must be callable"):
        eigflow.BaselineSpec("broken", "not a function")


def _shuffles(samples, n, seed):
    """Each sample's features permuted ``n`` times: (s, n, d)."""
    rng = np.random.default_rng(seed)
    return np.stack([[rng.permutation(x) for _ in range(n)] for x in np.asarray(samples)])


def test_a_callable_baseline_equals_the_points_it_returns(mlp, data):
    samples, _ = data
    kwargs = dict(n_steps=30, target=1)
    called = eigflow.attribute(mlp, samples, baseline=_shuffles, n_baselines=3, seed=4, **kwargs)
    explicit = eigflow.attribute(mlp, samples, baseline=_shuffles(samples, n=3, seed=4), **kwargs)
    assert called.baselines.shape == (6, 3, 12)
    np.testing.assert_array_equal(called.baselines, explicit.baselines)
    np.testing.assert_array_equal(called.per_baseline, explicit.per_baseline)
    as_tensor = eigflow.attribute(mlp, samples, baseline=lambda x, n, seed: torch.from_numpy(_shuffles(x, n, seed)),
                                  n_baselines=3, seed=4, **kwargs)
    np.testing.assert_array_equal(as_tensor.per_baseline, explicit.per_baseline)
