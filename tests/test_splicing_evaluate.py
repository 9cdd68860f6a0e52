"""Splicing-arm evaluation (Fig. 3, supp. S7-S10, planted truth): known answers on constructed tables."""
import numpy as np
import pandas as pd
import pytest
from eigflow import PATHS
from eigflow.significance import COLUMNS
from eigflow_arms.common import methods
from eigflow_arms.splicing import evaluate as ev
from eigflow_arms.splicing.adapter import EXPLAINED
from scipy import stats


def sig_table(features, significant=(), scores=None, p=None):
    """An Algorithm 1 table over ``features``; ``scores`` gives mean_abs_interest and t."""
    features = list(features)
    scores = np.linspace(1, 0, len(features)) if scores is None else np.asarray(scores, float)
    p = np.full(len(features), 0.5) if p is None else np.asarray(p, float)
    return pd.DataFrame({"feature": features, "mean_abs_interest": scores, "mean_abs_null": 0.1,
                         "t": scores, "p": p, "p_adjusted": np.minimum(p * len(p), 1),
                         "significant": [f in set(significant) for f in features]})[COLUMNS]


FEATURES = [f"m{i}" for i in range(10)]


# --- method ids ------------------------------------------------------------------------------

def test_method_ids_parse_and_label():
    names = methods.names(EXPLAINED)
    assert len(names) == len(set(names)) == 26
    assert names[0] == "simple-gradients" and names[-1] == "deep-shap"
    assert methods.parse("H-L-IG.encoded-zero") == ("H-L-IG", "encoded-zero")
    assert methods.parse("deep-shap") == (None, None)
    assert methods.label("H-L-IG.median") == "median H-L-IG"
    assert methods.label("simple-gradients") == "simple gradients"
    assert methods.label("deep-shap") == "Deep SHAP"
    with pytest.raises(ValueError, match="unknown method 'X-L-IG.zero'"):
        methods.parse("X-L-IG.zero")
    assert methods.order(["deep-shap", "O-L-IG.median", "simple-gradients"]) == \
        ["simple-gradients", "O-L-IG.median", "deep-shap"]


def test_panels_show_the_papers_methods():
    assert ev.panel("fig3a") == ["simple-gradients", "O-L-IG.zero", "H-L-IG.zero", "O-N-IG.zero", "H-N-IG.zero"]
    assert ev.panel("fig3b") == [f"O-L-IG.{b}" for b in methods.baselines()]
    assert {methods.parse(m)[1] for m in ev.panel("fig3c")} == {"encoded-zero"}
    assert {methods.parse(m)[1] for m in ev.panel("fig3d")} == {"median"}
    assert len(ev.panel("figS7")) == 24 and set(ev.panel("figS7")) < set(methods.names(EXPLAINED))


# --- counts -----------------------------------------------------------------------------------

def test_count_table_counts_and_paper_counts():
    significance = {"O-L-IG.median": sig_table(FEATURES, FEATURES[:4]),
                    "H-L-IG.encoded-zero": sig_table(FEATURES, FEATURES[2:3]),
                    "simple-gradients": sig_table(FEATURES[:7]),
                    "H-L-IG.k-means": sig_table(FEATURES, FEATURES)}
    table = ev.count_table(significance).set_index("method")
    assert list(table.index) == ["simple-gradients", "H-L-IG.encoded-zero", "H-L-IG.k-means", "O-L-IG.median"]
    assert table["n_significant"].to_dict() == {"simple-gradients": 0, "H-L-IG.encoded-zero": 1,
                                                "H-L-IG.k-means": 10, "O-L-IG.median": 4}
    assert table.loc["simple-gradients", "n_tested"] == 7
    assert table.loc["O-L-IG.median", "paper_count"] == "621"
    assert table.loc["H-L-IG.encoded-zero", ["paper_low", "paper_high"]].tolist() == [354, 534]
    assert table.loc["H-L-IG.encoded-zero", "paper_count"] == "354-534"
    assert table.loc["simple-gradients", "paper_low"] == 3
    assert pd.isna(table.loc["H-L-IG.k-means", "paper_count"])
    assert table.loc["H-L-IG.k-means", ["path", "baseline", "label"]].tolist() == ["H-L-IG", "k-means",
                                                                                   "k-means H-L-IG"]
    with pytest.raises(ValueError, match="no significance table for method"):
        ev.count_table(significance, ["deep-shap"])


