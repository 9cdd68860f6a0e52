"""Nothing stale: the user's files are inputs of the rules that read them, so editing one reruns
what was built on it."""
import subprocess
from itertools import combinations
from pathlib import Path

import pytest
import yaml

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

