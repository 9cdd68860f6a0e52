"""Attribution along the four paths: agreement with Captum, completeness, path geometry."""
import eigflow
import numpy as np
import pytest
import torch
from captum.attr import IntegratedGradients
from conftest import LinearAutoencoder, TanhAutoencoder


@pytest.mark.parametrize("baseline_kind", ["zero", "median"])
def test_o_l_ig_agrees_with_captum(mlp, data, baseline_kind):
    samples, reference = data
    res = eigflow.attribute(mlp, samples, path="O-L-IG", baseline=baseline_kind, reference=reference,
                            n_baselines=1, n_steps=250, target=2)
    # Captum's Gauss-Legendre rule is converged at 64 points for this smooth model; its
    # trapezoid weights sum to (n-1)/n and would bias the comparison by 0.4%.
    captum = IntegratedGradients(mlp.double()).attribute(
        torch.from_numpy(samples).double(), baselines=torch.from_numpy(res.baselines[:, 0]).double(),
        target=2, n_steps=64, method="gausslegendre").numpy()
    scale = np.abs(captum).max()
    assert np.abs(res.attributions - captum).max() <= 2e-4 * scale
    if baseline_kind == "zero":
        assert np.all(res.baselines == 0)


def test_completeness_error_falls_with_steps(mlp, data):
    samples, reference = data
    ae = TanhAutoencoder(12)
    errors = []
    for n_steps in (8, 32, 128, 512):
        res = eigflow.attribute(mlp, samples, path="H-L-IG", baseline="median", reference=reference,
                                n_baselines=2, n_steps=n_steps, autoencoder=ae, target=0)
        errors.append(res.completeness_error.mean())
    assert all(later < earlier for earlier, later in zip(errors, errors[1:])), errors
    assert errors[-1] < errors[0] / 50


def test_h_l_ig_with_invertible_linear_autoencoder_equals_o_l_ig(mlp, data):
    samples, reference = data
    ae = LinearAutoencoder(12)
    kwargs = dict(baseline="k-means", reference=reference, n_baselines=3, n_steps=64, target=1)
    hidden = eigflow.attribute(mlp, samples, path="H-L-IG", autoencoder=ae, **kwargs)
    original = eigflow.attribute(mlp, samples, path="O-L-IG", **kwargs)
    np.testing.assert_allclose(hidden.attributions, original.attributions, atol=2e-4, rtol=0)
    assert np.abs(original.attributions).max() > 1e-2


def test_per_baseline_attributions_are_averaged(mlp, data):
    samples, reference = data
    res = eigflow.attribute(mlp, samples, baseline="random", reference=reference, n_baselines=4,
                            n_steps=32, target=0, seed=3)
    assert res.per_baseline.shape == (6, 4, 12)
    np.testing.assert_allclose(res.per_baseline.mean(axis=1), res.attributions, rtol=1e-6)
    expected = res.output - res.baseline_output.mean(axis=1)
    np.testing.assert_allclose(res.attributions.sum(axis=1), expected, atol=5e-3)


def test_simple_gradients_is_gradient_times_input(mlp, data):
    samples, _ = data
    x = torch.from_numpy(samples).requires_grad_(True)
    mlp(x)[:, 1].sum().backward()
    np.testing.assert_allclose(eigflow.simple_gradients(mlp, samples, target=1),
                               (x.grad * x).detach().numpy(), rtol=1e-5, atol=1e-7)


def test_small_batches_give_the_same_answer(mlp, data):
    samples, reference = data
    kwargs = dict(path="O-L-IG", baseline="median", reference=reference, n_steps=40, target=2)
    whole = eigflow.attribute(mlp, samples, **kwargs).attributions
    batched = eigflow.attribute(mlp, samples, batch_size=40, **kwargs).attributions
    np.testing.assert_allclose(whole, batched, rtol=1e-5, atol=1e-7)


def test_a_confined_decoder_gives_a_feature_the_data_never_vary_no_attribution():
    # Feature 2 is 0 in every data point, but the decoder leaks 0.1 * z0 into it: along H-L-IG
    # from 0 to x = (a, b, 0) it rises to 0.1 a on the decoded part and falls back on the join,
    # and the model's gradient there, x0 + x1, differs between the two, so the leak is
    # attributed -(a + b) a / 20 (the same mechanism that makes MNIST's dead pixels significant).
    rng = np.random.default_rng(0)
    data = rng.uniform(0.2, 1.0, size=(50, 3)).astype(np.float32)
    data[:, 2] = 0.0
    class Leaky(torch.nn.Module):
        def encode(self, x):
            return x[:, :2]

        def decode(self, z):
            return torch.stack([z[:, 0], z[:, 1], 0.1 * z[:, 0]], dim=1)

    def model(x):
        return (x[:, 0] + x[:, 1]) * x[:, 2] + x[:, 0] * x[:, 1]

    samples = data[:6]
    runs = {name: eigflow.attribute(model, samples, path="H-L-IG", baseline="zero", n_steps=400,
                                    autoencoder=ae)
            for name, ae in (("leaky", Leaky()), ("confined", eigflow.Confined(Leaky(), data)))}
    a, b = samples[:, 0], samples[:, 1]
    np.testing.assert_allclose(runs["leaky"].attributions[:, 2], -(a + b) * a / 20, rtol=0.02)
    assert np.all(runs["confined"].attributions[:, 2] == 0.0)
    for res in runs.values():  # both paths end exactly at the baseline and the sample
        assert res.completeness_error.max() < 1e-3
    z = torch.as_tensor(rng.normal(0, 3, size=(100, 2)), dtype=torch.float32)
    decoded = eigflow.Confined(Leaky(), data).decode(z)
    assert torch.all(decoded >= torch.as_tensor(data.min(0))) and torch.all(decoded <= torch.as_tensor(data.max(0)))


def test_confined_refuses_data_of_another_width():
    class Identity(torch.nn.Module):
        def encode(self, x):
            return x

        def decode(self, z):
            return z

    with pytest.raises(ValueError, match="training data"):
        eigflow.Confined(Identity(), np.zeros((4, 3))).decode(torch.zeros(2, 5))
