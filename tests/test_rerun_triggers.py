"""Nothing stale: the user's files are inputs of the rules that read them (so editing one reruns
what was built on it), and an edit of the library's code reruns what the library computed."""
import os
import re
import shutil
import subprocess
from itertools import combinations
from pathlib import Path

import pytest
import yaml
from eigflow_arms.common import stage

ROOT = Path(__file__).resolve().parents[1]
TINY = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())


def dry_run_inputs(project: Path, *args) -> dict[str, list[str]]:
    """rule -> the input files of its job, as a dry run of ``args`` plans them."""
    from test_workflow import SNAKEMAKE

    run = subprocess.run(SNAKEMAKE + ["--configfile", "config/tiny.yaml", "--cores", "1", "-n", *args],
                         cwd=project, capture_output=True, text=True)
    said = run.stdout + run.stderr
    assert run.returncode == 0, said[-3000:]
    inputs, rule = {}, None
    for line in said.splitlines():
        if line.startswith("rule ") and line.rstrip().endswith(":"):
            rule = line.split()[1].rstrip(":")
        elif rule and line.strip().startswith("input:"):
            inputs[rule] = [f.strip() for f in line.split(":", 1)[1].split(",")]
    return inputs


def user_splicing_files(where: Path, reversed_pairs: set) -> tuple[dict, list[str]]:
    """Empty stand-ins of a user's splicing files (a dry run reads none), as splicing.files, and
    the voila TSVs among them; the pairs in ``reversed_pairs`` are named second tissue first."""
    tissues = TINY["splicing"]["tissues"]
    (where / "majiq").mkdir(parents=True)
    voila = [where / "majiq" / f"{t}.psi.tsv" for t in tissues]
    for pair in combinations(tissues, 2):
        first, second = reversed(pair) if pair in reversed_pairs else pair
        voila.append(where / "majiq" / f"{first}-{second}.deltapsi.tsv")
    files = {"genome": where / "genome.fa", "events": where / "events.tsv", "majiq_dir": where / "majiq",
             "expression": where / "rbp_tpm.tsv", "features": where / "features.tsv"}
    for path in [*voila, where / "genome.fa.fai", *(p for k, p in files.items() if k != "majiq_dir")]:
        path.write_text("")
    return {k: str(p) for k, p in files.items()}, [str(p) for p in voila]


@pytest.mark.workflow
def test_the_users_splicing_files_are_inputs_of_the_rules_that_read_them(tmp_path):
    from test_workflow import make_project

    tissues = TINY["splicing"]["tissues"]
    files, voila = user_splicing_files(tmp_path / "data", reversed_pairs={(tissues[0], tissues[2])})
    # A stray file of the other order beside a pair's: the one read (tissues' order) is listed.
    (tmp_path / "data" / "majiq" / f"{tissues[1]}-{tissues[0]}.deltapsi.tsv").write_text("")
    project = make_project(tmp_path / "project", splicing={"source": "files", "files": files})
    inputs = dry_run_inputs(project, "results/splicing/dataset.npz")
    assert files["features"] in inputs["splicing_features"]
    assert sorted(f for f in inputs["splicing_dataset"] if "/majiq/" in f) == sorted(voila)
    assert len(voila) == len(tissues) + len(tissues) * (len(tissues) - 1) // 2


@pytest.mark.workflow
def test_the_users_mnist_files_are_inputs_of_the_data(tmp_path):
    from test_workflow import MNIST_DIR, make_project

    inputs = dry_run_inputs(make_project(tmp_path), "results/mnist/data.npz")
    assert sorted(inputs["prepare_mnist"]) == sorted(str(p) for p in MNIST_DIR.iterdir())


def test_the_library_hash_follows_its_modules_only(tmp_path):
    library = ROOT / "workflow" / "eigflow"
    copy = tmp_path / "eigflow"
    shutil.copytree(library, copy, ignore=shutil.ignore_patterns("__pycache__"))
    before = stage.library_hash(copy)
    assert before == stage.library_hash(library) and len(before) == 16
    (copy / "notes.txt").write_text("not code")
    assert stage.library_hash(copy) == before
    graph = copy / "graph.py"
    graph.write_text(graph.read_text() + "\n# an edit\n")
    assert stage.library_hash(copy) != before


@pytest.mark.workflow
def test_a_library_edit_reruns_what_the_library_computed(tmp_path):
    from test_workflow import SNAKEMAKE, make_project

    project = make_project(tmp_path)
    # The copy's own packages, so that its library is the one edited below.
    env = {**os.environ, "PYTHONPATH": str(project / "workflow")}
    graph = "results/mnist/graphs/cnn.input.npz"  # fig2b's O-N-IG on the cnn: data, model, graph

    def snakemake(*args):
        run = subprocess.run(SNAKEMAKE + ["--configfile", "config/tiny.yaml", "--cores", "2", *args, graph],
                             cwd=project, capture_output=True, text=True, env=env)
        assert run.returncode == 0, run.stderr[-3000:]
        return run.stdout + run.stderr

    snakemake()
    assert "Nothing to be done" in snakemake("-n")
    module = project / "workflow" / "eigflow" / "graph.py"
    module.write_text(module.read_text() + "\n# an edit\n")
    planned = snakemake("-n")
    # Only the job that computed with the library reruns: the data and the model did not use it.
    assert re.findall(r"^rule (\w+):$", planned, flags=re.M) == ["graph"]
    assert "reason: Params have changed since last execution" in planned
