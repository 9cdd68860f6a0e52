"""Splicing-code models: autoencoders, targets, the code network, the joined model, Deep SHAP,
latent stability and bundles."""

import numpy as np
import pytest
import torch
from eigflow_arms.splicing.models import (
    Autoencoder,
    DifferentialInclusion,
    SplicingCode,
    differential_auc,
    load_bundle,
    pair_auc,
    predict_pairs,
    save_bundle,
    splicing_targets,
    train_autoencoder,
    train_splicing_code,
)
from eigflow_arms.splicing.stability import INPUT, latent_stability, stability_table

FIT = {"batch_size": 64, "lr": 3e-3, "log": lambda line: None}
CODE_FIT = {**FIT, "batch_size": 8}  # events, each with all its tissue pairs

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def low_rank():
    """600 events x 40 features in [0, 1] driven by 4 latent factors."""
    rng = np.random.default_rng(0)
    factors = rng.normal(size=(600, 4))
    loadings = rng.normal(size=(4, 40)) * 1.5
    return (1 / (1 + np.exp(-factors @ loadings))).astype(np.float32)


@pytest.fixture(scope="module")
def events():
    """400 events over 3 tissues: only tissue 0 differs, by +-0.4 PSI, as feature 0 is high or low.

    The 8 features derive from 3 factors (feature 0 is the first), so a 4-dimensional latent
    space can keep feature 0.
    """
    rng = np.random.default_rng(1)
    factors = rng.uniform(size=(400, 3))
    x = np.c_[factors, factors @ rng.uniform(size=(3, 5)) / 3].astype(np.float32)
    psi = np.full((400, 3), 0.5)
    psi[:, 0] += 0.4 * (x[:, 0] > 0.75) - 0.4 * (x[:, 0] < 0.25)
    dpsi = psi[:, :, None] - psi[:, None, :]
    return x, psi, dpsi


@pytest.fixture(scope="module")
def trained(events):
    x, psi, dpsi = events
    ae = train_autoencoder(x, [16], 4, False, epochs=60, seed=0, **FIT)
    return train_splicing_code(ae, x, psi, dpsi, np.arange(300), [16], epochs=40, seed=0, **CODE_FIT)


def random_models(variational=True, n_features=8, n_tissues=4, seed=0):
    torch.manual_seed(seed)
    return Autoencoder(n_features, [12, 6], 3, variational).eval(), SplicingCode(3, n_tissues, [10]).eval()


# ------------------------------------------------------------------------------- autoencoders


@pytest.mark.parametrize("variational", [False, True])
def test_autoencoder_beats_the_mean_and_is_deterministic(low_rank, variational):
    ae = train_autoencoder(low_rank, [32], 4, variational, epochs=40, seed=3, **FIT)
    x = torch.from_numpy(low_rank)
    with torch.no_grad():
        z = ae.encode(x)
        recon = ae.decode(z)
    assert z.shape == (600, 4) and recon.shape == x.shape
    assert recon.min() >= 0 and recon.max() <= 1
    mean_mse = ((x - x.mean(0)) ** 2).mean()
    assert ((recon - x) ** 2).mean() < 0.5 * mean_mse
    again = train_autoencoder(low_rank, [32], 4, variational, epochs=40, seed=3, **FIT)
    for (name, a), b in zip(ae.state_dict().items(), again.state_dict().values()):
        assert torch.equal(a, b), name
    other = train_autoencoder(low_rank, [32], 4, variational, epochs=1, seed=4, **FIT)
    assert not torch.equal(other.mu.weight, ae.mu.weight)


def test_autoencoder_logs_one_line_per_epoch(low_rank):
    lines = []
    train_autoencoder(low_rank[:64], [8], 2, True, epochs=3, seed=0, batch_size=32, lr=1e-3, log=lines.append)
    assert len(lines) == 3 and all("loss" in line and line.endswith("s") for line in lines)


