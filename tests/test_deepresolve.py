"""DeepResolve (eigflow_arms.sequence.deepresolve) on constructed heads with known answers, and
its scoring against the program (eigflow_arms.sequence.deepresolve_truth)."""
import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
import yaml
from torch import nn

from eigflow_arms.common import config_check
from eigflow_arms.sequence import deepresolve as dr
from eigflow_arms.sequence import deepresolve_truth as truth
from eigflow_arms.sequence.data import LENGTH
from eigflow_arms.sequence.model import SequenceCNN
from eigflow_arms.splicing.program import read_program

ROOT = Path(__file__).resolve().parents[1]
torch.set_num_threads(1)
SHAPE = (2, 6, 5)  # windows, channels, positions: 10 positions per channel


def _means(h):
    return h.mean(dim=(1, 3))  # (m, channels)


class Linear(nn.Module):
    """S_o(H) = sum_k w_ok mean(H_k): the penalised optimum is H_k = w_ok / (2 lambda P)."""

    def __init__(self, w):
        super().__init__()
        self.w = torch.as_tensor(w, dtype=torch.float32)

    def forward(self, h):
        return _means(h) @ self.w.T


class Xor(nn.Module):
    """S(H) = |m0 - m1| + 2 m2: channels 0 and 1 take opposite signs, which one is positive
    depending on the start (004's XOR); channel 2 adds; channels 3-5 are unused."""

    def forward(self, h):
        m = _means(h)
        return ((m[:, 0] - m[:, 1]).abs() + 2 * m[:, 2])[:, None]


def test_linear_head_reaches_the_closed_form_optimum():
    w = [[2.0, -1.0, 0.0, 0.5, 0.0, 0.0], [0.0, 0.0, 3.0, 0.0, -2.0, 1.0]]
    l2, positions = 0.5, SHAPE[0] * SHAPE[2]
    fiv, score = dr.optimise(Linear(w), SHAPE, [0, 1], n_starts=4, l2=l2, steps=1500, lr=0.05, seed=0)
    expected = np.asarray(w) / (2 * l2 * positions)
    np.testing.assert_allclose(fiv, np.broadcast_to(expected, fiv.shape), atol=2e-3)
    weight = dr.start_weights(score)
    assert dr.inconsistency(fiv, weight).max() < 1e-5


def test_interacting_channels_are_non_additive_and_the_ofiv_keeps_their_positive_side():
    l2, positions = 0.5, SHAPE[0] * SHAPE[2]
    fiv, score = dr.optimise(Xor(), SHAPE, [0], n_starts=8, l2=l2, steps=1500, lr=0.05, seed=3)
    # Optimum: m0 = -m1 = +-1 / (2 lambda P) (the sign from the start), m2 = 2 / (2 lambda P).
    c = 1 / (2 * l2 * positions)
    np.testing.assert_allclose(np.abs(fiv[:, 0, :2]), c, atol=2e-3)
    np.testing.assert_allclose(fiv[:, 0, 0], -fiv[:, 0, 1], atol=2e-3)
    assert (fiv[:, 0, 0] > 0).any() and (fiv[:, 0, 0] < 0).any()  # both modes found
    weight = dr.start_weights(score)
    il = dr.inconsistency(fiv, weight)
    inconsistent = dr.non_additive(il[0], seed=0)[None]
    assert inconsistent[0].tolist() == [True, True, False, False, False, False]
    ofiv = dr.overall_importance(fiv, weight, inconsistent)
    np.testing.assert_allclose(ofiv[0, :3], [c, c, 2 * c], atol=2e-3)
    np.testing.assert_allclose(ofiv[0, 3:], 0, atol=2e-3)


def test_optimise_is_determined_by_the_seed():
    runs = [dr.optimise(Xor(), SHAPE, [0], n_starts=3, l2=0.5, steps=20, lr=0.05, seed=s)[0] for s in (1, 1, 2)]
    np.testing.assert_array_equal(runs[0], runs[1])
    assert not np.allclose(runs[0], runs[2])


def test_start_weights_offset_by_the_worst_start_and_inconsistency_is_the_weighted_variance():
    np.testing.assert_allclose(dr.start_weights(np.array([[1.0, 5.0], [3.0, 5.0]])), [[0, 0.5], [1, 0.5]])
    fiv = np.array([[[1.0]], [[-1.0]], [[7.0]]])
    weight = np.array([[0.5], [0.5], [0.0]])
    np.testing.assert_allclose(dr.inconsistency(fiv, weight), [[1.0]])


def test_non_additive_splits_the_high_inconsistency_channels():
    assert dr.non_additive([0.01, 0.02, 0.0, 0.01, 0.015, 5.0, 5.2], seed=0).tolist() == [False] * 5 + [True] * 2
    assert not dr.non_additive([0.0, 0.0, 0.0], seed=0).any()


def test_similarity_is_the_correlation_of_the_non_negative_ofivs():
    ofiv = np.array([[1.0, 2.0, -1.0, 0.0], [2.0, 4.0, -5.0, 0.0], [0.0, 0.0, 1.0, 3.0]])
    s = dr.similarity(ofiv)
    np.testing.assert_allclose(s, s.T)
    np.testing.assert_allclose(np.diag(s), 1)
    assert s[0, 1] == pytest.approx(1.0)  # equal once the negative channel is cut
    assert s[0, 2] == pytest.approx(np.corrcoef([1, 2, 0, 0], [0, 0, 1, 3])[0, 1])


def _cnn(seed=0):
    torch.manual_seed(seed)
    return SequenceCNN(3, 2, channels=2, kernel=3, block_kernel=3, dilations=[2], pool=350, hidden=4).eval()


