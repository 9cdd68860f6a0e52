"""Bad input to the library raises an error that names the argument and the fix."""
import eigflow
import numpy as np
import pytest


def test_nan_samples(mlp):
    x = np.zeros((3, 12), np.float32)
    x[1, 4] = np.nan
    with pytest.raises(ValueError, match=r"`samples` holds 1 NaN/inf.*row\(s\) \[1\]"):
        eigflow.attribute(mlp, x, target=0)


def test_unknown_path_and_baseline_list_the_valid_ones(mlp, data):
    samples, reference = data
    with pytest.raises(ValueError, match="O-L-IG, H-L-IG, O-N-IG, H-N-IG"):
        eigflow.attribute(mlp, samples, path="straight", target=0)
    with pytest.raises(ValueError, match="zero, encoded-zero, k-means, median, close, random"):
        eigflow.attribute(mlp, samples, baseline="mean", reference=reference, target=0)


def test_hidden_path_without_autoencoder(mlp, data):
    with pytest.raises(ValueError, match="pass `autoencoder`"):
        eigflow.attribute(mlp, data[0], path="H-L-IG", target=0)


def test_mismatched_shapes(mlp, data):
    samples, reference = data
    with pytest.raises(ValueError, match="`reference` has points of shape"):
        eigflow.attribute(mlp, samples, baseline="median", reference=reference[:, :5], target=0)
    with pytest.raises(ValueError, match="`baseline` has points of shape"):
        eigflow.attribute(mlp, samples, baseline=np.zeros((2, 7)), target=0)


def test_reference_smaller_than_n_baselines(mlp, data):
    samples, reference = data
    with pytest.raises(ValueError, match="needs at least 3"):
        eigflow.attribute(mlp, samples, baseline="median", reference=reference[:2], n_baselines=3, target=0)


def test_multi_output_model_needs_a_target(mlp, data):
    with pytest.raises(ValueError, match="pass `target`"):
        eigflow.attribute(mlp, data[0])


def test_neighbour_path_without_graph(mlp, data):
    with pytest.raises(ValueError, match="NeighborGraph"):
        eigflow.attribute(mlp, data[0], path="O-N-IG", target=0)