@pytest.mark.parametrize("variational", [False, True])
def test_autoencoder_checkpoint_keys_and_loss(variational):
    # Bundles are loaded by key, so the shared autoencoder base must keep these names.
    torch.manual_seed(0)
    ae = Autoencoder(8, [6], 3, variational)
    heads = ["mu.weight", "mu.bias", *(["logvar.weight", "logvar.bias"] if variational else [])]
    assert list(ae.state_dict()) == ["encoder.0.weight", "encoder.0.bias", *heads, "decoder.0.weight",
                                     "decoder.0.bias", "decoder.2.weight", "decoder.2.bias"]
    x = torch.rand(5, 8, generator=torch.Generator().manual_seed(1))
    torch.manual_seed(2)
    loss = ae.negative_elbo(x)
    torch.manual_seed(2)
    logits, mu, logvar = ae(x)
    expected = torch.nn.functional.binary_cross_entropy_with_logits(logits, x, reduction="sum") / 5
    if variational:
        expected = expected + 0.5 * (mu ** 2 + logvar.exp() - 1 - logvar).sum() / 5
    else:
        assert logvar is None and torch.equal(logits, ae.decoder(ae.encode(x)))
    torch.testing.assert_close(loss, expected)


# -------------------------------------------------------------------------------------- targets


def test_splicing_targets():
    psi = np.array([[0.9, 0.2, 0.5], [0.5, 0.5, 0.5]])
    dpsi = psi[:, :, None] - psi[:, None, :]
    t1, t2 = np.array([0, 1]), np.array([1, 0])
    y = splicing_targets(psi, dpsi, t1, t2, np.random.default_rng(0))
    assert y.shape == (2, 3) and y.dtype == np.float32
    np.testing.assert_allclose(y[0, :2], [0.9, 0.7], rtol=1e-6)  # up: t1 includes more
    assert 0.01 <= y[0, 2] <= 0.03  # no decrease: floored at eps
    assert y[1, 0] == pytest.approx(0.5)
    assert 0.01 <= y[1, 1] <= 0.03 and y[1, 1] == y[1, 2]  # non-changing: up = down = eps
    # Reverse pairs swap up and down; (m, k) pairs broadcast over events.
    pairs = splicing_targets(psi, dpsi, np.array([[0, 1]] * 2), np.array([[1, 0]] * 2), np.random.default_rng(0))
    assert pairs.shape == (2, 2, 3)
    assert pairs[0, 1, 2] == pytest.approx(0.7) and pairs[0, 1, 0] == pytest.approx(0.2)
    eps = splicing_targets(np.zeros((5000, 2)), np.zeros((5000, 2, 2)), np.zeros(5000, int), np.ones(5000, int),
                           np.random.default_rng(1))[:, 1]
    assert 0.01 <= eps.min() < 0.0105 and 0.0295 < eps.max() <= 0.03


# ------------------------------------------------------------------------------------ code model


def test_splicing_code_separates_changing_events(events, trained):
    x, _, dpsi = events
    ae, code = trained
    test = slice(300, None)
    table = pair_auc(ae, code, x[test], dpsi[test], None, [(0, 1), (1, 0), (0, 2), (1, 2)])
    assert list(table.columns) == ["t1", "t2", "n_changing", "n_unchanged", "auc"]
    assert (table.auc.iloc[:3] > 0.8).all(), table
    assert table.n_changing.iloc[3] == 0 and np.isnan(table.auc.iloc[3])
    # The joined model ranks the events that change in tissue 0 above the rest.
    changing = np.abs(dpsi[test, 0, 1]) >= 0.2
    assert differential_auc(DifferentialInclusion(ae, code, 0, [1, 2]), x[test], changing) > 0.8
    # Probabilities in between the two calls leave events out.
    p = np.where(np.abs(dpsi[test]) >= 0.2, 0.95, 0.5)
    assert pair_auc(ae, code, x[test], dpsi[test], p, [(0, 1)]).n_unchanged.item() == 0


