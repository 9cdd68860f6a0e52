"""Global Importance Analysis through the feature extractor (eigflow_arms.liver.gia), on
constructed backgrounds and linear "models" whose answers are known."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from eigflow_arms.liver import gia
from eigflow_arms.splicing.events import REGIONS, SITES
from eigflow_arms.splicing.features import batch_features, feature_names, known_motifs
from eigflow_arms.splicing.program import read_program
from eigflow_arms.splicing.sequence import ALPHABET, FIVE_SS, THREE_SS

PROGRAM = read_program(Path(__file__).resolve().parents[1] / "resources" / "program.tsv")
MOTIFS = known_motifs(PROGRAM)
NAMES = feature_names(MOTIFS)
LENGTHS = {"C1": 100, "I1_5": 300, "I1_3": 300, "A": 90, "I2_5": 300, "I2_3": 300, "C2": 100}
MOTIF = "UAAUUA"   # the shipped A1CF motif; every 3-mer of it holds an A or a U


def one_hot(sequence: str) -> np.ndarray:
    """The PSSM that stands for exactly ``sequence``."""
    return np.eye(4)[[ALPHABET.index(b) for b in sequence]]


def backgrounds(n: int, seed: int = 0) -> list[dict]:
    """Region dicts of C/G-only sequence: no A or U anywhere, so an embedded A/U-rich motif is
    the only source of its k-mers and every k-mer count it adds is known exactly."""
    rng = np.random.default_rng(seed)
    def draw(length):
        return "".join(rng.choice(list("CG"), length))
    return [{**{r: draw(LENGTHS[r]) for r in REGIONS},
             **{s: draw(len(FIVE_SS) if s.endswith("5ss") else len(THREE_SS)) for s in SITES}}
            for _ in range(n)]


def linear(feature: str, weight: float = 2.0):
    """A "model" that reads one feature of the extractor's output, times ``weight``."""
    column = NAMES.index(feature)
    return lambda x: weight * np.asarray(x)[:, column]


def raw_features(batch):
    return batch_features(batch, MOTIFS)


def test_embed_writes_exactly_the_intended_positions_and_keeps_the_length():
    sequence = "C" * 40
    edited = gia.embed(sequence, MOTIF, 10)
    assert len(edited) == len(sequence)
    changed = [i for i, (a, b) in enumerate(zip(sequence, edited)) if a != b]
    assert changed == list(range(10, 16))
    assert edited[10:16] == MOTIF
    assert gia.embed(sequence, MOTIF, 34)[34:] == MOTIF   # the last fit
    with pytest.raises(ValueError, match="cannot embed 6 nt at 35 in 40 nt"):
        gia.embed(sequence, MOTIF, 35)


def test_a_feature_of_one_region_gives_its_known_effect_there_and_zero_elsewhere():
    # UAA once more in I2_5's 298 3-mer windows: the frequency rises by exactly 1/298 at every
    # position (the motif's edges meet only C/G, so it makes no other UAA).
    weight = 2.0
    table = gia.global_importance(backgrounds(3), [MOTIF] * 3, raw_features, linear("I2_5:kmer:UAA", weight),
                                  stride=50)
    inside = table[table.region == "I2_5"]
    assert len(inside) == 6 and (inside.n == 3).all()          # positions 0, 50, ..., 250
    np.testing.assert_allclose(inside.effect, weight / (LENGTHS["I2_5"] - 2), rtol=1e-6)
    assert set(table.region) == set(REGIONS)
    np.testing.assert_allclose(table[table.region != "I2_5"].effect, 0, atol=1e-12)


def test_a_decoy_without_the_feature_s_kmer_gives_zero():
    table = gia.global_importance(backgrounds(3), ["CCUCCC"] * 3, raw_features, linear("I2_5:kmer:UAA"),
                                  stride=50)
    np.testing.assert_allclose(table.effect, 0, atol=1e-12)


def test_a_repressive_weight_gives_a_negative_effect_and_positions_past_a_short_region_are_skipped():
    events = backgrounds(2)
    events[1]["I1_3"] = events[1]["I1_3"][:120]   # too short for positions 150 and up
    table = gia.global_importance(events, [MOTIF] * 2, raw_features, linear("I1_3:kmer:AAU", -1.0), stride=50)
    inside = table[table.region == "I1_3"].set_index("position")
    assert (inside.effect < 0).all()
    assert inside.n.to_dict() == {0: 2, 50: 2, 100: 2, 150: 1, 200: 1, 250: 1}
    np.testing.assert_allclose(inside.effect[250], -1 / 298, rtol=1e-6)
    np.testing.assert_allclose(inside.effect[0], (-1 / 298 - 1 / 118) / 2, rtol=1e-6)


def test_model_features_scale_as_the_dataset_and_refuse_foreign_features():
    d = len(NAMES)
    data = {"feature": np.asarray(NAMES), "lows": np.zeros(d), "highs": np.full(d, 2.0)}
    events = backgrounds(2)
    np.testing.assert_allclose(gia.model_features(MOTIFS, data)(events),
                               np.clip(raw_features(events) / 2, 0, 1), rtol=1e-6)
    with pytest.raises(ValueError, match="splicing.files.features"):
        gia.model_features(MOTIFS, {**data, "feature": np.asarray(NAMES[::-1])})


