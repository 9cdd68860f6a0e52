"""The baselines, against known answers on constructed reference sets and sequences."""
import eigflow
import numpy as np
import pytest
import torch
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


# -- the baselines of one-hot sequence models -----------------------------------------------------

def _one_hot(letters):
    """(s, 4, L) one-hot sequences of letter indices (s, L); -1 is an N, an all-zero column."""
    letters = np.asarray(letters)
    return ((letters[:, None, :] == np.arange(4)[None, :, None]) & (letters[:, None, :] >= 0)).astype(np.float32)


def _counts(x):
    """Each sequence's letter counts (s, 4) and dinucleotide counts (s, 4, 4), N pairs left out,
    read off the one-hot columns position by position."""
    mono, di = np.zeros((len(x), 4), int), np.zeros((len(x), 4, 4), int)
    for i, sequence in enumerate(x):
        letters = [int(np.flatnonzero(column)[0]) if column.any() else None for column in sequence.T]
        for letter in letters:
            if letter is not None:
                mono[i, letter] += 1
        for a, b in zip(letters, letters[1:]):
            if a is not None and b is not None:
                di[i, a, b] += 1
    return mono, di


def _conv_model(length):
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Conv1d(4, 3, 5), torch.nn.Tanh(), torch.nn.Flatten(),
                               torch.nn.Linear(3 * (length - 4), 1))


def test_uniform_is_a_quarter_for_rna_and_attribute_integrates_from_it(one_thread):
    x = _one_hot(np.random.default_rng(0).integers(0, 4, (3, 20)))
    chosen = eigflow.select_baselines("uniform", samples=x)
    assert chosen.shape == (1, 4, 20) and (chosen == 0.25).all()
    res = eigflow.attribute(_conv_model(20), x, baseline="uniform", n_steps=200, target=0)
    assert res.baselines.shape == (3, 1, 4, 20) and (res.baselines == 0.25).all()
    gap = np.abs(res.output - res.baseline_output[:, 0])
    assert gap.min() > 1e-3 and (res.completeness_error < 1e-3 * np.maximum(gap, 1.0)).all()
    with pytest.raises(ValueError, match="'uniform' is made for one-hot sequences.*`samples` holds a value"):
        eigflow.select_baselines("uniform", samples=np.full((2, 4, 8), 0.5))
    for images_or_features in (np.zeros((2, 1, 8, 8)), np.zeros((2, 12))):
        with pytest.raises(ValueError, match="'uniform' is made for one-hot.*`samples` has points of shape"):
            eigflow.select_baselines("uniform", samples=images_or_features)


def test_dinucleotide_shuffle_keeps_every_count_and_every_n(one_thread):
    letters = np.random.default_rng(1).integers(0, 4, (3, 40))
    letters[1, 10:13] = letters[1, 25] = letters[2, 0] = -1  # Ns: a run, a single one, a first letter
    x = _one_hot(letters)
    shuffles = eigflow.select_baselines("dinucleotide-shuffle", n=5, samples=x, seed=3)
    assert shuffles.shape == (3, 5, 4, 40) and shuffles.dtype == np.float32
    mono, di = _counts(x)
    for j in range(5):
        shuffled_mono, shuffled_di = _counts(shuffles[:, j])
        np.testing.assert_array_equal(shuffled_mono, mono)
        np.testing.assert_array_equal(shuffled_di, di)
        np.testing.assert_array_equal(shuffles[:, j].any(axis=1), x.any(axis=1))
    assert (shuffles != x[:, None]).any(axis=(2, 3)).all(), "a shuffle equal to its sample"
    np.testing.assert_array_equal(shuffles,
                                  eigflow.select_baselines("dinucleotide-shuffle", n=5, samples=x, seed=3))
    other = eigflow.select_baselines("dinucleotide-shuffle", n=5, samples=x, seed=4)
    assert (other != shuffles).any(axis=(2, 3)).all()
    res = eigflow.attribute(_conv_model(40), x, baseline="dinucleotide-shuffle", n_baselines=5, seed=3,
                            n_steps=20, target=0)
    np.testing.assert_array_equal(res.baselines, shuffles)


def test_baselines_say_which_inputs_they_are_made_for():
    from eigflow_arms.common import methods

    six = ["zero", "encoded-zero", "k-means", "median", "close", "random"]
    assert methods.baselines() == six
    assert methods.baselines("one-hot") == six + ["uniform", "dinucleotide-shuffle"]
    assert methods.eig_methods() == [f"{p}.{b}" for b in six for p in eigflow.PATHS]
    assert methods.eig_methods(inputs="one-hot")[-1] == "H-N-IG.dinucleotide-shuffle"
    with pytest.raises(ValueError, match="unknown inputs 'sequence'; valid inputs are: any, one-hot"):
        methods.baselines("sequence")
    with pytest.raises(ValueError, match="BaselineSpec 'x': `inputs` must be one of any, one-hot; got 'seq'"):
        eigflow.BaselineSpec("x", lambda *args: None, inputs="seq")