def test_splicing_code_training_is_deterministic(events, trained):
    x, psi, dpsi = events
    ae, code = trained
    same, again = train_splicing_code(ae, x, psi, dpsi, np.arange(300), [16], epochs=40, seed=0, **CODE_FIT)
    assert same is ae  # frozen: the encoder is the autoencoder's own
    for a, b in zip(code.state_dict().values(), again.state_dict().values()):
        assert torch.equal(a, b)
    bad = psi.copy()
    bad[0, 1] = np.nan
    with pytest.raises(ValueError, match="NaN"):
        train_splicing_code(ae, x, bad, dpsi, np.arange(300), [16], epochs=1, seed=0, **CODE_FIT)


def test_fine_tuning_trains_a_copy_of_the_encoder_with_the_code(events, trained):
    x, psi, dpsi = events
    ae, _ = trained
    before = {k: v.clone() for k, v in ae.state_dict().items()}
    runs = [train_splicing_code(ae, x, psi, dpsi, np.arange(300), [16], epochs=3, seed=0, dpsi_weight=5.0,
                                fine_tune=True, reconstruction_weight=0.1, feature_sparsity=0.01, **CODE_FIT)
            for _ in range(2)]
    tuned = runs[0][0]
    assert tuned is not ae and all(torch.equal(v, ae.state_dict()[k]) for k, v in before.items())
    assert not torch.equal(tuned.mu.weight, ae.mu.weight)
    for (name, a), b in zip(tuned.state_dict().items(), runs[1][0].state_dict().values()):
        assert torch.equal(a, b), name
    for a, b in zip(runs[0][1].state_dict().values(), runs[1][1].state_dict().values()):
        assert torch.equal(a, b)


def test_differential_inclusion_is_the_mean_over_pairs():
    ae, code = random_models()
    x = np.random.default_rng(0).uniform(size=(7, 8)).astype(np.float32)
    model = DifferentialInclusion(ae, code, 2, [0, 1, 3])
    with torch.no_grad():
        out = model(torch.from_numpy(x)).numpy()
    manual = np.mean([predict_pairs(ae, code, x, 2, t)[:, 1:].sum(1) for t in (0, 1, 3)], axis=0)
    assert out.shape == (7,)
    np.testing.assert_allclose(out, manual, rtol=1e-6)
    per_row = predict_pairs(ae, code, x, np.full(7, 2), np.array([0, 1, 3, 0, 1, 3, 0]), batch_size=3)
    np.testing.assert_allclose(per_row[3], predict_pairs(ae, code, x[3:4], 2, 0)[0], rtol=1e-6)
    with pytest.raises(ValueError):
        DifferentialInclusion(ae, code, 2, [2, 1])


# ------------------------------------------------------------------------------------- Deep SHAP


def test_deep_shap_is_complete_on_the_joined_model():
    pytest.importorskip("shap")
    from eigflow_arms.splicing.deepshap import additivity_gap, deep_shap

    ae, code = random_models(variational=True)
    model = DifferentialInclusion(ae, code, 0, [1, 2, 3])
    rng = np.random.default_rng(0)
    samples, background = rng.uniform(size=(5, 8)), rng.uniform(size=(40, 8))
    keys = set(model.state_dict())
    values = deep_shap(model, samples, background, batch_size=2)
    assert values.shape == (5, 8) and values.dtype == np.float32
    with torch.no_grad():
        out = [model(torch.as_tensor(a, dtype=torch.float32)).double().numpy() for a in (samples, background)]
    target = out[0] - out[1].mean()
    np.testing.assert_allclose(values.sum(1), target, rtol=1e-4, atol=1e-4 * np.abs(target).max())
    assert additivity_gap(model, samples, background, values).max() < 1e-4 * np.abs(target).max()
    # shap's hooks leave nothing behind: the model saves and computes as before.
    assert set(model.state_dict()) == keys