@pytest.mark.parametrize("layer", dr.LAYERS)
def test_above_the_feature_map_is_the_cnn(layer):
    cnn = _cnn()
    x = torch.randn(3, 4, LENGTH)
    with torch.no_grad():
        np.testing.assert_allclose(dr.Above(cnn, layer)(dr.feature_map(cnn, layer, x)).numpy(), cnn(x).numpy(),
                                   atol=1e-5)
    assert dr.receptive_field(cnn, layer) == (3 if layer == "stem" else 3 + 2 * 2 * 2)


def test_an_unknown_layer_is_refused_naming_the_key():
    with pytest.raises(ValueError, match="sequence.deepresolve.layer"):
        dr.Above(_cnn(), "dense")


def test_channel_motifs_show_the_bases_the_filters_detect():
    cnn = _cnn()
    with torch.no_grad():
        cnn.stem.weight.zero_()
        cnn.stem.bias.zero_()
        cnn.stem.weight[0, 3, 1] = 1.0  # channel 0: U at the centre
        cnn.stem.weight[1, 0, 1] = 1.0  # channel 1: A at the centre
    codes = np.random.default_rng(0).integers(0, 4, (5, LENGTH)).astype(np.int8)
    fragments = dr.top_fragments(cnn, "stem", codes, n_fragments=4)
    assert fragments.shape == (2, 4, 3)
    assert (fragments[0, :, 1] == 3).all() and (fragments[1, :, 1] == 0).all()
    # The ascent keeps the detected base (its entry grows to ~1 / (2 l2)) and clears the rest
    # (the penalty shrinks them below the threshold): a one-hot centre, uniform flanks.
    motifs = dr.channel_motifs(cnn, "stem", fragments, l2=0.25, steps=300, lr=0.05)
    assert motifs.shape == (2, 3, 4)
    np.testing.assert_allclose(motifs[0], [[0.25] * 4, [0, 0, 0, 1], [0.25] * 4], atol=1e-6)
    np.testing.assert_allclose(motifs[1], [[0.25] * 4, [1, 0, 0, 0], [0.25] * 4], atol=1e-6)


def test_trim_keeps_the_most_informative_span():
    motif = np.full((9, 4), 0.25)
    motif[5:8] = [[0.0, 0.0, 1.0, 0.0], [1.0, 0.0, 0.0, 0.0], [0.7, 0.1, 0.1, 0.1]]
    np.testing.assert_array_equal(dr.trim(motif, 3), motif[5:8])
    np.testing.assert_array_equal(dr.trim(motif, 20), motif)


def test_program_similarity_and_its_spearman():
    program = read_program(ROOT / "resources" / "program.tsv")
    tissues = list(program.tissues)
    sim = truth.program_similarity(program, tissues)
    np.testing.assert_allclose(np.diag(sim), 1)
    np.testing.assert_allclose(sim, sim.T)
    # Spleen and thymus share HNRNPLL and ESRP1's pattern most: their nearest pair.
    off = sim - np.eye(len(tissues))
    assert {tissues[i] for i in np.unravel_index(off.argmax(), off.shape)} == {"spleen", "thymus"}
    table = truth.similarity_table(sim, sim, tissues)
    assert len(table) == len(tissues) * (len(tissues) - 1) // 2
    assert table.spearman.iloc[0] == pytest.approx(1.0)
    assert truth.similarity_table(-sim, sim, tissues).spearman.iloc[0] == pytest.approx(-1.0)


def test_recovery_scores_the_top_channels_against_the_active_rbps():
    program = read_program(ROOT / "resources" / "program.tsv")
    outputs = truth.output_names(["hippocampus", "liver"], ["hippocampus"])
    matches = pd.DataFrame({"target": ["NOVA", "A1CF", "PTBP1", "ESRP1"], "p": 0.001, "q": [0.01, 0.01, 0.01, 0.5]})
    ofiv = np.array([[3.0, 0.1, -2.0, 1.0], [0.1, 3.0, 2.0, 0.0], [0.0, 0.0, 0.0, 0.0]])
    channels = truth.channel_table(ofiv, np.zeros_like(ofiv), np.zeros(ofiv.shape, bool), outputs, matches)
    assert len(channels) == 12 and channels.category.eq("additive").all()
    assert truth.top_channels(channels, "hippocampus", 3).channel.tolist() == [0, 2, 3]  # by |OFIV|
    table = truth.recovery(channels, program, ["hippocampus", "liver"], top=2).set_index("tissue")
    # Hippocampus: NOVA (active) and PTBP1 (not: 6 of its 50 TPM); NOVA, RBFOX, SRSF1, HNRNPA1 active.
    assert table.loc["hippocampus", "named"] == "NOVA,PTBP1"
    assert table.loc["hippocampus", "precision"] == pytest.approx(0.5)
    assert table.loc["hippocampus", "recall"] == pytest.approx(0.25)
    assert table.loc["liver", "named"] == "A1CF,PTBP1"
    assert table.loc["liver", "precision"] == pytest.approx(1.0)


def test_a_bad_deepresolve_config_is_refused_naming_the_key_and_the_fix():
    schema = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
    config = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())
    assert config_check.schema_problems(config, schema) == []
    bad = copy.deepcopy(config)
    bad["sequence"]["deepresolve"].update(layer="dense", n_start=3)
    problems = config_check.schema_problems(bad, schema)
    assert any(p.startswith("sequence.deepresolve.layer: 'dense' is not one of") and p.endswith("use one of stem, tower")
               for p in problems)
    assert any(p.startswith("sequence.deepresolve: Additional properties are not allowed ('n_start'")
               for p in problems)
