"""The sequence autoencoder of H-L-IG and H-N-IG: decoded points are base profiles, N columns
cost nothing, the windows share the encoder without leaking into each other, it learns what
varies between sequences, and the hidden paths run through it from the workflow's own arm."""
import numpy as np
import pytest
import torch
import yaml
from eigflow import attribute
from eigflow_arms.sequence import autoencoder as sa
from eigflow_arms.sequence import data as sd
from eigflow_arms.sequence.adapter import AUTOENCODER, SequenceArm


def _x(n, seed=0):
    return torch.as_tensor(sd.one_hot(np.random.default_rng(seed).integers(0, 4, (n, sd.LENGTH)).astype(np.int8)))


def test_decoded_points_are_base_profiles_and_survive_save_and_load(tmp_path):
    torch.manual_seed(0)
    ae = sa.SequenceAutoencoder(latent_dim=5, channels=4).eval()
    x = _x(3)
    with torch.no_grad():
        z = ae.encode(x)
        profile = ae.decode(z)
    assert z.shape == (3, 5) and profile.shape == (3, 4, sd.LENGTH)
    torch.testing.assert_close(profile.sum(1), torch.ones(3, sd.LENGTH))
    assert (profile > 0).all()
    sa.save(tmp_path / "ae.pt", ae, {"metrics": []})
    again, meta = sa.load(tmp_path / "ae.pt")
    with torch.no_grad():
        torch.testing.assert_close(again.decode(again.encode(x)), profile)
    assert meta == {"metrics": []}


def test_the_likelihood_is_categorical_and_n_columns_count_nothing():
    ae = sa.SequenceAutoencoder(latent_dim=2, channels=2, variational=False)
    x = _x(2)
    x[:, :, :100] = 0  # N padding
    logits = torch.zeros_like(x)  # uniform profiles: log 4 per observed base
    assert ae.reconstruction_loss(logits, x).item() == pytest.approx(2 * (sd.LENGTH - 100) * np.log(4.0))


def test_windows_share_the_encoder_and_do_not_leak_into_each_other():
    torch.manual_seed(0)
    ae = sa.SequenceAutoencoder(latent_dim=3, channels=4).eval()
    x = _x(2, seed=1)
    changed = x.clone()
    changed[:, :, :sd.WIDTH] = torch.roll(changed[:, :, :sd.WIDTH], 1, dims=1)  # window 0 only
    with torch.no_grad():
        before, after = (ae._features(v).reshape(2, len(sd.WINDOWS), -1) for v in (x, changed))
    assert not torch.allclose(before[:, 0], after[:, 0])
    torch.testing.assert_close(before[:, 1:], after[:, 1:])


def test_reconstruction_scores_known_profiles():
    x = _x(3).numpy()
    x[:, :, :50] = 0  # N columns are not scored
    assert sa.reconstruction(x, lambda xb: xb) == {"accuracy": 1.0, "probability": 1.0}
    uniform = sa.reconstruction(x, lambda xb: torch.full_like(xb, 0.25))
    assert uniform["probability"] == pytest.approx(0.25)


def test_it_reconstructs_what_varies_between_sequences_beyond_the_position_profile():
    # Random RNA, but A's 5' window opens with a 100-nt block that is all A in half the
    # sequences and all G in the others: the position profile (0.5 A, 0.5 G) gets the block at
    # chance, a code that learned which it is gets it right.
    rng = np.random.default_rng(0)
    codes = rng.integers(0, 4, (400, sd.LENGTH)).astype(np.int8)
    start = sd.WINDOWS.index("A_5ss") * sd.WIDTH
    codes[:, start:start + 100] = np.where(rng.random(400) < 0.5, 0, 2)[:, None]
    x = sd.one_hot(codes)
    torch.set_num_threads(1)
    ae = sa.train(x, np.arange(300), seed=0, epochs=10, batch_size=8, lr=0.003, latent_dim=4, channels=8)
    held_out = torch.as_tensor(x[300:])
    with torch.no_grad():
        profile = ae.decode(ae.encode(held_out))
    hits = profile.argmax(1) == held_out.argmax(1)
    assert hits[:, start:start + 100].double().mean() > 0.95


def test_hidden_paths_run_through_it_and_keep_completeness():
    torch.manual_seed(0)
    ae = sa.SequenceAutoencoder(latent_dim=4, channels=4).eval()
    weights = torch.randn(4, sd.LENGTH, dtype=torch.float64)

    class Quadratic(torch.nn.Module):
        def forward(self, x):
            return ((x * weights).sum((1, 2))) ** 2 / 100

    x = _x(2, seed=2).double().numpy()
    result = attribute(Quadratic(), x, path="H-L-IG", baseline="encoded-zero", autoencoder=ae, n_baselines=1,
                       n_steps=64)
    gap = result.output - result.baseline_output.mean(axis=1)
    np.testing.assert_allclose(result.attributions.sum((1, 2)), gap, rtol=0.02)


def test_the_arm_trains_it_only_for_the_methods_that_need_it():
    config = yaml.safe_load(open("config/config.yaml"))
    arm = SequenceArm(config)
    assert {"H-L-IG.median", "H-N-IG.dinucleotide-shuffle", "O-L-IG.encoded-zero"} <= set(arm.computed())
    assert arm.files("H-L-IG.median")["autoencoder"] == AUTOENCODER
    assert arm.files("O-L-IG.encoded-zero")["autoencoder"] == AUTOENCODER
    assert arm.files("O-N-IG.median")["autoencoder"] == []
    assert arm.files("ism")["autoencoder"] == []
    assert arm.graph_files("cnn", "latent")["autoencoder"] == AUTOENCODER
    assert arm.graph_files("cnn", "input")["autoencoder"] == []
    assert arm.graph_file("H-N-IG.median") == "results/sequence/graphs/cnn.latent.npz"
