"""Algorithm 1: calibration on random-vs-random, power on a planted difference, meta-features."""
import eigflow
import numpy as np
import pytest
from scipy import stats


def test_random_vs_random_finds_nothing_and_p_values_are_uniform():
    rng = np.random.default_rng(0)
    a, b = rng.normal(size=(2, 300, 500))
    table = eigflow.significance(a, b)
    assert not table.significant.any()
    assert stats.kstest(table.p, "uniform").pvalue > 0.01


def test_planted_difference_is_found_and_only_it():
    rng = np.random.default_rng(1)
    interest, null = rng.normal(size=(2, 300, 200))
    interest[:, :10] *= 3.0  # larger |attribution| on the first ten features
    table = eigflow.significance(interest, null)
    assert set(table.feature[table.significant]) == set(range(10))
    assert (table.t[:10] > 0).all()


def test_one_sided_test_ignores_features_smaller_in_the_class_of_interest():
    rng = np.random.default_rng(2)
    interest, null = rng.normal(size=(2, 300, 5))
    interest[:, 0] *= 0.1
    table = eigflow.significance(interest, null)
    assert table.p[0] > 0.99 and not table.significant[0]


def test_meta_features_sum_member_attributions_before_the_absolute_value():
    rng = np.random.default_rng(3)
    base = rng.normal(size=(300, 1))
    # two members that cancel exactly: their meta-feature carries no attribution at all
    interest = np.hstack([base * 5, -base * 5, rng.normal(size=(300, 2))])
    null = rng.normal(size=(300, 4))
    table = eigflow.significance(interest, null, groups=["cancel", "cancel", "x", "y"])
    assert list(table.feature) == ["cancel", "x", "y"]
    assert table.mean_abs_interest[0] == pytest.approx(0.0, abs=1e-9)
    assert not table.significant.any()
    members = eigflow.significance(interest, null)
    assert members.significant[:2].all()


def test_dead_features_get_the_p_of_t_zero_and_bonferroni_is_applied():
    rng = np.random.default_rng(4)
    interest, null = rng.normal(size=(2, 50, 3))
    interest[:, 0] = null[:, 0] = 0.0
    table = eigflow.significance(interest, null)
    # One-sided, t = 0 has p = P(T >= 0) = 0.5 whatever the degrees of freedom: a dead feature
    # sits where a varying feature with equal means does (supp. S6's dead pixels at ~0.5).
    assert table.p[0] == 0.5 and table.t[0] == 0.0 and not table.significant[0]
    varying = np.arange(50.0)[:, None]
    assert eigflow.significance(varying, varying[::-1]).p[0] == pytest.approx(0.5)
    np.testing.assert_allclose(table.p_adjusted, np.minimum(table.p * 3, 1))


def test_mismatched_features_are_rejected():
    with pytest.raises(ValueError, match="attr_null"):
        eigflow.significance(np.ones((5, 3)), np.ones((5, 4)))


def test_constant_sets_that_differ_are_decided_by_their_constants():
    # Welch's t is 0/0 here; a feature 1 in every interest sample and 0 in every null sample
    # is as significant as a feature can be, and the reverse is not significant at all.
    rng = np.random.default_rng(5)
    interest, null = rng.normal(size=(2, 40, 4))
    interest[:, 0], null[:, 0] = 1.0, 0.0
    interest[:, 1], null[:, 1] = 0.0, 1.0
    interest[:, 2] = null[:, 2] = 0.3
    table = eigflow.significance(interest, null)
    assert table.p[0] == 0.0 and table.t[0] == np.inf and table.significant[0]
    assert table.p[1] == 1.0 and table.t[1] == -np.inf and not table.significant[1]
    assert table.p[2] == 0.5 and table.t[2] == 0.0
    # The varying feature keeps Welch's one-sided p exactly.
    a, b = (np.abs(x[:, 3].astype(np.float32).astype(np.float64)) for x in (interest, null))
    welch = stats.ttest_ind(a, b, equal_var=False, alternative="greater")
    assert table.p[3] == pytest.approx(welch.pvalue, rel=1e-12)


def test_share_reading_removes_the_output_scale_that_plain_abs_detects():
    # The null explains a smaller output: the same pattern of attribution at a tenth of the
    # scale. |attribution| calls every feature significant; the per-sample share calls none.
    rng = np.random.default_rng(6)
    pattern = rng.uniform(0.5, 1.5, size=40)
    interest = pattern * rng.lognormal(0, 0.1, size=(200, 40))
    null = 0.1 * pattern * rng.lognormal(0, 0.1, size=(200, 40))
    assert eigflow.significance(interest, null).significant.all()
    assert not eigflow.significance(interest, null, normalise="share").significant.any()
    assert not eigflow.significance(interest, null, normalise="rank").significant.any()


def test_share_and_rank_find_a_feature_whose_relative_weight_grows():
    rng = np.random.default_rng(7)
    interest, null = rng.lognormal(0, 0.3, size=(2, 200, 30))
    interest[:, 0] *= 3.0
    interest *= 10.0  # and a larger output overall, which the normalised readings ignore
    for normalise in ("share", "rank"):
        table = eigflow.significance(interest, null, normalise=normalise)
        assert list(table.feature[table.significant]) == [0], normalise


def test_rank_reading_is_invariant_to_a_monotone_transform_of_each_sample():
    rng = np.random.default_rng(8)
    interest, null = rng.normal(size=(2, 60, 12))
    interest[:, 3] *= 4
    ranked = eigflow.significance(interest, null, normalise="rank")
    squashed = eigflow.significance(np.abs(interest) ** 3 * 7, np.sqrt(np.abs(null)), normalise="rank")
    np.testing.assert_allclose(ranked.t, squashed.t)
    assert ranked.significant[3]


def test_alpha_is_the_level_of_the_bonferroni_adjusted_p():
    rng = np.random.default_rng(9)
    interest, null = rng.normal(size=(2, 300, 50))
    interest[:, :20] *= np.linspace(1.05, 1.6, 20)
    table = eigflow.significance(interest, null, alpha=0.05)
    strict = eigflow.significance(interest, null, alpha=0.01)
    np.testing.assert_array_equal(table.significant, table.p_adjusted <= 0.05)
    np.testing.assert_array_equal(strict.significant, table.p_adjusted <= 0.01)
    assert strict.significant.sum() < table.significant.sum()


def test_a_feature_slightly_smaller_in_the_class_of_interest_is_not_significant():
    # The authors' one-sided p, (p if t > 0 else 1 - p) / 2, is near 0 here (t just below 0,
    # two-sided p near 1); the one-sided p of a t < 0 is above 1/2.
    rng = np.random.default_rng(10)
    null = rng.normal(size=(300, 1))
    interest = null[rng.permutation(300)] * 0.999
    table = eigflow.significance(interest, null)
    assert table.t[0] < 0 and table.p[0] > 0.5 and not table.significant[0]


@pytest.mark.parametrize("kwargs, match", [({"normalise": "softmax"}, "normalise"), ({"alpha": 0}, "alpha")])
def test_unknown_readings_are_refused(kwargs, match):
    with pytest.raises(ValueError, match=match):
        eigflow.significance(np.ones((5, 3)), np.ones((5, 3)), **kwargs)