# --- enrichment -------------------------------------------------------------------------------

def test_ranking_orders_by_attribution():
    table = sig_table(["a", "b", "c", "d"], ["a", "c", "d"], scores=[0.2, 0.9, 0.5, 0.7])
    assert list(ev.ranking(table).index) == ["b", "d", "c", "a"]
    assert list(ev.ranking(table, significant_only=True).index) == ["d", "c", "a"]


def test_enrichment_curve_matches_the_hypergeometric_sf():
    curve = ev.enrichment_curve(["a", "x", "b", "y", "c"], {"a", "b", "c"}, universe=10)
    assert curve["k"].tolist() == [1, 2, 3, 4, 5]
    assert curve["overlap"].tolist() == [1, 1, 2, 2, 3]
    expected = stats.hypergeom.sf(curve["overlap"] - 1, 10, 3, curve["k"])
    np.testing.assert_allclose(10 ** -curve["neglog10_p"], expected, rtol=1e-10)
    assert 10 ** -curve["neglog10_p"].iloc[0] == pytest.approx(0.3)  # P(X >= 1) with 1 draw: 3/10
    none_known = ev.enrichment_curve(["x", "y"], {"a"}, universe=10)
    assert (none_known["neglog10_p"] == 0).all()  # p = 1


def test_enrichment_peaks_when_known_features_come_first():
    known = {"k0", "k1", "k2", "k3"}
    others = [f"o{i}" for i in range(16)]
    first = ev.enrichment_curve(sorted(known) + others, known, universe=20)
    last = ev.enrichment_curve(others + sorted(known), known, universe=20)
    best = first["neglog10_p"]
    # All four known in the top 4: p = 1 / C(20, 4) = 1 / 4845.
    assert best.idxmax() == 3 and best.max() == pytest.approx(np.log10(4845))
    assert best.max() > last["neglog10_p"].max()
    assert (best.to_numpy() >= last["neglog10_p"].to_numpy() - 1e-12).all()
    with pytest.raises(ValueError, match="repeats"):
        ev.enrichment_curve(["a", "a"], known, 20)


def test_enrichment_table_and_best_methods():
    known = pd.DataFrame({"meta_feature": FEATURES, "p": 0.0, "neglog_p": 30.0,
                          "known": [f in {"m0", "m1"} for f in FEATURES]})
    good = sig_table(FEATURES, FEATURES[:3])                       # m0, m1 ranked first
    bad = sig_table(FEATURES, FEATURES[5:], scores=np.arange(10))  # no known feature significant
    significance = {"O-L-IG.median": bad, "H-L-IG.median": good, "O-N-IG.median": good.copy(),
                    "H-L-IG.encoded-zero": good, "deep-shap": bad, "H-N-IG.zero": sig_table(FEATURES)}
    curves = ev.enrichment_table(significance, known)
    assert set(curves["method"]) == set(significance) - {"H-N-IG.zero"}  # nothing significant: no rows
    assert len(curves[curves["method"] == "H-L-IG.median"]) == 3
    assert ev.best_methods(curves, "median") == ["H-L-IG.median", "O-N-IG.median"]  # tie: METHODS order
    assert ev.best_methods(curves, "median", n=1) == ["H-L-IG.median"]
    assert ev.best_methods(curves, "close") == []
    assert ev.fig3e_methods(curves) == ["H-L-IG.encoded-zero", "H-L-IG.median", "O-N-IG.median", "deep-shap"]


