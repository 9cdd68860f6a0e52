"""The sequence arm's inputs and model: windows and functional sites on constructed sequences,
a CNN whose windows share one tower without leaking into each other, and that learns a planted
motif."""
import numpy as np
import pytest
import torch
from eigflow_arms.sequence import data as sd
from eigflow_arms.sequence import model as sm
from eigflow_arms.splicing.program import read_program
from eigflow_arms.splicing.sequence import ALPHABET

PROGRAM = read_program("resources/program.tsv")


def _background(rng, n=1):
    return ["".join(rng.choice(list("CG"), sd.WIDTH)) for _ in range(n)]


def _windows(rng, edits=()):
    """One event's four windows of A/C background (no program motif can occur), with
    ``(window, column, text)`` written in."""
    windows = {w: _background(rng) for w in sd.WINDOWS}
    for window, column, text in edits:
        seq = windows[window][0]
        windows[window][0] = seq[:column] + text + seq[column + len(text):]
    return windows


def test_layout_names_every_column_by_window_region_and_splice_site_distance():
    layout = sd.layout()
    assert len(layout["region"]) == sd.LENGTH == 1400
    a5 = sd.WINDOWS.index("A_5ss") * sd.WIDTH
    # The A 5'ss window: 50 nt of exon A, then intron I2 from its first nucleotide.
    assert layout["region"][a5 + 49] == "A" and layout["region"][a5 + 50] == "I2_5"
    assert layout["position"][a5 + 50] == 0 and layout["position"][a5] == -50
    a3 = sd.WINDOWS.index("A_3ss") * sd.WIDTH
    assert layout["region"][a3 + 299] == "I1_3" and layout["position"][a3 + 300] == 0


def test_functional_sites_mark_a_motif_only_in_a_region_where_its_rbp_acts():
    rng = np.random.default_rng(0)
    rbfox = PROGRAM.index("RBFOX")  # UGCAUG; acts in I1_3 and I2_5, not in C1
    windows = _windows(rng, [("A_5ss", 100, "UGCAUG"), ("C1_5ss", 10, "UGCAUG")])
    sites = sd.functional_sites(windows, PROGRAM)
    a5 = sd.WINDOWS.index("A_5ss") * sd.WIDTH
    marked = np.flatnonzero(sites[0, rbfox])
    np.testing.assert_array_equal(marked, np.arange(a5 + 100, a5 + 106))
    assert sites[0].sum() == 6  # nothing else: the background holds no motif of the program


def test_an_occurrence_across_a_region_edge_counts_for_neither_region():
    rng = np.random.default_rng(1)
    rbfox = PROGRAM.index("RBFOX")
    # UGCAUG starting 3 nt before the A | I2_5 boundary of the A 5'ss window.
    sites = sd.functional_sites(_windows(rng, [("A_5ss", 47, "UGCAUG")]), PROGRAM)
    assert not sites[0, rbfox].any()


def test_one_hot_of_n_is_all_zero_and_letters_are_one():
    codes = np.array([[0, 1, 2, 3, -1]], dtype=np.int8)
    x = sd.one_hot(codes)
    assert x.shape == (1, 4, 5)
    np.testing.assert_array_equal(x[0].argmax(0)[:4], [0, 1, 2, 3])
    assert x[0, :, 4].sum() == 0 and x[0, :, :4].sum() == 4
    assert ALPHABET == "ACGU"


def _cnn(**kw):
    torch.manual_seed(0)
    return sm.SequenceCNN(6, 2, channels=4, kernel=9, block_kernel=3, dilations=(2,), pool=50, hidden=8, **kw).eval()


def test_windows_share_the_tower_and_do_not_leak_into_each_other():
    cnn = _cnn()
    x = torch.as_tensor(sd.one_hot(np.random.default_rng(0).integers(0, 4, (2, sd.LENGTH)).astype(np.int8)))
    features = {}
    cnn.pool.register_forward_hook(lambda module, args, out: features.setdefault("h", out))
    cnn(x)
    before = features.pop("h").reshape(2, len(sd.WINDOWS), -1)
    changed = x.clone()
    changed[:, :, :sd.WIDTH] = torch.roll(changed[:, :, :sd.WIDTH], 1, dims=1)  # window 0 only
    cnn(changed)
    after = features.pop("h").reshape(2, len(sd.WINDOWS), -1)
    assert not torch.allclose(before[:, 0], after[:, 0])
    torch.testing.assert_close(before[:, 1:], after[:, 1:])


def test_contrast_logit_is_the_contrast_column_and_survives_save_and_load(tmp_path):
    cnn = _cnn()
    x = torch.as_tensor(sd.one_hot(np.random.default_rng(1).integers(0, 4, (3, sd.LENGTH)).astype(np.int8)))
    with torch.no_grad():
        torch.testing.assert_close(sm.ContrastLogit(cnn, 1)(x), cnn(x)[:, 7])
    sm.save(tmp_path / "m.pt", cnn, {"contrasts": [["liver", 2]]})
    again, meta = sm.load(tmp_path / "m.pt")
    with torch.no_grad():
        torch.testing.assert_close(again(x), cnn(x))
    assert meta == {"contrasts": [["liver", 2]]}


def test_pool_must_divide_the_window():
    with pytest.raises(ValueError, match="pool=40"):
        sm.SequenceCNN(6, 2, pool=40)


def test_the_cnn_learns_a_planted_motif():
    # Three copies of UGCAUG downstream of exon A in random RNA mark the positives; held-out
    # exons are ranked by the contrast's logit.
    rng = np.random.default_rng(0)
    n, n_train = 1600, 1200
    codes = rng.integers(0, 4, (n, sd.LENGTH)).astype(np.int8)
    label = rng.random(n) < 0.5
    a5 = sd.WINDOWS.index("A_5ss") * sd.WIDTH
    for column in (a5 + 80, a5 + 140, a5 + 200):
        codes[label, column:column + 6] = [3, 2, 1, 0, 3, 2]
    x = sd.one_hot(codes)
    psi = np.where(label, 0.8, 0.3)[:, None].repeat(6, 1).astype(np.float32)
    cnn = sm.train(x, psi, np.stack([label, ~label], 1), np.arange(n_train), seed=0, epochs=4, batch_size=32,
                   lr=0.003, channels=16, kernel=9, block_kernel=3, dilations=(2,), pool=350, hidden=16)
    from sklearn.metrics import roc_auc_score

    score = sm.predict(sm.ContrastLogit(cnn, 0), x[n_train:])
    assert roc_auc_score(label[n_train:], score) > 0.9


def test_a_pool_that_does_not_divide_the_window_is_refused_at_start_up():
    import yaml
    from eigflow_arms.common.config_check import ConfigError
    from eigflow_arms.sequence.adapter import SequenceArm

    config = yaml.safe_load(open("config/config.yaml"))
    SequenceArm(config).check()  # the shipped configuration runs
    config["sequence"]["model"]["pool"] = 40
    with pytest.raises(ConfigError, match=r"sequence.model.pool is 40, which does not divide the 350-nt"):
        SequenceArm(config).check()
