"""The whole DAG, end to end, on the tiny configuration (MNIST: real IDX files, few images;
splicing: a small simulated transcriptome); the MNIST arm's checks live here."""
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import yaml
from eigflow_arms.mnist.adapter import MnistArm

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = (ROOT / ".." / "shared" / "data" / "mnist").resolve()
SNAKEMAKE = [sys.executable, "-m", "snakemake"]
FIGURES = MnistArm.figures

pytestmark = [
    pytest.mark.workflow,
    pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="needs ../shared/data/mnist beside the repository"),
]


def make_project(where: Path, splicing: dict | None = None, liver: dict | None = None,
                 **mnist_overrides) -> Path:
    """A copy of the workflow with the tiny configuration, reading MNIST from ../shared;
    ``splicing`` and ``liver`` update those sections."""
    where.mkdir(parents=True, exist_ok=True)
    for part in ("Snakefile", "workflow", "config", "resources"):
        src = ROOT / part
        (shutil.copytree if src.is_dir() else shutil.copy)(src, where / part)
    config = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())
    config["mnist"].update({"local_dir": str(MNIST_DIR), **mnist_overrides})
    config["splicing"].update(splicing or {})
    config["liver"].update(liver or {})
    (where / "config" / "tiny.yaml").write_text(yaml.safe_dump(config))
    return where


def snakemake(project: Path, *args, check=True):
    cmd = SNAKEMAKE + ["--configfile", "config/tiny.yaml", "--cores", "2", *args]
    run = subprocess.run(cmd, cwd=project, capture_output=True, text=True)
    if check and run.returncode != 0:
        raise AssertionError(f"{' '.join(cmd)} failed:\n{run.stderr[-6000:]}")
    return run


@pytest.fixture
def project(tiny_run):
    return tiny_run


def test_every_figure_and_table_is_made(project):
    for name in FIGURES:
        for ext in ("png", "pdf"):
            assert (project / "results" / "figures" / f"{name}.{ext}").stat().st_size > 5000
        assert len(pd.read_csv(project / "results" / "tables" / f"{name}.tsv", sep="\t")) > 0
    accuracy = pd.read_csv(project / "results" / "tables" / "mnist_model_accuracy.tsv", sep="\t")
    assert set(accuracy.model) == {"vae_ffn", "cnn", "cvae_ffn"}
    assert (accuracy.test_accuracy > 0.3).all()  # tiny models: well above chance (0.1), not converged


def test_fig2d_covers_the_reference_digits_beside_the_paper(project):
    table = pd.read_csv(project / "results" / "tables" / "fig2d.tsv", sep="\t")
    assert sorted(table.baseline_digit) == [0, 3]  # tiny.yaml's fig2d_digits
    assert {"paper_accuracy_loss_pct", "paper_pixels_used_pct"} <= set(table.columns)
    assert table.accuracy_all.between(0.5, 1).all()


def test_shards_merge_to_the_whole_sample_set(project):
    attr = project / "results" / "mnist" / "attributions" / "vae_ffn.H-L-IG.median_3"
    merged = np.load(attr / "interest.npz")
    shards = [np.load(attr / f"shard{i}.npz") for i in range(2)]
    np.testing.assert_array_equal(merged["attributions"],
                                  np.concatenate([s["interest.attributions"] for s in shards]))
    assert merged["attributions"].shape == (12, 784)
    sets = np.load(project / "results" / "mnist" / "sample_sets.npz")
    np.testing.assert_array_equal(merged["index"], sets["interest"])
    data = np.load(project / "results" / "mnist" / "data.npz")
    assert (data["y_train"][merged["index"]] == 5).all()


def test_long_jobs_log_progress(project):
    log = (project / "results" / "logs" / "mnist" / "attribute" /
           "vae_ffn.H-L-IG.median_3.shard0.log").read_text()
    assert "samples" in log and "ETA" in log and "path points/s" in log


def test_report_has_every_figure(project):
    snakemake(project, "--report", "report.html")
    html = (project / "report.html").read_text(errors="ignore")
    for name in [*FIGURES, "fig3a", "fig3g", "ground_truth", "fig4a", "fig4c", "figS12"]:
        assert f"{name}.png" in html


def test_lint_is_clean():
    run = subprocess.run(SNAKEMAKE + ["--lint", "--configfile", "tests/config/tiny.yaml"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0 and "Lints for" not in run.stdout + run.stderr, run.stdout + run.stderr


def test_schema_violation_stops_the_run_before_any_job(tmp_path):
    project = make_project(tmp_path, n_steps=1)
    run = snakemake(project, "-n", check=False)
    said = run.stdout + run.stderr
    assert run.returncode != 0
    assert "n_steps" in said and "minimum" in said
    assert not (project / "results").exists()


def test_the_slurm_profile_sets_resources_of_real_rules_only():
    """A renamed rule must not leave the profile silently setting resources for nothing."""
    run = subprocess.run(SNAKEMAKE + ["--list-rules", "--configfile", "tests/config/tiny.yaml"], cwd=ROOT,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stderr[-3000:]
    rules = set(run.stdout.split())
    profile = yaml.safe_load((ROOT / "profiles" / "slurm" / "config.yaml").read_text())
    assert set(profile["set-resources"]) <= rules, set(profile["set-resources"]) - rules