# --- prediction -------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def task():
    """Six meta-features of two features each; only m0's features carry the label."""
    rng = np.random.default_rng(0)
    n = 600
    labels = rng.random(n) < 0.4
    x = rng.random((n, 12)).astype(np.float32)
    x[:, :2] = np.clip(0.35 + 0.3 * labels[:, None] + rng.normal(0, 0.12, (n, 2)), 0, 1)
    meta = pd.DataFrame({"feature": [f"f{j}" for j in range(12)], "meta_feature": [f"m{j // 2}" for j in range(12)]})
    train = np.arange(n) < 400
    return x, meta, labels, train, ~train


def test_auc_curve_significant_beats_random_and_is_seeded(task):
    ranked = ["m0", "m3", "m1"]
    curve = ev.auc_curve(*task, ranked, sizes=[1, 2, 5], repeats=6, seed=3)
    sig = curve[curve["selection"] == "significant"].set_index("n_meta")["auc"]
    assert list(sig.index) == [1, 2]  # no ranking beyond its 3 entries at size 5
    random = curve[curve["selection"] == "random"]
    assert len(random) == 3 * 6 and random["repeat"].tolist() == list(range(6)) * 3
    assert sig[1] > 0.9 > random.loc[random["n_meta"] == 1, "auc"].mean()
    pd.testing.assert_frame_equal(curve, ev.auc_curve(*task, ranked, [1, 2, 5], 6, seed=3))
    assert not curve.equals(ev.auc_curve(*task, ranked, [1, 2, 5], 6, seed=4))
    with pytest.raises(ValueError, match="between 1 and the 6 meta-features"):
        ev.auc_curve(*task, ranked, [7], 1)
    with pytest.raises(ValueError, match="not in `meta_table`"):
        ev.auc_curve(*task, ["m9"], [1], 0)


def test_auc_curve_rejects_a_one_class_split(task):
    x, meta, labels, train, test = task
    with pytest.raises(ValueError, match="`test` rows hold only one class"):
        ev.auc_curve(x, meta, labels, train, test & labels, ["m0"], [1], 1)
    with pytest.raises(ValueError, match="meta_table` has 11 rows"):
        ev.auc_curve(x, meta.iloc[:11], labels, train, test, ["m0"], [1], 1)


def test_method_auc_one_model_per_method(task):
    metas = [f"m{i}" for i in range(6)]
    significance = {"H-L-IG.median": sig_table(metas, ["m0", "m2"]),
                    "O-L-IG.zero": sig_table(metas),
                    "H-L-IG.random": sig_table(metas, ["m4", "m5"])}
    table = ev.method_auc(*task, significance).set_index("method")
    assert list(table.index) == ["O-L-IG.zero", "H-L-IG.median", "H-L-IG.random", "all-features"]
    assert table["n_significant"].tolist() == [0, 2, 2, 6]
    assert np.isnan(table.loc["O-L-IG.zero", "auc"])
    assert table.loc["H-L-IG.median", "auc"] > 0.9
    assert table.loc["H-L-IG.random", "auc"] < 0.65
    assert table.loc["all-features", "auc"] > 0.9


# --- overlap ----------------------------------------------------------------------------------

