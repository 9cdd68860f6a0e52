"""Global importance analysis (eigflow_arms.sequence.gia): known answers on a constructed motif
detector, agreement with tangermeme's marginalize, seeding and the null models' properties."""
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import torch
from eigflow_arms.sequence import gia
from eigflow_arms.sequence.data import LENGTH, WIDTH, layout, one_hot
from eigflow_arms.sequence.model import SequenceCNN
from eigflow_arms.splicing.program import read_program
from tangermeme.marginalize import marginalize

ROOT = Path(__file__).resolve().parents[1]
MOTIF = "UGCAUG"   # RBFOX's, acting most strongly in I2_5 (window A_5ss, columns 700-1049)
OUTPUTS = ["psi:hippocampus", "change:liver"]

pytestmark = pytest.mark.usefixtures("one_thread")


class Detector(torch.nn.Module):
    """Counts exact occurrences of ``MOTIF`` starting in window 2 (output 0) and twice those
    starting in window 0 (output 1): a filter of +1 at the motif's bases and -1 elsewhere
    scores 6 only at an exact match (one mismatch: 4), so relu(score - 5) is 1 there, else 0."""

    def __init__(self):
        super().__init__()
        weight = torch.as_tensor(2 * gia.encode(MOTIF) - 1)
        self.conv = torch.nn.Conv1d(4, 1, len(MOTIF), bias=False)
        self.conv.weight.data = weight[None]
        starts = torch.arange(LENGTH - len(MOTIF) + 1)
        self.register_buffer("window", starts // WIDTH)

    def forward(self, x):
        hits = torch.relu(self.conv(x)[:, 0] - 5)
        return torch.stack([(hits * (self.window == 2)).sum(1), 2 * (hits * (self.window == 0)).sum(1)], dim=1)


def letters_pool(n, alphabet, seed=0):
    """(n, 4, L) random sequences of the bases ``alphabet`` (indices into A C G U)."""
    codes = np.random.default_rng(seed).choice(alphabet, size=(n, LENGTH))
    return one_hot(codes)


@pytest.fixture(scope="module")
def program():
    return read_program(ROOT / "resources" / "program.tsv")


@pytest.fixture(scope="module")
def cnn():
    torch.manual_seed(0)
    model = SequenceCNN(2, 1, channels=4, kernel=9, block_kernel=3, dilations=[2], pool=50, hidden=8)
    for module in model.modules():   # non-trivial statistics, so eval-mode batch norm is no identity
        if isinstance(module, torch.nn.BatchNorm1d):
            module.running_mean.uniform_(-0.2, 0.2)
            module.running_var.uniform_(0.5, 1.5)
    return model.eval()


def test_detector_known_answer():
    # Backgrounds of A and C only hold no U or G, so no occurrence: each embedding makes one.
    pool = letters_pool(10, [0, 1])
    patterns = pd.DataFrame({"rbp": ["RBFOX", "DECOY"], "kind": ["program", "decoy"],
                             "instance": [MOTIF, "AAUAAA"]})
    table = gia.rna_map(Detector(), pool, patterns, OUTPUTS, layout(), nulls=["observed", "shuffle"],
                        n_backgrounds=5, stride=7, seed=1)
    motif = table[table.rbp == "RBFOX"]
    in_window = motif.window == "A_5ss"
    first = motif.output == "psi"
    assert np.allclose(motif[first & in_window].effect, 1.0)
    assert np.allclose(motif[first & ~in_window].effect, 0.0)
    assert np.allclose(motif[~first & (motif.window == "C1_5ss")].effect, 2.0)
    assert np.allclose(motif[~first & (motif.window != "C1_5ss")].effect, 0.0)
    assert np.allclose(motif.sd, 0.0)
    assert np.allclose(table[table.decoy].effect, 0.0)


def test_copies_count_on_the_detector(program):
    pool = letters_pool(6, [0, 1])
    table = gia.copies(Detector(), pool, program, ["RBFOX"], OUTPUTS, layout(), null="observed", max_copies=3,
                       spacing=10, spacings=[6, 40], n_backgrounds=4, seed=0)
    first = table[table.output == "psi"]
    assert (first.region == "I2_5").all()
    counted = first[first.experiment == "copies"].set_index("copies").effect
    assert np.allclose(counted.loc[[1, 2, 3]], [1, 2, 3])
    assert np.allclose(first[first.experiment == "spacing"].effect, 2.0)
    # The planted effect adds up per copy: RBFOX's 0.8 per site in I2_5, full activity in hippocampus.
    assert np.allclose(first[first.experiment == "copies"].planted_effect, [0.8, 1.6, 2.4])


@pytest.mark.parametrize("start", [0, 123, 700, 1394])
def test_agrees_with_tangermeme_marginalize(cnn, start):
    pool = letters_pool(16, [0, 1, 2, 3], seed=2)
    background = gia.backgrounds("dinucleotide-shuffle", pool, 12, seed=3)
    mean, sd = gia.global_importance(cnn, background, [gia.encode(MOTIF)], np.array([[start]]), batch_size=7)
    before, after = marginalize(cnn, torch.as_tensor(background), MOTIF, start=start, alphabet=list("ACGU"),
                                batch_size=5)
    local = (after - before).double()
    assert np.allclose(mean[0], local.mean(0).numpy(), atol=1e-5)
    assert np.allclose(sd[0], local.std(0).numpy(), atol=1e-5)


def test_embed_overwrites_only_the_motif_columns():
    background = torch.as_tensor(letters_pool(3, [0, 1, 2, 3], seed=4))
    pattern = torch.as_tensor(gia.encode("GGA"))
    x = gia.embed(background, [pattern, pattern], torch.tensor([[5, 20], [0, 1397]]))
    assert x.shape == (2, 3, 4, LENGTH)
    assert torch.equal(x[0, :, :, 5:8], pattern.expand(3, -1, -1))
    assert torch.equal(x[0, :, :, 20:23], pattern.expand(3, -1, -1))
    untouched = np.setdiff1d(np.arange(LENGTH), np.r_[5:8, 20:23])
    assert torch.equal(x[0][..., untouched], background[..., untouched])
    with pytest.raises(ValueError, match="beyond"):
        gia.embed(background, [pattern], torch.tensor([[1398]]))


def test_seeded_and_each_null_model_differs(cnn):
    pool = letters_pool(8, [0, 1, 2, 3], seed=5)
    patterns = pd.DataFrame({"rbp": ["RBFOX"], "kind": ["program"], "instance": [MOTIF]})
    kwargs = dict(nulls=["profile", "dinucleotide-shuffle"], n_backgrounds=4, stride=60)
    one = gia.rna_map(cnn, pool, patterns, ["psi:a", "psi:b", "change:a"], layout(), seed=9, **kwargs)
    again = gia.rna_map(cnn, pool, patterns, ["psi:a", "psi:b", "change:a"], layout(), seed=9, **kwargs)
    other = gia.rna_map(cnn, pool, patterns, ["psi:a", "psi:b", "change:a"], layout(), seed=10, **kwargs)
    pd.testing.assert_frame_equal(one, again)
    assert not np.allclose(one.effect, other.effect)
    for null in gia.NULL_MODELS:
        assert np.array_equal(gia.backgrounds(null, pool, 3, 1), gia.backgrounds(null, pool, 3, 1))


def test_instance_is_seeded_and_follows_iupac():
    draws = {gia.instance("YCAY", np.random.default_rng(s)) for s in range(40)}
    assert draws == {"CCAC", "CCAU", "UCAC", "UCAU"}
    assert gia.instance("YCAY", np.random.default_rng(3)) == gia.instance("YCAY", np.random.default_rng(3))


def dinucleotides(codes):
    return sorted(zip(codes[:-1], codes[1:]))


def test_null_models_keep_what_they_promise():
    pool = letters_pool(6, [0, 1, 2, 3], seed=6)
    pool[:, :, 340:350] = 0                                        # Ns at the end of window 0
    for null in ("shuffle", "dinucleotide-shuffle"):
        drawn = gia.backgrounds(null, pool, 6, seed=0)
        assert not np.array_equal(drawn, gia.backgrounds("observed", pool, 6, seed=0))
        # Each null model seeds its own draw of rows, so every drawn window is compared with
        # every pool window of the same place.
        codes = np.where(drawn.any(1), drawn.argmax(1), -1)
        assert (codes[:, 340:350] == -1).all() and (codes[:, :340] >= 0).all()
        pool_codes = np.where(pool.any(1), pool.argmax(1), -1)
        for row in codes:
            for w in range(4):
                window = row[w * WIDTH:(w + 1) * WIDTH]
                sources = [p[w * WIDTH:(w + 1) * WIDTH] for p in pool_codes]
                if null == "shuffle":
                    assert any(np.array_equal(np.sort(window), np.sort(s)) for s in sources)
                else:
                    letters = window[window >= 0]
                    assert any(dinucleotides(letters) == dinucleotides(s[s >= 0]) for s in sources)


def test_profile_matches_position_frequencies():
    pool = np.zeros((2, 4, LENGTH), dtype=np.float32)
    pool[:, 0, :] = 1                                                # A everywhere ...
    pool[1, 0, 100], pool[1, 3, 100] = 0, 1                          # ... but half U at 100
    pool[:, :, 200] = 0                                              # ... and an N at 200
    drawn = gia.backgrounds("profile", pool, 4000, seed=0)
    assert (drawn[:, 0, :100] == 1).all() and (drawn[:, :, 200] == 0).all()
    assert abs(drawn[:, 3, 100].mean() - 0.5) < 0.03 and np.allclose(drawn[:, :, 100].sum(1), 1)


def test_planted_effects_and_summary(program):
    table = pd.DataFrame({"rbp": ["NOVA", "NOVA", "NOVA", "DECOY"], "region": ["I1_3", "I2_5", "C1", "A"],
                          "output": ["psi", "psi", "change", "psi"],
                          "tissue": ["hippocampus", "liver", "hippocampus", "liver"]})
    planted = gia.planted_effects(table, program)
    # NOVA: -0.25 in I1_3, full activity in hippocampus; 0.3 in I2_5 at 1/60 of it in liver;
    # nothing in C1; a decoy plants nothing.
    assert np.allclose(planted, [-0.25, 0.3 / 60, 0.0, 0.0])
    rows = []
    for null, flip in (("profile", 1), ("observed", -1)):
        for region, planted_effect, effect in (("I1_3", -0.5, -1.0), ("I2_5", 0.6, 0.8 * flip), ("C1", 0.0, 0.1)):
            for position in range(3):
                rows.append({"model": "cnn", "rbp": "R", "kind": "program", "decoy": False, "null": null,
                             "region": region, "position": position, "output": "psi", "tissue": "t",
                             "effect": effect + 0.01 * position, "planted_effect": planted_effect})
        for effect in (-0.2, 0.0, 0.2):
            rows.append({"model": "cnn", "rbp": "K", "kind": "random", "decoy": False, "null": null,
                         "region": "C1", "position": 0, "output": "psi", "tissue": "t", "effect": effect,
                         "planted_effect": 0.0})
    features = pd.DataFrame(rows).assign(model="features")
    summary = gia.summarise(pd.concat([pd.DataFrame(rows), features]), min_effect=0.3)
    assert list(summary.columns) == gia.SUMMARY_COLUMNS and set(summary.model) == {"cnn", "features"}
    row = summary[summary.model == "cnn"].iloc[0]
    assert row.n_regions == 2 and row.sign_agreement == 0.75 and row.sign_agreement_min == 0.5
    assert not row.robust                                            # I2_5 flips between null models
    assert row.inside_band == pytest.approx(3 / 9)                   # only C1's 0.1..0.12 is in the band


def test_patterns_pool_and_copy_checks(program):
    collection = {"A1CF": np.eye(4)[[3, 0, 0]], "DEC": np.eye(4)[[2, 2, 1, 0]]}
    table = gia.patterns(program, collection, n_decoys=None, n_random=2, seed=0)
    assert list(table[table.kind == "decoy"].rbp) == ["DEC"] and table[table.rbp == "DEC"].instance.item() == "GGCA"
    assert len(table[table.kind == "program"]) == len(program)
    lengths = {len(m) for m in table[table.kind != "random"].instance}
    assert sorted(table[table.kind == "random"].instance.str.len().unique()) == sorted(lengths)
    x = np.arange(8)[:, None, None] * np.ones((1, 4, 3))
    scores = np.arange(8.0)
    assert np.array_equal(gia.background_pool(x, np.ones(8, bool), scores, quartile=4)[:, 0, 0], [6, 7])
    with pytest.raises(ValueError, match="splicing.changing"):
        gia.background_pool(x, np.zeros(8, bool))
    from eigflow_arms.sequence.adapter import gia_problems

    assert gia_problems({"copies": {"max_copies": 4, "spacing": 12, "spacings": [6, 80]}}, program.names()) == []
    problems = gia_problems({"copies": {"max_copies": 3, "spacing": 200, "spacings": [345], "rbps": ["RBFOX"]},
                             "interaction": {"pairs": [["NOVA", "NOPE"]]}}, program.names())
    assert len(problems) == 3 and "sequence.gia.copies" in problems[1] and "spacings" in problems[2]
    assert "sequence.gia.interaction.pairs names 'NOPE'" in problems[0]


class Both(torch.nn.Module):
    """Output 0: (occurrences of ``MOTIF``) x (occurrences of GGAC), anywhere: neither alone
    moves it, together they add 1, an interaction of exactly 1. Output 1: the first count alone."""

    def __init__(self):
        super().__init__()
        self.one, self.two = Detector(), Detector()
        self.two.conv = torch.nn.Conv1d(4, 1, 4, bias=False)
        self.two.conv.weight.data = torch.as_tensor(2 * gia.encode("GGAC") - 1)[None]

    def count(self, detector, x, width):
        return torch.relu(detector.conv(x)[:, 0] - (width - 1)).sum(1)

    def forward(self, x):
        first = self.count(self.one, x, 6)
        return torch.stack([first * self.count(self.two, x, 4), first], dim=1)


def test_interaction_known_answer(program):
    # RBFOX's motif is UGCAUG; a made-up partner "GGAC" goes through the program as HNRNPA1's
    # row would, so the pair is read from a program with that motif swapped in.
    from dataclasses import replace

    rbps = tuple(replace(r, motif="GGAC") if r.name == "HNRNPA1" else r for r in program)
    swapped = replace(program, rbps=rbps)
    table = gia.interaction(Both(), letters_pool(6, [0, 3]), swapped, [("RBFOX", "HNRNPA1")], OUTPUTS, layout(),
                            null="observed", distance=20, n_backgrounds=4, seed=0)
    product, alone = table.iloc[0], table.iloc[1]
    assert (product.effect_a, product.effect_b, product.effect_ab, product.interaction) == (0, 0, 1, 1)
    assert (alone.effect_a, alone.effect_b, alone.effect_ab, alone.interaction) == (1, 0, 1, 0)
    assert product.region == "I2_5" and product.planted_ab == pytest.approx(0.8 + 0.0)
    assert gia.interaction_pairs(["A", "B", "C"]) == [("A", "B"), ("B", "C")]


class StrongBases(torch.nn.Module):
    """The number of G and C letters in the sequence: embedding a k-mer into an all-A background
    adds exactly its GC count."""

    def forward(self, x):
        return (x[:, 1] + x[:, 2]).sum(1, keepdim=True)


def test_gc_control_known_answer(program):
    kmers = gia.gc_kmers(6, 3, np.random.default_rng(0))
    assert [gc for gc, _ in kmers] == [c / 6 for c in range(7) for _ in range(3)]
    assert all(sum(b in "GC" for b in text) == round(gc * 6) for gc, text in kmers)
    pool = letters_pool(3, [0])
    table = gia.gc_control(StrongBases(), pool, program, ["psi:t"], layout(), length=6, n_patterns=2,
                           null="observed", n_backgrounds=2, stride=50, seed=0)
    assert np.allclose(table.effect, table.gc * 6 * (table.kind == "gc") + table.gc * table.pattern.map(
        lambda name: len(program.rbp(name).motif) if name in program.names() else 0))
    assert np.allclose(table.sd, 0)


def test_variant_logo_known_answer(program):
    # The detector sees only the exact motif: the instance's own bases score 1, every variant 0.
    table = gia.variant_logo(Detector(), letters_pool(4, [0, 1]), program, ["RBFOX"], OUTPUTS, layout(),
                             null="observed", n_backgrounds=3, seed=0)
    first = table[table.output == "psi"]
    own = first.base == first.offset.map(lambda i: MOTIF[i])
    assert len(first) == 4 * len(MOTIF) and (first.region == "I2_5").all()
    assert np.allclose(first[own].effect, 1.0) and np.allclose(first[~own].effect, 0.0)
    assert np.allclose(first.planted_effect, 0.8)