def test_instances_follow_the_pssm_and_shuffles_keep_the_composition():
    rng = np.random.default_rng(0)
    assert gia.sample_instances(one_hot(MOTIF), 4, rng) == [MOTIF] * 4
    pssm = np.array([[0.5, 0, 0, 0.5], [0, 1, 0, 0]])     # W then C
    drawn = gia.sample_instances(pssm, 2000, rng)
    assert {s[1] for s in drawn} == {"C"} and {s[0] for s in drawn} == {"A", "U"}
    assert abs(np.mean([s[0] == "A" for s in drawn]) - 0.5) < 0.05
    for original, copy in zip([MOTIF] * 5, gia.shuffled([MOTIF] * 5, rng)):
        assert sorted(copy) == sorted(original)


def test_gia_table_has_the_shared_columns_marks_decoys_and_nulls_and_is_seeded():
    events = backgrounds(2)
    motifs = {"A1CF": one_hot(MOTIF), "PCBP2": one_hot("CCUCCC")}
    args = (events, motifs, "A1CF", {"I2_5": 0.7}, raw_features, linear("I2_5:kmer:UAA"), "liver", 100, 2)
    table = gia.gia_table(*args, seed=1)
    assert list(table.columns) == gia.COLUMNS
    assert set(table.rbp) == {"A1CF", "PCBP2", "A1CF:shuffle1", "A1CF:shuffle2"}
    assert (table.model == "features").all() and (table.tissue == "liver").all()
    assert set(table.rbp[table.decoy]) == {"PCBP2"} and set(table.rbp[table.null]) == {"A1CF:shuffle1", "A1CF:shuffle2"}
    planted = table[table.rbp == "A1CF"].groupby("region").planted_effect.first()
    assert planted["I2_5"] == 0.7 and (planted.drop("I2_5") == 0).all()
    assert (table.planted_effect[table.rbp != "A1CF"] == 0).all()
    pd.testing.assert_frame_equal(table, gia.gia_table(*args, seed=1))
    # A degenerate motif draws other instances under another seed: another count of A.
    loose = {"A1CF": np.full((6, 4), 0.25)}
    first = gia.gia_table(events, loose, "A1CF", {}, raw_features, linear("I2_5:kmer:A"), "liver", 100, 0, seed=1)
    other = gia.gia_table(events, loose, "A1CF", {}, raw_features, linear("I2_5:kmer:A"), "liver", 100, 0, seed=2)
    assert not np.allclose(first.effect, other.effect)


def test_region_summary_tests_sign_where_planted_and_compares_with_the_null():
    rows = []
    for rbp, decoy, null, effects in [
            ("A1CF", False, False, {"I1_3": -0.2, "I2_5": 0.5, "A": 0.01}),
            ("QKI", True, False, {"I1_3": 0.0, "I2_5": 0.02, "A": 0.0}),
            ("A1CF:shuffle1", False, True, {"I1_3": -0.05, "I2_5": 0.05, "A": -0.01}),
            ("A1CF:shuffle2", False, True, {"I1_3": 0.05, "I2_5": -0.05, "A": 0.03})]:
        planted = {"I1_3": -0.3, "I2_5": 0.7, "A": 0.1} if rbp == "A1CF" else {}
        for region, effect in effects.items():
            for position, shift in ((0, -0.01), (50, 0.01)):     # the region effect is their mean
                rows.append(("features", rbp, region, position, "liver", effect + shift,
                             planted.get(region, 0.0), decoy, null))
    summary = gia.region_summary(pd.DataFrame(rows, columns=gia.COLUMNS)).set_index(["rbp", "region"])
    assert list(summary.columns) == [c for c in gia.SUMMARY_COLUMNS if c not in ("rbp", "region")]
    a1cf = summary.loc["A1CF"]
    np.testing.assert_allclose(a1cf.effect, [-0.2, 0.5, 0.01])
    assert a1cf.tested.tolist() == [True, True, False]        # |planted| 0.1 < 0.3 in A
    assert a1cf.sign_agrees.tolist() == [True, True, False]
    assert a1cf.beyond_null.tolist() == [True, True, False]
    np.testing.assert_allclose(a1cf.null_low, [-0.05, -0.05, -0.01])
    assert not summary.loc["QKI"].beyond_null.any() and summary.loc["QKI"].decoy.all()


