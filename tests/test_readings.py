"""The readings of Algorithm 1: which sets each arm attributes, which null each reading tests,
the configuration's refusals, and the readings tables' own measures on constructed cases."""
import copy
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from eigflow_arms.common import config_check, readings, stage
from eigflow_arms.common.readings import Reading
from eigflow_arms.common.shards import ATTRIBUTED
from eigflow_arms.mnist.readings import isolated_pixels
from eigflow_arms.splicing.readings import EXACT, paper_spearman

ROOT = Path(__file__).resolve().parents[1]
TINY = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())


def with_reading(section: str, **reading) -> dict:
    config = copy.deepcopy(TINY)
    config[section]["significance"] = {**config[section]["significance"], **reading}
    return config


def test_mnist_attributes_its_nulls_toward_both_targets_and_splicing_toward_one():
    mnist, splicing = stage.adapter("mnist", TINY), stage.adapter("splicing", TINY)
    calibrated, other = mnist.calibrated(), mnist.experiment("fig2b")
    assert set(mnist.sets_of(calibrated)) == {"interest", "null", "null2", "null_own", "null2_own"}
    assert set(mnist.sets_of(other)) == {"interest", "null", "null_own"}
    assert set(splicing.sets_of("O-L-IG.median")) == {"interest", "null", "null2"}
    # an own-target set explains the rows of its random set
    assert ATTRIBUTED["null2_own"].rows == "null2" and ATTRIBUTED["null2_own"].target == "own"


def test_each_reading_tests_the_null_of_its_target():
    rng = np.random.default_rng(0)
    interest = rng.normal(size=(80, 6))
    interest[:, 0] *= 4
    # The interest-target null is small everywhere (a smaller output): every feature differs.
    sets = {"interest": interest, "null": 0.01 * rng.normal(size=(80, 6)), "null_own": rng.normal(size=(80, 6)),
            "null2_own": rng.normal(size=(80, 6))}
    own = Reading("own", "none", 0.05).table(sets)
    assert list(own.contrast.unique()) == ["interest", "calibration"]
    assert list(own.feature[(own.contrast == "interest") & own.significant]) == [0]
    assert not own[own.contrast == "calibration"].significant.any()
    toward_interest = Reading("interest", "none", 0.05).table(sets)  # no null2: no calibration contrast
    assert list(toward_interest.contrast.unique()) == ["interest"] and toward_interest.significant.all()


def test_the_grid_holds_every_reading_once():
    grid = readings.grid(("interest",))
    assert len(grid) == len(set(grid)) == 6
    assert len(readings.grid()) == 12
    assert all(readings.follows(r) for r in readings.grid())


def test_an_own_null_target_on_a_one_output_model_is_refused():
    # (the liver arm reads the splicing section's reading; the splicing arm's check reports it once)
    with pytest.raises(config_check.ConfigError, match=r"splicing\.significance\.null_target is 'own'.*use 'interest'"):
        stage.adapter("splicing", with_reading("splicing", null_target="own")).check()


@pytest.mark.parametrize("key, value", [("normalise", "softmax"), ("null_target", "mine")])
def test_an_unknown_reading_names_its_key_and_the_choices(key, value):
    with pytest.raises(config_check.ConfigError, match=rf"mnist\.significance: {key} is '{value}'; choose one of"):
        stage.adapter("mnist", with_reading("mnist", **{key: value})).check()


def test_isolated_pixels_are_those_without_a_significant_neighbour():
    significant = np.zeros((28, 28), dtype=bool)
    significant[0, 0] = True            # a corner pixel alone
    significant[10:12, 10:13] = True    # a blob of six
    significant[20, 20] = significant[21, 21] = True  # diagonal neighbours: not isolated
    significant[27, 5] = True           # alone on the edge
    assert isolated_pixels(significant.ravel()) == 2


def test_paper_spearman_orders_the_exactly_stated_counts():
    from eigflow_arms.splicing.evaluate import PAPER_COUNTS

    stated = pd.DataFrame({"method": EXACT, "paper_low": [PAPER_COUNTS[m][0] for m in EXACT]})
    assert paper_spearman(stated.assign(n_significant=stated.paper_low * 2 + 1)) == pytest.approx(1.0)
    assert paper_spearman(stated.assign(n_significant=-stated.paper_low)) == pytest.approx(-1.0)
    assert np.isnan(paper_spearman(stated.assign(n_significant=0)))
    assert len(EXACT) == 7
