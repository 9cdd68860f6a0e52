"""The workflow as a Snakemake module: a tiny outer workflow in another folder imports
workflow/Snakefile with `module` and `use rule * from`, dry-runs the whole tiny configuration and
runs a few real jobs, the shipped motif collection among them (resolved through
workflow.source_path, not the outer working directory)."""
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
MNIST_DIR = (ROOT / ".." / "shared" / "data" / "mnist").resolve()

pytestmark = pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="needs ../shared/data/mnist beside the repository")

OUTER = """\
configfile: "config/config.yaml"


module eigflow:
    snakefile:
        "{snakefile}"
    config:
        config


use rule * from eigflow as eigflow_*


rule all:
    input:
        rules.eigflow_all.input,
    default_target: True
"""


@pytest.fixture(scope="module")
def outer(tmp_path_factory):
    where = tmp_path_factory.mktemp("outer")
    (where / "config").mkdir()
    config = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())
    # Left relative on purpose: neither exists in the outer folder, both are found beside the
    # workflow's source (resources/ in the repository, ../shared beside it).
    assert config["liver"]["motifs"] == "resources/motifs/rbp_consensus.meme"
    assert config["mnist"]["local_dir"] == "../shared/data/mnist"
    (where / "config" / "config.yaml").write_text(yaml.safe_dump(config))
    (where / "Snakefile").write_text(OUTER.format(snakefile=ROOT / "workflow" / "Snakefile"))
    return where


def _snakemake(where, *args):
    run = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", *args], cwd=where,
                         capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-6000:]
    return run.stdout + run.stderr


def test_dry_run_of_the_whole_tiny_configuration(outer):
    said = _snakemake(outer, "-n")
    for rule in ("eigflow_prepare_mnist", "eigflow_motif_collection", "eigflow_attribute_shard",
                 "eigflow_fig2a", "eigflow_fig3a", "eigflow_fig4a", "eigflow_figS12"):
        assert rule in said, rule
    assert not (outer / "resources").exists()


def test_real_jobs_run_with_the_shipped_resources(outer):
    _snakemake(outer, "results/mnist/data.npz", "results/liver/motif_collection.meme")
    shipped = (ROOT / "resources" / "motifs" / "rbp_consensus.meme").read_text()
    made = (outer / "results" / "liver" / "motif_collection.meme").read_text()
    assert made.count("MOTIF") == shipped.count("MOTIF") > 0
    assert (outer / "results" / "mnist" / "data.npz").stat().st_size > 10_000
    assert (outer / "results" / "logs" / "mnist" / "prepare_mnist.log").is_file()


def test_a_second_invocation_reruns_nothing(outer):
    """The shipped resources are named by one path in every invocation, so jobs already run are
    not run again (the source cache's copy would be a new temporary path each time)."""
    _snakemake(outer, "results/liver/motif_collection.meme")
    said = _snakemake(outer, "-n", "results/liver/motif_collection.meme")
    assert "Nothing to be done" in said, said[-2000:]
