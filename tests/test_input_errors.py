"""Bad input to the library raises an error that names the argument and the fix."""
import types

import eigflow
import numpy as np
import pytest
import torch


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


def test_target_out_of_range_is_refused_before_any_gradient(mlp, data):
    samples, _ = data
    backward = []
    mlp.register_full_backward_hook(lambda *args: backward.append(1))
    with pytest.raises(ValueError, match=r"`target`=3 out of range .* 3 outputs per sample; `target` must be in 0\.\.2"):
        eigflow.attribute(mlp, samples, target=3)
    with pytest.raises(ValueError, match=r"targets from -1 to 2 out of range"):
        eigflow.attribute(mlp, samples, target=[0, 1, 2, -1, 0, 0])
    with pytest.raises(ValueError, match=r"must be in 0\.\.2"):
        eigflow.simple_gradients(mlp, samples, target=5)
    assert backward == []
    for wrong in (True, [0.0] * 6, "2"):
        with pytest.raises(ValueError, match=r"`target` must be an int or 6 ints"):
            eigflow.attribute(mlp, samples, target=wrong)


@pytest.mark.parametrize("name, value", [("n_steps", 2.5), ("n_steps", True), ("n_baselines", 1.0),
                                         ("batch_size", "64")])
def test_counts_must_be_ints(mlp, data, name, value):
    with pytest.raises(TypeError, match=rf"`{name}` must be an int"):
        eigflow.attribute(mlp, data[0], target=0, **{name: value})


def test_n_steps_below_two(mlp, data):
    with pytest.raises(ValueError, match=r"`n_steps` must be >= 2 \(both path ends\); got 1"):
        eigflow.attribute(mlp, data[0], target=0, n_steps=1)


def test_a_model_must_return_a_tensor(mlp, data):
    with pytest.raises(TypeError, match=r"model \(<lambda>\) returned a tuple \(a tuple: return the one output"):
        eigflow.attribute(lambda x: (mlp(x), x), data[0], target=0, n_steps=4)
    with pytest.raises(TypeError, match=r"model \(to_numpy\) returned a ndarray; it must return a tensor"):
        def to_numpy(x):
            return mlp(x).detach().numpy()
        eigflow.simple_gradients(to_numpy, data[0], target=0)
    with pytest.raises(ValueError, match=r"returned shape \(\) for 6 points"):
        eigflow.simple_gradients(lambda x: mlp(x).sum(), data[0])


def test_an_autoencoder_must_encode_and_decode_to_the_samples_width(mlp, data):
    samples, _ = data
    with pytest.raises(TypeError, match=r"`autoencoder` \(Linear\) has no callable `encode` or `decode`"):
        eigflow.attribute(mlp, samples, path="H-L-IG", autoencoder=torch.nn.Linear(12, 3), target=0)
    narrow = types.SimpleNamespace(encode=lambda x: x[:, :3], decode=lambda z: torch.cat([z, z], dim=1))
    with pytest.raises(ValueError, match=r"`autoencoder.decode` returns points of 6 values .* samples have 12"):
        eigflow.attribute(mlp, samples, path="H-L-IG", autoencoder=narrow, target=0, n_steps=4)
    scalar = types.SimpleNamespace(encode=lambda x: x.sum(), decode=lambda z: z)
    with pytest.raises(TypeError, match=r"`autoencoder.encode` returned shape \(\) for 6 points"):
        eigflow.attribute(mlp, samples, path="H-L-IG", autoencoder=scalar, target=0, n_steps=4)


class _BlowsUp(torch.nn.Module):
    """Finite while the first feature stays below 0.55, inf beyond."""

    def forward(self, x):
        return x.sum(1) / (x[:, 0] < 0.55).to(x.dtype)


def test_non_finite_outputs_along_a_path_name_the_sample_and_the_point():
    samples = np.array([[0.5, 0.5], [1.0, 1.0]], np.float32)
    with pytest.raises(FloatingPointError, match=r"NaN/inf at point 6 of 11 \(0 = baseline, 10 = sample\) on the "
                                                 r"path to sample 1 from its baseline 0"):
        eigflow.attribute(_BlowsUp(), samples, baseline=np.zeros((1, 2), np.float32), n_steps=11)
    with pytest.raises(FloatingPointError, match="NaN/inf at sample 1"):
        eigflow.simple_gradients(_BlowsUp(), samples)


def test_dtype_and_device_clashes_are_explained(data):
    double = torch.nn.Linear(12, 1).double()
    with pytest.raises(RuntimeError, match=r"failed on points of dtype torch.float32 .* a plain callable in float32"):
        eigflow.attribute(lambda x: double(x), data[0], n_steps=4)
    with pytest.raises(ValueError, match=r"`device`='cuda:99' is not available here"):
        eigflow.attribute(torch.nn.Linear(12, 1), data[0], n_steps=4, device="cuda:99")