def test_overlap_table_is_symmetric_with_right_counts():
    significance = {"O-L-IG.zero": sig_table(FEATURES),
                    "H-L-IG.median": sig_table(FEATURES, ["m0", "m1", "m2"]),
                    "O-L-IG.median": sig_table(FEATURES, ["m1", "m2", "m3", "m4"])}
    table = ev.overlap_table(significance)
    assert len(table) == 9
    wide = table.pivot(index="method_a", columns="method_b", values="shared")
    np.testing.assert_array_equal(wide.to_numpy(), wide.to_numpy().T)
    pair = table.set_index(["method_a", "method_b"])
    assert pair.loc[("H-L-IG.median", "O-L-IG.median"), ["n_a", "n_b", "shared"]].tolist() == [3, 4, 2]
    assert pair.loc[("H-L-IG.median", "O-L-IG.median"), "jaccard"] == pytest.approx(2 / 5)
    assert pair.loc[("O-L-IG.median", "O-L-IG.median"), ["shared", "jaccard"]].tolist() == [4, 1.0]
    assert pair.loc[("O-L-IG.zero", "H-L-IG.median"), ["shared", "jaccard"]].tolist() == [0, 0.0]
    assert np.isnan(pair.loc[("O-L-IG.zero", "O-L-IG.zero"), "jaccard"])


def test_only_in_counts_features_missed_by_the_other_group():
    significance = {"O-L-IG.encoded-zero": sig_table(FEATURES, ["m0", "m1", "m2"]),
                    "H-L-IG.encoded-zero": sig_table(FEATURES, ["m2", "m3"]),
                    "O-L-IG.median": sig_table(FEATURES, ["m1", "m5"]),
                    "H-L-IG.k-means": sig_table(FEATURES, ["m3"])}
    assert ev.only_in(significance, ["O-L-IG.encoded-zero", "H-L-IG.encoded-zero"],
                      ["O-L-IG.median", "H-L-IG.k-means"]) == (2, 4)  # m0 and m2 of {m0..m3}


# --- calibration ------------------------------------------------------------------------------

def test_calibration_table_ks_against_uniform():
    rng = np.random.default_rng(1)
    uniform = sig_table(range(500), p=rng.random(500))
    skewed = sig_table(range(500), [0], p=rng.random(500) ** 3)
    table = ev.calibration_table({"H-L-IG.median": uniform, "O-L-IG.zero": skewed}).set_index("method")
    assert table.loc["H-L-IG.median", "ks_p"] > 0.01 and table.loc["H-L-IG.median", "n_significant"] == 0
    assert table.loc["O-L-IG.zero", "ks_p"] < 1e-6 and table.loc["O-L-IG.zero", "n_significant"] == 1
    expected = stats.kstest(uniform["p"], "uniform")
    assert table.loc["H-L-IG.median", "ks_statistic"] == pytest.approx(expected.statistic)
    long = ev.pvalue_table({"H-L-IG.median": uniform, "O-L-IG.zero": skewed})
    assert list(long.columns) == ["method", "feature", "p"] and len(long) == 1000
    assert long["method"].iloc[0] == "O-L-IG.zero"  # METHODS order


# --- ground truth -----------------------------------------------------------------------------

def _use_and_attribution(significance, scores):
    """Model use and mean |attribution| tables whose values are ``scores`` for every method."""
    use = pd.DataFrame({"meta_feature": FEATURES, "model_use": scores})
    return use, {m: pd.Series(scores, index=FEATURES) for m in significance}


def test_ground_truth_table_precision_recall_f1():
    truth = pd.DataFrame({"meta_feature": FEATURES + ["m_untested"], "tiers": "", "rbps": "", "shared": False,
                          "truth": [f in {"m0", "m1", "m2", "m_untested"} for f in FEATURES + ["m_untested"]]})
    ranked_well = sig_table(FEATURES, ["m0", "m1", "m5"])  # scores fall with the index: truths first
    scores = np.linspace(0, 1, 10)
    nothing = sig_table(FEATURES, scores=scores)  # truths ranked last
    significance = {"H-L-IG.median": ranked_well, "O-L-IG.zero": nothing}
    table = ev.ground_truth_table(significance, truth, *_use_and_attribution(significance, -scores))
    table = table.set_index("method")
    row = table.loc["H-L-IG.median"]
    assert (row["n_significant"], row["true_positives"]) == (3, 2)
    assert row["precision"] == pytest.approx(2 / 3)
    assert row["recall"] == pytest.approx(2 / 4)  # the untested planted meta-feature is missed
    assert row["f1"] == pytest.approx(2 * (2 / 3) * (2 / 4) / (2 / 3 + 2 / 4))
    assert row["auprc_t"] == pytest.approx(1.0)
    assert row["chance_auprc"] == pytest.approx(0.3)
    empty = table.loc["O-L-IG.zero"]
    assert np.isnan(empty["precision"]) and empty["recall"] == 0 and empty["f1"] == 0
    assert empty["auprc_t"] < 0.5
    assert list(ev.ground_truth_table({"O-L-IG.zero": nothing}, None).columns) == ev.GROUND_TRUTH_COLUMNS
    assert ev.ground_truth_table({"O-L-IG.zero": nothing}, None).empty