def test_deep_shap_on_a_linear_model_is_exact():
    pytest.importorskip("shap")
    from eigflow_arms.splicing.deepshap import deep_shap

    torch.manual_seed(0)
    linear = torch.nn.Linear(6, 1)
    rng = np.random.default_rng(0)
    samples, background = rng.normal(size=(4, 6)), rng.normal(size=(30, 6))
    values = deep_shap(linear, samples, background)
    expected = (samples - background.astype(np.float32).mean(0)) * linear.weight.detach().numpy()
    np.testing.assert_allclose(values, expected, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="one output"):
        deep_shap(torch.nn.Linear(6, 2), samples, background)


# ----------------------------------------------------------------------------------- stability


class _Scaled:
    """An 'autoencoder' whose embedding is the input, rescaled: distances keep their order."""

    def encode(self, x):
        return 2.5 * x


def test_latent_stability(low_rank):
    seen = []

    def train(x, **fit):
        seen.append((x, fit))
        return _Scaled() if fit["latent_dim"] == 0 else train_autoencoder(x, log=lambda line: None, **fit)

    real = {"hidden": [16], "latent_dim": 3, "variational": False, "epochs": 3, "batch_size": 64, "lr": 3e-3}
    variants = [
        {"name": "copy", "hidden": [], "latent_dim": 0, "variational": False, "epochs": 0, "seed": 0,
         "bootstrap": False},
        {"name": "ae", **real, "seed": 5, "bootstrap": False},
        {"name": "ae again", **real, "seed": 5, "bootstrap": False},
        {"name": "bootstrap", **real, "seed": 6, "bootstrap": True},
    ]
    names, rho = latent_stability(low_rank, variants, n_points=120, seed=0, train=train)
    assert names == [INPUT, "copy", "ae", "ae again", "bootstrap"]
    assert rho.shape == (5, 5)
    np.testing.assert_allclose(rho, rho.T)
    np.testing.assert_allclose(np.diag(rho), 1)
    assert rho[0, 1] == pytest.approx(1) and rho[2, 3] == pytest.approx(1)
    assert 0 < rho[2, 4] < 0.9999 and 0 < rho[0, 2] < 0.9999
    # Bootstrap resamples rows with replacement; the other variants see the training set.
    assert seen[1][0] is not seen[3][0] and len(np.unique(seen[3][0], axis=0)) < len(low_rank)
    np.testing.assert_array_equal(seen[1][0], low_rank)
    # Spearman of the input against an embedding, as scipy computes it.
    from scipy.spatial.distance import pdist
    from scipy.stats import spearmanr

    points = low_rank[np.random.default_rng(0).choice(600, 120, replace=False)]
    ae = train_autoencoder(low_rank, log=lambda line: None, **real, seed=5)
    with torch.no_grad():
        z = ae.encode(torch.from_numpy(points)).numpy()
    assert rho[0, 2] == pytest.approx(spearmanr(pdist(points), pdist(z)).statistic, abs=1e-6)

    table = stability_table(names, rho)
    assert list(table.columns) == ["variant_a", "variant_b", "spearman"] and len(table) == 25
    assert table.set_index(["variant_a", "variant_b"]).spearman[("ae", "bootstrap")] == pytest.approx(rho[2, 4])


# ------------------------------------------------------------------------------------------ bundle


@pytest.mark.parametrize("variational", [False, True])
def test_bundle_round_trip(tmp_path, variational):
    ae, code = random_models(variational)
    meta = {"tissues": ["hippocampus", "liver", "lung", "heart"], "auc": 0.9, "seed": 1}
    save_bundle(tmp_path / "model.pt", ae, code, meta)
    ae2, code2, meta2 = load_bundle(tmp_path / "model.pt")
    assert meta2 == meta and not ae2.training and not code2.training
    x = np.random.default_rng(0).uniform(size=(5, 8)).astype(np.float32)
    np.testing.assert_array_equal(predict_pairs(ae, code, x, 0, 3), predict_pairs(ae2, code2, x, 0, 3))
    with torch.no_grad():
        z = torch.randn(4, 3)
        assert torch.equal(ae.decode(z), ae2.decode(z))
    with pytest.raises(TypeError, match="meta"):
        save_bundle(tmp_path / "bad.pt", ae, code, {"auc": np.float64(0.9)})
    assert not (tmp_path / "bad.pt").exists()


