"""The sequence arm's ground truth and motif discovery, on constructed cases with known answers."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from eigflow_arms.liver.motifs.meme import read_meme
from eigflow_arms.sequence.truth import (
    TABLE_COLUMNS,
    avg_match,
    gradient_correction,
    ground_truth_table,
    information_content,
    per_sequence,
    planted_map,
    position_scores,
    rbp_table,
    recurrence,
    rna_map,
)
from eigflow_arms.splicing.program import read_program
from sklearn.metrics import average_precision_score, roc_auc_score

ROOT = Path(__file__).resolve().parents[1]
L, WINDOW = 1400, 350
WINDOWS = np.repeat(np.arange(4), WINDOW)


@pytest.fixture(scope="module")
def program():
    return read_program(ROOT / "resources" / "program.tsv")


def one_hot(codes) -> np.ndarray:
    """(s, 4, L) from (s, L) codes A=0 C=1 G=2 U=3, -1 = N (all-zero column)."""
    codes = np.asarray(codes)
    x = np.zeros((codes.shape[0], 4, codes.shape[1]))
    s, p = np.nonzero(codes >= 0)
    x[s, codes[s, p], p] = 1
    return x


def encode(motif: str) -> np.ndarray:
    return np.array(["ACGU".index(c) for c in motif])


def planted(rng, s=40, motifs=("UGCAUG",), copies=2, windows=(0, 1, 2, 3)):
    """Random RNA with ``copies`` of each motif per sequence, each in a random one of
    ``windows``, and the (s, len(motifs), L) sites mask."""
    codes = rng.integers(0, 4, (s, L))
    sites = np.zeros((s, len(motifs), L), dtype=bool)
    for i in range(s):
        for r, motif in enumerate(motifs):
            for w in rng.choice(windows, copies, replace=False):
                start = w * WINDOW + rng.integers(10, WINDOW - 20)
                while sites[i, :, start:start + len(motif)].any():
                    start += len(motif) + 1
                codes[i, start:start + len(motif)] = encode(motif)
                sites[i, r, start:start + len(motif)] = True
    return codes, sites


def at_observed(x, values) -> np.ndarray:
    """Attributions with ``values`` (s, L) at the observed base and 0 at the other three."""
    return x * values[:, None, :]


# --------------------------------------------------------------------------- scores

def test_perfect_attributions_score_one_and_reversed_zero():
    rng = np.random.default_rng(0)
    codes, sites = planted(rng)
    x, truth = one_hot(codes), sites[:, 0]
    perfect = per_sequence(position_scores(at_observed(x, truth.astype(float)), x), truth, x.sum(1) > 0)
    assert (perfect.auroc == 1).all() and (perfect.auprc == 1).all()
    reversed_ = per_sequence(position_scores(at_observed(x, (~truth).astype(float)), x), truth)
    assert (reversed_.auroc == 0).all()
    assert (reversed_.auprc < 0.05).all()


def test_random_attributions_score_one_half_over_many_sequences():
    rng = np.random.default_rng(1)
    codes, sites = planted(rng, s=300)
    x = one_hot(codes)
    table = per_sequence(position_scores(rng.normal(size=x.shape), x), sites[:, 0], x.sum(1) > 0)
    assert abs(table.auroc.mean() - 0.5) < 0.02
    # Average precision of a random ranking is the share of positives (12 of 1400).
    assert abs(table.auprc.mean() - 12 / L) < 0.01


def test_per_sequence_agrees_with_scikit_learn_on_ties_and_masks():
    rng = np.random.default_rng(2)
    scores = rng.integers(0, 4, (30, 120)).astype(float)
    truth = rng.random((30, 120)) < 0.15
    valid = rng.random((30, 120)) < 0.8
    table = per_sequence(scores, truth, valid)
    for i in range(30):
        v = valid[i]
        if truth[i, v].all() or not truth[i, v].any():
            assert np.isnan(table.auroc[i])
            continue
        assert table.auroc[i] == pytest.approx(roc_auc_score(truth[i, v], scores[i, v]))
        assert table.auprc[i] == pytest.approx(average_precision_score(truth[i, v], scores[i, v]))


def test_n_positions_are_not_scored():
    codes = np.full((1, 20), 0)
    codes[0, 15:] = -1  # N padding of a short intron
    x = one_hot(codes)
    truth = np.zeros((1, 20), dtype=bool)
    truth[0, [2, 16]] = True  # a site, and a flag on N that is no base
    scores = np.zeros((1, 20))
    scores[0, 2] = 1.0
    scores[0, 15:] = 5.0  # a method's output at N: never ranked
    valid = x.sum(1) > 0
    table = per_sequence(scores, truth, valid)
    assert table.auroc[0] == 1 and table.auprc[0] == 1
    assert table.n_positive[0] == 1 and table.n_negative[0] == 14
    assert per_sequence(scores, truth).auroc[0] < 1
    # position_scores is 0 at N whatever the attribution there
    assert (position_scores(np.ones((1, 4, 20)), x)[0, 15:] == 0).all()


def test_no_positive_or_no_negative_is_nan():
    table = per_sequence(np.arange(8.0).reshape(2, 4), np.array([[0, 0, 0, 0], [1, 1, 1, 1]], dtype=bool))
    assert table.auroc.isna().all() and table.auprc.isna().all()


def test_gradient_correction_zeroes_channel_sums_and_changes_scores():
    rng = np.random.default_rng(3)
    a = rng.normal(size=(5, 4, 30)) + 2.0
    x = one_hot(rng.integers(0, 4, (5, 30)))
    assert np.allclose(gradient_correction(a).sum(axis=1), 0)
    assert not np.allclose(position_scores(a, x, corrected=True), position_scores(a, x))
    # An offset shared by the four channels is what the correction removes.
    assert np.allclose(position_scores(a + 7.0, x, corrected=True), position_scores(a, x, corrected=True))


def test_avg_match_one_when_the_observed_base_leads_and_zero_when_another_does():
    rng = np.random.default_rng(4)
    codes, sites = planted(rng, s=10)
    x, truth = one_hot(codes), sites[:, 0]
    leads = x + 0.1 * rng.random(x.shape)
    assert np.allclose(avg_match(leads, x, truth), 1)
    other = np.roll(x, 1, axis=1) + 0.1 * rng.random(x.shape)
    assert np.allclose(avg_match(other, x, truth), 0)
    assert np.allclose(avg_match(np.zeros_like(x), x, truth), 0)  # a tie is no match
    assert np.isnan(avg_match(x, x, np.zeros_like(truth))).all()


def test_information_content():
    assert information_content("YCAY") == 6
    assert information_content("UGCAUG") == 12
    assert information_content("N") == 0


def test_recurrence_splits_a_cluster_from_a_lone_copy():
    codes = np.zeros((1, L), dtype=int)  # poly(A): no chance YCAY
    sites = np.zeros((1, 1, L), dtype=bool)
    starts = [10, 40, 80, 200, 345, 352]  # a cluster of 3, a lone copy, two across a window edge
    for start in starts:
        codes[0, start:start + 4] = encode("UCAU")
        sites[0, 0, start:start + 4] = True
    recurrent, single = recurrence(one_hot(codes), sites, ["YCAY"], WINDOWS, cluster=50)
    for start in (10, 40, 80):
        assert recurrent[0, start:start + 4].all() and not single[0, start:start + 4].any()
    for start in (200, 345, 352):
        assert single[0, start:start + 4].all() and not recurrent[0, start:start + 4].any()
    assert not (recurrent | single)[0, ~sites[0, 0]].any()
    # The cluster breaks once the gap exceeds the distance.
    recurrent, _ = recurrence(one_hot(codes), sites, ["YCAY"], WINDOWS, cluster=35)
    assert recurrent[0, 10:14].all() and not recurrent[0, 80:84].any()


# --------------------------------------------------------------------------- tables

@pytest.fixture(scope="module")
def dataset(program):
    """Sites of RBFOX (12 bits) and NOVA (YCAY, 6 bits; clusters of 3 copies), regulators of
    the liver contrast, and of SRSF1, which regulates everywhere and so is not."""
    rng = np.random.default_rng(5)
    codes, sites = planted(rng, s=30, motifs=("UGCAUG", "GAAGAA"), copies=2, windows=(0, 1, 3))
    names = ["RBFOX", "SRSF1", "NOVA"]
    nova = np.zeros((30, 1, L), dtype=bool)
    for i in range(30):
        start = 2 * WINDOW + 5
        for k in range(3):
            codes[i, start + 20 * k:start + 20 * k + 4] = encode("UCAU")
            nova[i, 0, start + 20 * k:start + 20 * k + 4] = True
    codes[:, -10:] = -1
    planted_sites = np.concatenate([sites, nova], axis=1) & (codes >= 0)[:, None, :]
    assert set(names) - {"SRSF1"} <= set(program.differential_rbps("liver"))
    assert "SRSF1" not in program.differential_rbps("liver")
    # every RBP of the program, as the data give them; the others without a site here
    sites = np.zeros((30, len(program), L), dtype=bool)
    sites[:, [program.index(n) for n in names]] = planted_sites
    return one_hot(codes), sites, program.names()


def test_ground_truth_table(dataset, program):
    x, sites, names = dataset
    rbfox, srsf1, nova = (names.index(n) for n in ("RBFOX", "SRSF1", "NOVA"))
    truth = sites[:, [rbfox, nova]].any(axis=1)
    rng = np.random.default_rng(6)
    methods = {"perfect": {"attributions": at_observed(x, truth.astype(float))},
               "reversed": {"attributions": at_observed(x, (~truth).astype(float))},
               "srsf1": {"attributions": at_observed(x, sites[:, srsf1].astype(float))},
               "random": {"attributions": rng.normal(size=x.shape)}}
    costs = {"perfect": {"evaluations_per_sequence": 64, "seconds_per_sequence": 0.5}}
    table = ground_truth_table(methods, x, sites, names, program, "liver", costs).set_index("method")
    assert list(table.reset_index().columns) == TABLE_COLUMNS
    perfect = table.loc["perfect"]
    for column in ("auroc", "auprc", "auroc_corrected", "auprc_corrected", "avg_match",
                   "auroc_recurrent", "auroc_single", "auroc_low_ic", "auroc_high_ic"):
        assert perfect[column] == pytest.approx(1), column
    assert perfect.n_sequences == 30 and perfect.auroc_sd == 0
    assert perfect.evaluations_per_sequence == 64 and perfect.seconds_per_sequence == 0.5
    assert table.loc["reversed", "auroc"] == 0 and np.isnan(table.loc["reversed", "seconds_per_sequence"])
    # SRSF1's sites are functional but move no exon between the liver and the rest: negatives.
    assert table.loc["srsf1", "auroc"] < 0.5
    assert abs(table.loc["random", "auroc"] - 0.5) < 0.05
    # NOVA's copies are the recurrent, low-information class; RBFOX's the single, high one.
    nova_only = {"nova": {"attributions": at_observed(x, sites[:, nova].astype(float))}}
    row = ground_truth_table(nova_only, x, sites, names, program, "liver", {}).iloc[0]
    assert row.auroc_recurrent == 1 and row.auroc_low_ic == 1
    assert row.auroc_single == 0.5 and row.auroc_high_ic == 0.5

    per_rbp = rbp_table(nova_only, x, sites, names, program, "liver").set_index("rbp")
    assert per_rbp.loc["NOVA", "auroc"] == 1 and per_rbp.loc["RBFOX", "auroc"] == 0.5
    assert per_rbp.loc["NOVA", "information_content"] == 6
    assert not per_rbp.loc["SRSF1", "differential"] and per_rbp.loc["NOVA", "differential"]


def test_rna_map_is_the_mean_signed_attribution_at_the_observed_base():
    codes = np.array([[0, 1, 2, 3], [3, -1, 2, 1]])
    x = one_hot(codes)
    a = x * np.array([[1.0, -2, 3, 4], [3, 0, -1, 2]])[:, None, :] + (1 - x) * 9  # other bases: ignored
    table = rna_map(a, x, np.array([0, 0, 1, 1]), np.array([-1, 0, -1, 0]))
    assert list(table.window) == ["C1_5ss", "C1_5ss", "A_3ss", "A_3ss"]
    assert np.allclose(table.attribution, [2, -2, 1, 3]) and list(table.n) == [2, 1, 2, 2]


def test_planted_map_of_the_liver(program):
    table = planted_map(program, "liver")
    assert set(table.rbp) == set(program.differential_rbps("liver"))
    a1cf = table[table.rbp == "A1CF"]
    assert len(a1cf) == L
    downstream = a1cf[(a1cf.window == "A_5ss") & (a1cf.position >= 0)]
    assert (downstream.region == "I2_5").all() and len(downstream) == 300
    assert (downstream.weighted > 0.5).all()
    assert (a1cf[(a1cf.window == "A_5ss") & (a1cf.position < 0)].weighted == 0).all()
    assert (a1cf[(a1cf.window == "A_3ss") & (a1cf.position < 0)].weighted < 0).all()
    total = table.groupby("window").weighted.apply(lambda w: np.abs(w).sum())
    assert total["C1_5ss"] == 0 and total["C2_3ss"] == 0
    # Nova is brain-restricted: the liver is as low as the other tissues, so it moves nothing.
    assert (table[table.rbp == "NOVA"].weighted == 0).all()
    assert (table[table.rbp == "NOVA"].effect != 0).any()


# --------------------------------------------------------------------------- discovery

@pytest.fixture(scope="module")
def collection():
    return read_meme(ROOT / "resources" / "motifs" / "rbp_consensus.meme")


def planted_attributions(motif: str, seed: int = 7):
    """Random RNA, two copies of ``motif`` per sequence, attribution 1 on them plus noise."""
    rng = np.random.default_rng(seed)
    codes, sites = planted(rng, s=30, motifs=(motif,))
    x = one_hot(codes)
    return x * (sites[:, 0] + rng.normal(0, 0.05, codes.shape))[:, None, :], x


def test_discovery_recovers_rbfox_and_no_decoy(collection, program):
    from eigflow_arms.sequence.discovery import (
        discover,
        recovered_table,
        recovery_summary,
    )

    forward = discover(*planted_attributions("UGCAUG"), collection, WINDOWS)
    # the reverse complement: the same site read from the other strand only for DNA
    reverse = discover(*planted_attributions("CAUGCA"), collection, WINDOWS)
    assert (forward.end <= (forward.start // WINDOW + 1) * WINDOW).all()  # within a window
    table = recovered_table({"forward": forward, "reverse": reverse}, collection, program, "liver")
    assert len(table) == 2 * len(collection)
    got = table[table.recovered].groupby("method").rbp.apply(list).to_dict()
    assert got["forward"] == ["RBFOX"]
    assert "RBFOX" not in got.get("reverse", [])
    assert not ((reverse.target == "RBFOX") & (reverse.q < 0.05)).any()
    summary = recovery_summary(table).set_index("method")
    assert summary.loc["forward", "precision"] == 1 and summary.loc["forward", "decoys"] == ""
    assert summary.loc["forward", "recall"] == pytest.approx(1 / len(program.differential_rbps("liver")))


def test_recovery_needs_more_matches_than_chance(collection, program):
    from eigflow_arms.sequence.discovery import DISCOVERY_COLUMNS, recovered_table

    def seqlets(n_total, n_match, target):
        rows = pd.DataFrame(0, index=range(n_total), columns=DISCOVERY_COLUMNS)
        return rows.assign(target=[target] * n_match + ["A1CF"] * (n_total - n_match),
                           q=[0.01] * n_match + [0.5] * (n_total - n_match))

    table = recovered_table({"few": seqlets(10, 4, "IGF2BP1"), "many": seqlets(600, 4, "IGF2BP1"),
                             "two": seqlets(4, 2, "RBFOX")}, collection, program, "liver")
    table = table.set_index(["method", "rbp"])
    assert table.loc[("few", "IGF2BP1"), "recovered"] and table.loc[("few", "IGF2BP1"), "decoy"]
    # 4 of 600: what 600 seqlets without signal give one target by chance (600 x 0.05 / 26 ~ 1.2)
    assert not table.loc[("many", "IGF2BP1"), "recovered"]
    assert not table.loc[("two", "RBFOX"), "recovered"]  # fewer than MIN_SEQLETS
    assert table.loc[("two", "RBFOX"), "planted"] and not table.loc[("many", "A1CF"), "recovered"]