def test_ground_truth_table_separates_model_use_attribution_and_t():
    # Planted: m0-m2; m3 is shared. The model uses m0, m1 and m3 most; the attribution ranks
    # exactly as the model uses; t ranks the shared m3 first and the planted last.
    truth = pd.DataFrame({"meta_feature": FEATURES, "tiers": "", "rbps": "",
                          "truth": [f in {"m0", "m1", "m2"} for f in FEATURES],
                          "shared": [f == "m3" for f in FEATURES]})
    use = np.array([9, 8, 1, 7, 0, 0, 0, 0, 0, 0], float) + np.linspace(0, 0.1, 10)
    t = np.array([-3, -2, -1, 10, 5, 4, 3, 2, 1, 0], float)
    table = sig_table(FEATURES, significant=["m3", "m4", "m0"])
    table["t"] = t
    significance = {"H-L-IG.median": table}
    row = ev.ground_truth_table(significance, truth, *_use_and_attribution(significance, use)).iloc[0]
    # m3 is neither a false positive nor a negative: 3 calls, 1 of them shared.
    assert (row["n_significant"], row["true_positives"], row["shared_significant"], row["n_shared"]) == (2, 1, 1, 1)
    assert row["precision"] == pytest.approx(1 / 2) and row["chance_auprc"] == pytest.approx(3 / 9)
    # Over m0-m2 and the six unplanted, use ranks m0, m1 first and m2 (1.02) above the rest.
    assert row["auprc_model_use"] == pytest.approx(1.0) and row["auprc_mean_abs"] == pytest.approx(1.0)
    assert row["auprc_t"] == pytest.approx(np.mean([1 / 7, 2 / 8, 3 / 9]))  # the planted ranked last
    # Against the model's top 3 (m0, m1, m3), over all ten: attribution 1, t ranks m3 first.
    assert row["auprc_mean_abs_vs_use"] == pytest.approx(1.0) and row["chance_auprc_vs_use"] == pytest.approx(0.3)
    assert row["auprc_t_vs_use"] == pytest.approx(np.mean([1, 2 / 9, 3 / 10]))
    assert row["spearman_mean_abs_use"] == pytest.approx(1.0)
    assert row["spearman_t_use"] == pytest.approx(stats.spearmanr(t, use).statistic)


def test_ground_truth_table_needs_every_meta_feature_scored():
    truth = pd.DataFrame({"meta_feature": FEATURES, "truth": True, "shared": False})
    significance = {"H-L-IG.median": sig_table(FEATURES)}
    use, attribution = _use_and_attribution(significance, np.ones(10))
    with pytest.raises(ValueError, match="model-use table has no score for meta-feature 'm9'"):
        ev.ground_truth_table(significance, truth, use.iloc[:9], attribution)


def test_mean_abs_attribution_sums_members_before_the_absolute_value():
    attributions = np.array([[1.0, -1.0, 2.0], [3.0, -1.0, -4.0]])
    mean_abs = ev.mean_abs_attribution(attributions, ["b", "b", "a"])
    assert mean_abs.index.tolist() == ["b", "a"] and mean_abs.tolist() == [1.0, 3.0]


