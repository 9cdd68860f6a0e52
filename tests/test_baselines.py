"""The six baselines, against known answers on constructed reference sets."""
import eigflow
import numpy as np
import pytest
from conftest import LinearAutoencoder


def test_median_baseline_returns_the_points_closest_to_the_median():
    reference = np.array([[0.0, 0.0], [0.1, 0.0], [10.0, 10.0], [0.0, 0.2], [-9.0, 0.0]], np.float32)
    chosen = eigflow.select_baselines("median", reference, 2)
    # coordinate-wise median is (0, 0): the two nearest rows, not the farthest
    np.testing.assert_array_equal(chosen, reference[[0, 1]])


def test_close_baseline_skips_the_single_nearest_point():
    reference = np.arange(10, dtype=np.float32)[:, None] * np.ones((1, 3), np.float32)
    samples = np.array([[2.1, 2.1, 2.1], [7.9, 7.9, 7.9]], np.float32)
    chosen = eigflow.select_baselines("close", reference, 2, samples=samples)
    assert chosen.shape == (2, 2, 3)
    np.testing.assert_array_equal(chosen[0, :, 0], [3.0, 1.0])
    np.testing.assert_array_equal(chosen[1, :, 0], [7.0, 9.0])


def test_k_means_random_zero_and_encoded_zero():
    rng = np.random.default_rng(0)
    centres = np.array([[0, 0], [20, 0], [0, 20]], np.float32)
    reference = np.concatenate([c + rng.normal(size=(40, 2)) for c in centres]).astype(np.float32)
    km = eigflow.select_baselines("k-means", reference, 3, seed=0)
    assert np.abs(np.sort(km, axis=0) - np.sort(centres, axis=0)).max() < 0.6
    random = eigflow.select_baselines("random", reference, 5, seed=7)
    assert len({tuple(r) for r in random}) == 5
    np.testing.assert_array_equal(random, eigflow.select_baselines("random", reference, 5, seed=7))
    assert not eigflow.select_baselines("zero", reference, 3).any()
    ae = LinearAutoencoder(2)
    np.testing.assert_allclose(eigflow.select_baselines("encoded-zero", reference, 3, autoencoder=ae),
                               ae.c.numpy()[None], atol=1e-6)


def test_too_few_reference_points_is_an_error_naming_the_fix():
    with pytest.raises(ValueError, match="n_baselines"):
        eigflow.select_baselines("median", np.ones((2, 4)), 3)
    with pytest.raises(ValueError, match="at least 4"):
        eigflow.select_baselines("close", np.ones((3, 4)), 3, samples=np.ones((1, 4)))
    with pytest.raises(ValueError, match="'close' is chosen per sample: pass `samples`"):
        eigflow.select_baselines("close", np.ones((5, 4)), 3)
    with pytest.raises(ValueError, match="'encoded-zero' needs an `autoencoder`"):
        eigflow.select_baselines("encoded-zero", np.ones((5, 4)), 3)
    with pytest.raises(ValueError, match="`samples` or `reference` to know the point shape"):
        eigflow.select_baselines("zero")



def test_baselines_say_which_inputs_they_are_made_for():
    from eigflow_arms.common import methods

    six = ["zero", "encoded-zero", "k-means", "median", "close", "random"]
    assert methods.baselines() == six == methods.baselines("one-hot")
    assert methods.eig_methods() == [f"{p}.{b}" for b in six for p in eigflow.PATHS]
    with pytest.raises(ValueError, match="unknown inputs 'sequence'; valid inputs are: any, one-hot"):
        methods.baselines("sequence")
    with pytest.raises(ValueError, match="BaselineSpec 'x': `inputs` must be one of any, one-hot; got 'seq'"):
        eigflow.BaselineSpec("x", lambda *args: None, inputs="seq")