def test_the_feature_model_is_summarised_with_the_cnn_s_scorer():
    # Rows in the layout both models share: the regulator agrees with its planted sign in the
    # two regions where |planted| >= 0.3, and a sign flip there halves the agreement.
    from eigflow_arms.sequence.gia import RNA_MAP_COLUMNS, summarise

    def rows(i2_5):
        out = []
        for rbp, decoy, null, effects in [("A1CF", False, False, {"I1_3": -0.02, "I2_5": i2_5, "A": 0.0}),
                                          ("QKI", True, False, {"I1_3": 0.0, "I2_5": 0.001, "A": 0.0}),
                                          ("A1CF:shuffle1", False, True, {"I1_3": -0.005, "I2_5": 0.01, "A": 0.0})]:
            planted = {"I1_3": -0.3, "I2_5": 0.7, "A": 0.0} if rbp == "A1CF" else {}
            out += [("features", rbp, region, 0, "liver", effect, planted.get(region, 0.0), decoy, null)
                    for region, effect in effects.items()]
        return gia.as_rna_map(pd.DataFrame(out, columns=gia.COLUMNS))

    maps = rows(0.05)
    assert list(maps.columns) == RNA_MAP_COLUMNS
    assert maps.set_index("rbp").kind.to_dict() == {"A1CF": "program", "QKI": "decoy", "A1CF:shuffle1": "random"}
    summary = summarise(maps).set_index("rbp")
    assert summary.loc["A1CF", "n_regions"] == 2 and summary.loc["A1CF", "sign_agreement"] == 1.0
    assert summary.loc["A1CF", "model"] == "features" and summary.loc["A1CF", "output"] == "dpsi"
    assert "A1CF:shuffle1" not in summary.index          # the null band is not scored
    assert summarise(rows(-0.05)).set_index("rbp").loc["A1CF", "sign_agreement"] == 0.5


class _Encoder(torch.nn.Module):
    def encode(self, x):
        return x


class _Code:
    """Inclusion log-odds z0 + 1 in tissue 0 and z0 - 1 elsewhere: tissue 0 minus any other is
    exactly 2, whatever t2."""

    def logits(self, z, t1, t2):
        return torch.stack([z[:, 0] + torch.where(t1 == 0, 1.0, -1.0), t2.float(), t2.float()], dim=1)


def test_liver_contrast_is_the_signed_log_odds_difference():
    x = np.array([[0.3], [0.9]], dtype=np.float32)
    np.testing.assert_allclose(gia.liver_contrast(_Encoder(), _Code(), ["liver", "heart", "lung"], "liver")(x), 2)
    # Tissue 0 is now another: -2 against it, 0 against lung (neither is tissue 0); mean -1.
    np.testing.assert_allclose(gia.liver_contrast(_Encoder(), _Code(), ["heart", "liver", "lung"], "liver")(x), -1)
    with pytest.raises(ValueError, match="liver.tissue='kidney'"):
        gia.liver_contrast(_Encoder(), _Code(), ["liver", "heart"], "kidney")


def test_backgrounds_are_seeded_non_changing_exons_and_decoys_skip_the_program():
    events = pd.DataFrame({"event_id": [f"E{i}" for i in range(10)]})
    non_changing = [f"E{i}" for i in range(0, 10, 2)]
    first = gia.background_events(events, non_changing, 3, seed=4)
    assert set(first.event_id) <= set(non_changing) and len(first) == 3
    pd.testing.assert_frame_equal(first, gia.background_events(events, non_changing, 3, seed=4))
    assert len(gia.background_events(events, non_changing, 50, seed=4)) == 5
    with pytest.raises(ValueError, match="liver.non_changing_max"):
        gia.background_events(events, ["X"], 3, seed=4)
    collection = dict.fromkeys(["A1CF", "NOVA", "SF1", "QKI", "TIA1"])
    assert gia.decoys(collection, ["A1CF", "NOVA"], "A1CF", 2) == ["SF1", "QKI"]


def test_the_figure_draws_from_the_table_and_its_summary(tmp_path):
    import matplotlib
    matplotlib.use("Agg")
    from eigflow_arms.liver import motif_figures

    events = backgrounds(2)
    motifs = {"A1CF": one_hot(MOTIF), "PCBP2": one_hot("CCUCCC")}
    table = gia.gia_table(events, motifs, "A1CF", {"I2_5": 0.7, "I1_3": -0.3}, raw_features,
                          linear("I2_5:kmer:UAA"), "liver", 100, 2, seed=0)
    summary = gia.region_summary(table)
    assert summary.set_index(["rbp", "region"]).loc[("A1CF", "I2_5")].sign_agrees
    motif_figures.liver_gia(table, summary, tmp_path / "g.png", tmp_path / "g.pdf")
    assert (tmp_path / "g.png").stat().st_size > 0 and (tmp_path / "g.pdf").stat().st_size > 0


def test_liver_gia_is_a_target_unless_the_features_are_the_user_s():
    from eigflow_arms.liver.adapter import LiverArm

    extracted = {"seed": 0, "splicing": {"source": "files", "files": {"features": None}}, "liver": {}}
    assert "liver_gia" in LiverArm(extracted).targets()
    assert "liver_gia" in LiverArm({"seed": 0, "splicing": {"source": "simulate"}, "liver": {}}).targets()
    own = {"seed": 0, "splicing": {"source": "files", "files": {"features": "f.tsv"}}, "liver": {}}
    assert LiverArm(own).targets() == [f for f in LiverArm.figures if f != "liver_gia"]