def test_model_use_of_a_linear_model_finds_only_the_features_it_reads():
    import torch
    from eigflow_arms.splicing.model_use import model_use
    from eigflow_arms.splicing.truth import auprc

    rng = np.random.default_rng(0)
    groups = np.repeat([f"g{i}" for i in range(8)], 3)
    weights = np.zeros(24, np.float32)
    weights[3:9] = rng.uniform(0.5, 1, 6) * rng.choice([-1, 1], 6)  # g1 and g2 are planted
    weights = torch.from_numpy(weights)
    samples, donors = rng.random((20, 24)), rng.random((50, 24))
    table = model_use(lambda x: x @ weights, samples, donors, groups, repeats=4, seed=3)
    assert table.meta_feature.tolist() == [f"g{i}" for i in range(8)]
    planted = table.meta_feature.isin(["g1", "g2"])
    assert (table.model_use[~planted] == 0).all() and (table.model_use[planted] > 0.05).all()
    assert auprc(planted, table.model_use) == 1.0
    assert table.equals(model_use(lambda x: x @ weights, samples, donors, groups, repeats=4, seed=3))


# --- figures ----------------------------------------------------------------------------------

def synthetic_tables(task):
    """Every evaluation table of a small synthetic run with every method the splicing arm computes."""
    rng = np.random.default_rng(2)
    metas = [f"m{i}" for i in range(6)] + [f"x{i}" for i in range(34)]  # m* are the meta_table's
    significance, calibration = {}, {}
    for i, method in enumerate(methods.names(EXPLAINED)):
        n = 0 if method == "O-L-IG.zero" else int(rng.integers(1, 30))
        chosen = list(rng.choice(metas, n, replace=False))
        significance[method] = sig_table(metas, chosen, scores=rng.random(len(metas)))
        calibration[method] = sig_table(metas, p=rng.random(len(metas)))
    known = pd.DataFrame({"meta_feature": metas, "p": 1e-30, "neglog_p": 30.0,
                          "known": rng.random(len(metas)) < 0.3})
    truth = pd.DataFrame({"meta_feature": metas, "truth": rng.random(len(metas)) < 0.2, "tiers": "", "rbps": ""})
    truth["shared"] = ~truth.truth & (rng.random(len(metas)) < 0.05)
    use = pd.DataFrame({"meta_feature": metas, "model_use": rng.random(len(metas))})
    mean_abs = {m: pd.Series(rng.random(len(metas)), index=metas) for m in significance}
    six = {m: t[t["feature"].str.startswith("m")].reset_index(drop=True) for m, t in significance.items()}
    names = ["input features", "AE 32", "VAE 32", "AE bootstrap"]
    corr = rng.uniform(0.7, 0.96, (4, 4))
    corr = (corr + corr.T) / 2
    np.fill_diagonal(corr, 1)
    return {
        "counts": ev.count_table(significance),
        "curves": ev.enrichment_table(significance, known),
        "auc_curve": ev.auc_curve(*task, ["m0", "m1", "m2"], [1, 2, 3, 6], repeats=3),
        "method_auc": ev.method_auc(*task, six),
        "stability": pd.DataFrame({"variant_a": np.repeat(names, 4), "variant_b": np.tile(names, 4),
                                   "spearman": corr.ravel()}),
        "overlap": ev.overlap_table(significance),
        "pvalues": ev.pvalue_table(calibration),
        "calibration": ev.calibration_table(calibration),
        "truth": ev.ground_truth_table(significance, truth, use, mean_abs),
    }


@pytest.fixture(scope="module")
def tables(task):
    return synthetic_tables(task)


