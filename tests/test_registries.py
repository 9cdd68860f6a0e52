"""A fifth path and a seventh baseline are one registration each (tests/plugins/dummy_methods.py):
the library attributes with them, the method registry lists them, the DAG plans their jobs
from the ``plugins`` config key, and every figure drawn from method tables shows them."""
import subprocess
from pathlib import Path

import eigflow
import matplotlib.pyplot as plt
import matplotlib.text
import numpy as np
import pytest
from eigflow_arms.common import methods, stage
from eigflow_arms.splicing.adapter import EXPLAINED
from test_splicing_evaluate import FIGURE_TABLES, synthetic_tables, task  # noqa: F401 (fixture)

PLUGIN = Path(__file__).parent / "plugins" / "dummy_methods.py"
PATH, BASELINE = "B-L-IG", "mean"


@pytest.fixture(scope="module")
def dummies():
    stage.load_plugins({"plugins": [str(PLUGIN)]})
    yield
    eigflow.PATHS.pop(PATH)
    eigflow.BASELINES.pop(BASELINE)
    stage._LOADED.discard(str(PLUGIN))


def test_the_library_attributes_along_a_registered_path_from_a_registered_baseline(dummies, mlp, data):
    samples, reference = data
    res = eigflow.attribute(mlp, samples, path=PATH, baseline=BASELINE, reference=reference,
                            n_steps=256, target=1)
    np.testing.assert_allclose(res.baselines[:, 0], np.broadcast_to(reference.mean(axis=0), samples.shape),
                               rtol=1e-6)
    gap = np.abs(res.output - res.baseline_output.mean(axis=1))
    assert (res.completeness_error < 1e-2 * np.maximum(gap, 1e-3) + 1e-4).all()
    straight = eigflow.attribute(mlp, samples, baseline=BASELINE, reference=reference, n_steps=256, target=1)
    assert not np.allclose(res.attributions, straight.attributions, atol=1e-4)  # another path


def test_the_method_registry_lists_colours_and_styles_them(dummies):
    names = methods.names(EXPLAINED)
    assert len(names) == 2 + len(eigflow.PATHS) * len(methods.baselines()) == 2 + 5 * 7
    assert f"{PATH}.zero" in names and f"O-L-IG.{BASELINE}" in names and f"{PATH}.{BASELINE}" in names
    assert methods.label(f"{PATH}.{BASELINE}") == f"{BASELINE} {PATH}"
    assert len({methods.path_color(p) for p in eigflow.PATHS}) == 5
    assert methods.line_style(f"O-L-IG.{BASELINE}") not in {methods.line_style(f"O-L-IG.{b}")
                                                            for b in eigflow.BASELINES if b != BASELINE}


# Which dummy each figure must show: its path's methods, its baseline's, or both.
SHOWS = {"fig3a": [PATH], "fig3b": [BASELINE], "fig3c": [PATH], "fig3d": [PATH], "figS7": [PATH, BASELINE],
         "figS8": [PATH, BASELINE], "figS9": [BASELINE], "figS10": [PATH, BASELINE], "fig3g": [PATH],
         "fig_ground_truth": [PATH, BASELINE]}


@pytest.mark.parametrize("name, args", [row for row in FIGURE_TABLES if row[0] in SHOWS])
def test_every_method_figure_draws_the_registered_path_and_baseline(dummies, task, tmp_path, monkeypatch,  # noqa: F811
                                                                     name, args):
    from eigflow_arms.splicing import figures

    tables = synthetic_tables(task)
    drawn = {}
    monkeypatch.setattr(figures, "save_figure", lambda fig, png, pdf: drawn.setdefault("fig", fig))
    getattr(figures, name)(*(tables[a] for a in args), tmp_path / "x.png", tmp_path / "x.pdf")
    texts = " ".join(t.get_text() for t in drawn["fig"].findobj(matplotlib.text.Text))
    plt.close(drawn["fig"])
    for dummy in SHOWS[name]:
        assert dummy in texts, f"{name} does not show {dummy!r}"


@pytest.mark.workflow
def test_the_dag_plans_the_registered_methods(tmp_path):
    from test_workflow import SNAKEMAKE, make_project

    project = make_project(tmp_path)
    run = subprocess.run(SNAKEMAKE + ["--configfile", "config/tiny.yaml", "-n", "--cores", "1",
                                      "--config", f"plugins=[{PLUGIN}]"],
                         cwd=project, capture_output=True, text=True)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said[-3000:]
    for method in (f"{PATH}.zero", f"O-L-IG.{BASELINE}", f"{PATH}.{BASELINE}"):
        assert f"results/splicing/attributions/{method}/shard0.npz" in said
        assert f"results/splicing/significance/{method}.tsv" in said
