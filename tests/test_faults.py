"""Killed jobs and killed workflows: a rerun recomputes only what is missing, and the tables
come out byte-identical to an uninterrupted run's (which also shows runs are deterministic)."""
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from test_workflow import SNAKEMAKE, make_project, pytestmark, snakemake  # noqa: F401

TARGET = "results/figures/fig2a.png"
SHARDS = "results/mnist/attributions/vae_ffn.H-L-IG.median_3"


def _start(project: Path) -> subprocess.Popen:
    # One core: jobs run one at a time, so there is a moment with some shards done and others not.
    return subprocess.Popen(SNAKEMAKE + ["--configfile", "config/tiny.yaml", "--cores", "1", "--keep-going", TARGET],
                            cwd=project, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
                            start_new_session=True)


def _wait_for(predicate, proc: subprocess.Popen, timeout: float = 600):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        if proc.poll() is not None:
            raise AssertionError(f"the workflow ended before the fault could be injected:\n{proc.stdout.read()[-3000:]}")
        time.sleep(0.05)
    raise AssertionError("timed out waiting to inject the fault")


def _shard_job_pids(project: Path):
    """PIDs of running attribution-shard jobs of this project (their script names the rule)."""
    pids = []
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            cmd = (proc / "cmdline").read_bytes().replace(b"\0", b" ").decode()
            cwd = os.readlink(proc / "cwd")
        except OSError:
            continue
        if "attribute_shard" in cmd and cwd == str(project):
            pids.append(int(proc.name))
    return pids


def _tables(project: Path) -> dict:
    files = sorted((project / "results").glob("**/*.tsv"))
    return {str(f.relative_to(project)): f.read_bytes() for f in files}


def _assert_same_tables(project: Path, reference: Path):
    produced = _tables(project)
    assert produced, "no tables produced"
    for name, content in produced.items():
        assert content == (reference / name).read_bytes(), f"{name} differs from the uninterrupted run"


def test_killed_shard_is_the_only_one_recomputed(tiny_run, tmp_path):
    project = make_project(tmp_path)
    proc = _start(project)
    victim = _wait_for(lambda: _shard_job_pids(project), proc)[0]
    os.kill(victim, signal.SIGKILL)
    proc.communicate(timeout=900)
    assert proc.returncode != 0, "snakemake must report the killed job"
    survivors = {p: p.stat().st_mtime_ns for p in (project / SHARDS).glob("shard*.npz")}
    assert survivors, "the other shards should have finished (--keep-going)"
    assert not list((project / SHARDS).glob(".*")), "a killed job must leave no partial file"

    rerun = snakemake(project, TARGET)
    for path, mtime in survivors.items():
        assert path.stat().st_mtime_ns == mtime, f"{path.name} was recomputed"
    assert (rerun.stdout + rerun.stderr).count("rule attribute_shard:") == 1
    _assert_same_tables(project, tiny_run)


def test_killed_workflow_resumes_where_it_stopped(tiny_run, tmp_path):
    project = make_project(tmp_path)
    proc = _start(project)
    _wait_for(lambda: len(list((project / SHARDS).glob("shard*.npz"))) >= 2, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait(timeout=60)
    done = sorted((project / SHARDS).glob("shard*.npz"), key=lambda p: p.stat().st_mtime_ns)
    # The newest shard may have been renamed into place before Snakemake recorded its job as
    # finished; the kill came after the next job had started, so every earlier one is recorded.
    kept = {p: p.stat().st_mtime_ns for p in done[:-1]}

    # A killed Snakemake leaves its lock behind; --unlock is the documented way to clear it.
    snakemake(project, "--unlock")
    rerun = snakemake(project, TARGET, "--rerun-incomplete")
    for path, mtime in kept.items():
        assert path.stat().st_mtime_ns == mtime, f"{path.name} was recomputed"
    total = len(list((project / SHARDS).glob("shard*.npz")))
    assert (rerun.stdout + rerun.stderr).count("rule attribute_shard:") <= total - len(kept)
    _assert_same_tables(project, tiny_run)


@pytest.mark.parametrize("damage", ["truncate", "corrupt"])
def test_damaged_mnist_file_stops_the_run_with_nothing_written(tmp_path, damage):
    mnist = tmp_path / "mnist"
    mnist.mkdir()
    source = Path(__file__).resolve().parents[1] / ".." / "shared" / "data" / "mnist"
    for f in source.iterdir():
        (mnist / f.name).write_bytes(f.read_bytes())
    labels = mnist / "t10k-labels-idx1-ubyte.gz"
    if damage == "truncate":
        labels.write_bytes(labels.read_bytes()[:2000])
    else:
        import gzip
        raw = bytearray(gzip.decompress(labels.read_bytes()))
        raw[100] = (raw[100] + 1) % 10
        labels.write_bytes(gzip.compress(bytes(raw)))
    project = make_project(tmp_path / "project", local_dir=str(mnist))
    run = snakemake(project, "results/mnist/data.npz", check=False)
    said = (project / "results" / "logs" / "mnist" / "prepare_mnist.log").read_text()
    assert run.returncode != 0
    assert "t10k-labels-idx1-ubyte" in said
    assert ("md5" in said) if damage == "corrupt" else ("truncated" in said or "corrupt" in said.lower())
    assert not (project / "results" / "mnist" / "data.npz").exists()


@pytest.mark.parametrize("override, target, log, message", [
    ({"n_samples": 5000}, "results/mnist/sample_sets.npz", "sample_sets.log", "lower n_samples"),
    ({"n_baselines": 5000, "experiments": {"fig2a": {"model": "cnn", "path": "O-L-IG", "baseline": "median"},
                                           "fig2b": {"model": "cnn", "path": "O-L-IG", "baseline": "median"},
                                           "fig2c": {"model": "cnn", "path": "O-L-IG", "baseline": "median"}}},
     "results/mnist/attributions/cnn.O-L-IG.median_3/shard0.npz",
     "attribute/cnn.O-L-IG.median_3.shard0.log", "lower n_baselines"),
])
def test_impossible_sets_stop_with_the_fix_named_and_nothing_written(tmp_path, override, target, log, message):
    project = make_project(tmp_path, **override)
    run = snakemake(project, target, check=False)
    assert run.returncode != 0
    assert message in (project / "results" / "logs" / "mnist" / log).read_text()
    assert not (project / target).exists()