# --------------------------------------------------------------------------------- baseline table


class _Total(torch.nn.Module):
    """F(x) = sum of the features: outputs known at every point."""

    def forward(self, x):
        return x.sum(dim=1)


def test_baseline_table_places_each_baseline():
    from eigflow.autoencoder import decode_numpy
    from eigflow_arms.common import methods
    from eigflow_arms.splicing.baseline_table import baseline_table
    rng = np.random.default_rng(0)
    events = rng.uniform(0.2, 1.0, (60, 5)).astype(np.float32)
    train = np.arange(60) < 40
    ae, _ = random_models(variational=False, n_features=5)
    table = baseline_table(_Total(), ae, events, train, events[:6], events[30:], n_baselines=2, seed=0)
    table = table.set_index("baseline")
    assert list(table.index) == methods.baselines()
    mean = events[train].mean(axis=0)
    zero = table.loc["zero"]
    # The origin: F = 0 below every event, as far from the mean as the mean's norm.
    assert zero.n_points == 1 and zero.output == 0 and zero.output_percentile == 0
    np.testing.assert_allclose(zero.distance_to_mean, np.linalg.norm(mean), rtol=1e-5)
    decoded = decode_numpy(ae, np.zeros((1, 3), np.float32))[0]
    np.testing.assert_allclose(table.loc["encoded-zero", "distance_to_mean"], np.linalg.norm(decoded - mean),
                               rtol=1e-5)
    np.testing.assert_allclose(table.loc["encoded-zero", "output"], decoded.sum(), rtol=1e-5)
    # Drawn from the events themselves: no distance to the nearest event.
    np.testing.assert_allclose(table.loc[["median", "close", "random"], "distance_to_nearest_event"], 0, atol=1e-3)
    assert table.loc["close", "n_points"] == 12 and table.loc["median", "n_points"] == 2
    assert table.output_percentile.between(0, 100).all()
    np.testing.assert_allclose(table.event_distance_to_mean, np.median(np.linalg.norm(events - mean, axis=1)),
                               rtol=1e-5)


def test_centring_moves_the_latent_origin_to_the_mean_code_and_nothing_else():
    from eigflow.autoencoder import decode_numpy, encode_numpy
    from eigflow_arms.splicing.models import centre_latent
    ae, code = random_models(variational=False, n_features=8, n_tissues=4)
    x = np.random.default_rng(0).uniform(size=(50, 8)).astype(np.float32)
    moved_ae, moved_code = centre_latent(ae, code, x)
    z = encode_numpy(ae, x)
    np.testing.assert_allclose(encode_numpy(moved_ae, x).mean(axis=0), 0, atol=1e-5)
    np.testing.assert_allclose(decode_numpy(moved_ae, np.zeros((1, 3), np.float32)),
                               decode_numpy(ae, z.mean(axis=0, keepdims=True)), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(decode_numpy(moved_ae, encode_numpy(moved_ae, x)), decode_numpy(ae, z),
                               rtol=1e-5, atol=1e-6)
    with torch.no_grad():
        before = DifferentialInclusion(ae, code, 1, [0, 2, 3])(torch.from_numpy(x))
        after = DifferentialInclusion(moved_ae, moved_code, 1, [0, 2, 3])(torch.from_numpy(x))
    np.testing.assert_allclose(after.numpy(), before.numpy(), rtol=1e-5, atol=1e-6)
    assert not torch.equal(moved_ae.mu.bias, ae.mu.bias)  # copies: the originals stay as they were