# The figures drawn from method tables, and the tables each takes.
FIGURE_TABLES = [
    ("fig3a", ["counts"]), ("fig3b", ["counts"]), ("fig3c", ["counts"]), ("fig3d", ["counts"]),
    ("fig3e", ["curves"]), ("fig3f", ["auc_curve"]), ("fig3g", ["method_auc"]), ("figS3", ["stability"]),
    ("figS7", ["counts"]), ("figS8", ["overlap"]), ("figS9", ["pvalues", "calibration"]),
    ("figS10", ["curves"]), ("fig_ground_truth", ["truth"]),
]


def _draws(tmp_path, draw, name):
    png, pdf = tmp_path / f"{name}.png", tmp_path / f"{name}.pdf"
    draw(png, pdf)
    assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 1000


@pytest.mark.parametrize("name, args", FIGURE_TABLES)
def test_every_figure_writes_png_and_pdf(tmp_path, tables, name, args):
    from eigflow_arms.splicing import figures

    draw = getattr(figures, name)
    _draws(tmp_path, lambda png, pdf: draw(*(tables[a] for a in args), png, pdf), name)


def test_ground_truth_figure_without_truth(tmp_path):
    from eigflow_arms.splicing import figures

    _draws(tmp_path, lambda png, pdf: figures.fig_ground_truth(None, png, pdf), "no_truth")


def test_method_colours_follow_the_path():
    from eigflow_arms.splicing import figures

    assert figures.method_color("H-L-IG.zero") == figures.method_color("H-L-IG.median")
    assert len({figures.method_color(f"{p}.zero") for p in PATHS}) == 4


# --- oracles of what the simulated data allow ------------------------------------------------

def test_oracles_rank_the_truth_above_a_learner_and_the_program():
    """Labels drawn from the simulation's own noise model: the sequence oracle, which knows it,
    ranks best; the program's contrast, blind to basal inclusion, and trees, which must learn
    from labels, come after it but well above chance."""
    from eigflow_arms.splicing import program, simulate
    from scipy.special import expit
    rng = np.random.default_rng(0)
    n, threshold = 1500, 0.2
    activity = np.array([[1.0, 0.0, 0.0], [0.2, 1.0, 0.2]])       # RBP 0 in tissue 0, RBP 1 in 1
    regulation = rng.binomial(1, 0.3, (n, 2)) * rng.choice([-1.5, 1.5], (n, 2))
    strength = rng.normal(program.BASAL.centre, 4.0, n)
    basal = program.BASAL.intercept + program.BASAL.weight * (strength - program.BASAL.centre)
    psi = expit(basal[:, None] + regulation @ activity + rng.normal(0, simulate._EVENT_SD, (n, 1))
                + rng.normal(0, program.BASAL.noise, (n, 3)))
    labels = np.abs(psi[:, [0]] - psi[:, 1:]).max(axis=1) >= threshold
    train = np.arange(n) < 1000
    table = ev.oracle_table(labels, train, ~train, np.c_[regulation, strength], regulation, strength,
                            activity, 0, threshold, seed=0)
    assert list(table.metric) == list(ev.ORACLES) and table.description.str.len().gt(20).all()
    assert (table.n_changing + table.n_unchanged == 500).all()
    auc = table.set_index("metric").auc
    assert auc.auc_oracle_sequence > auc.auc_oracle_program + 0.03
    assert auc.auc_oracle_sequence > auc.auc_oracle_boosted_trees
    assert min(auc.auc_oracle_program, auc.auc_oracle_boosted_trees) > 0.65


def test_sequence_change_probability_is_certain_far_from_the_threshold():
    from eigflow_arms.splicing.program import BASAL
    activity = np.array([[1.0, 0.0]])
    # Basal log-odds -5 (PSI ~0.01): +20 in tissue 0 always changes PSI, none never does.
    strength = np.full(2, BASAL.centre - (5 + BASAL.intercept) / BASAL.weight)
    p = ev.sequence_change_probability(strength, np.array([[20.0], [0.0]]), activity, 0, 0.2, seed=0, draws=200)
    np.testing.assert_allclose(p, [1.0, 0.0], atol=0.01)
