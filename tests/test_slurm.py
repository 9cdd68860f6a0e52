"""The tiny configuration through a real single-node SLURM cluster, with profiles/slurm.

tests/slurm/cluster.sh installs slurm-wlm and munge (apt-get) when they are missing, starts
munged, slurmctld and slurmd on this machine (no systemd needed) and stops them again. The test
runs fig2a's part of the DAG and the splicing arm up to its trained model (15 jobs) with
`snakemake --profile profiles/slurm` against it and the same targets locally, then checks that every job went through sbatch and ran to completion
under SLURM, with the profile's resources, and that both runs produced identical results.

Not root, no apt-get, or daemons that cannot start here: the test is skipped, unless
EIGFLOW_REQUIRE_SLURM=1 (CI), where each of those is a failure.
"""
import collections
import os
import re
import socket
import subprocess
from pathlib import Path
from types import SimpleNamespace

import pytest
import yaml
from test_workflow import MNIST_DIR, ROOT, SNAKEMAKE, make_project

CLUSTER = ROOT / "tests" / "slurm" / "cluster.sh"
PROFILE = ROOT / "profiles" / "slurm"
# fig2a's part of the MNIST DAG and the splicing arm from simulation to its trained model.
TARGETS = ["results/figures/fig2a.png", "results/tables/splicing_model_metrics.tsv"]
REQUIRED = os.environ.get("EIGFLOW_REQUIRE_SLURM") == "1"
SUBMITTED = re.compile(r"^Job (\d+) has been submitted with SLURM jobid (\d+) ", re.MULTILINE)

pytestmark = [
    pytest.mark.slurm,
    pytest.mark.skipif(not MNIST_DIR.is_dir(), reason="needs ../shared/data/mnist beside the repository"),
]


def unavailable(reason: str):
    if REQUIRED:
        pytest.fail(f"{reason}\n(EIGFLOW_REQUIRE_SLURM=1: SLURM has to run here)", pytrace=False)
    pytest.skip(reason)


def profile() -> dict:
    return yaml.safe_load((PROFILE / "config.yaml").read_text())


def profile_resources():
    """Every resource block of the profile: its default-resources and each set-resources rule."""
    spec = profile()
    return [spec.get("default-resources") or {}, *(spec.get("set-resources") or {}).values()]


def tail(path: Path, n: int = 30) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-n:])
    except OSError as e:
        return f"({e})"


@pytest.fixture(scope="module")
def slurm_cluster(tmp_path_factory):
    """munged + slurmctld + slurmd on this machine for the module; stopped even if a test fails."""
    if os.geteuid() != 0:
        unavailable("SLURM test cluster needs root (apt-get, munged, slurmctld, slurmd)")
    where = tmp_path_factory.mktemp("slurm-cluster")
    # The node advertises room for four of the profile's largest jobs side by side (fig2a's four
    # 4-CPU attribution shards, as on a real cluster) and its largest memory request, whatever
    # this machine has (SlurmdParameters=config_overrides).
    cpus = 4 * max(int(r.get("cpus_per_task", 1)) for r in profile_resources())
    mem = max(int(r.get("mem_mb", 1)) for r in profile_resources())
    try:
        start = subprocess.run(["bash", str(CLUSTER), "start", str(where), str(cpus), str(mem)],
                               check=False, capture_output=True, text=True, timeout=1500)
    except subprocess.TimeoutExpired as e:
        subprocess.run(["bash", str(CLUSTER), "stop", str(where)], check=False, capture_output=True,
                       timeout=300)
        unavailable(f"starting the SLURM test cluster took over {e.timeout:.0f}s")
    if start.returncode != 0:
        what = "cannot install SLURM here" if start.returncode == 2 else "SLURM daemons cannot start here"
        unavailable(f"{what} (tests/slurm/cluster.sh start: exit {start.returncode}):\n{start.stderr[-3000:]}")
    try:
        yield SimpleNamespace(conf=where / "slurm.conf", log=where / "log")
    finally:
        stop = subprocess.run(["bash", str(CLUSTER), "stop", str(where)], check=False, capture_output=True,
                              text=True, timeout=300)
        assert stop.returncode == 0, stop.stderr


def job_counts(log: str) -> collections.Counter:
    """Snakemake's "Job stats" table: rule -> number of jobs."""
    table = log.split("Job stats:", 1)[1].split("\n\n", 1)[0]
    rows = [line.split() for line in table.splitlines()[3:]]
    return collections.Counter({rule: int(n) for rule, n in rows if rule != "total"})


def squeue_jobs(env) -> dict:
    """Every job slurmctld still knows (MinJobAge=3600): id -> (state, node, CPUs, rule)."""
    out = subprocess.run(["squeue", "--states=all", "--noheader", "--format=%i|%j|%T|%N|%C|%k"],
                         env=env, capture_output=True, text=True, timeout=60, check=True).stdout
    jobs = {}
    for line in out.splitlines():
        jobid, name, state, node, cpus, comment = line.split("|", 5)
        # The plugin's comment is "rule_<rule>" or "rule_<rule>_wildcards_<values>".
        rule = comment.removeprefix("rule_").split("_wildcards_")[0]
        jobs[jobid] = SimpleNamespace(name=name, state=state, node=node, cpus=int(cpus), rule=rule)
    return jobs


def results(project: Path) -> dict:
    return {str(p.relative_to(project)): p for p in sorted((project / "results").rglob("*"))
            if p.is_file() and p.relative_to(project / "results").parts[0] != "logs"}


def test_tiny_dag_runs_through_slurm_as_locally(slurm_cluster, tmp_path):
    env = {**os.environ, "SLURM_CONF": str(slurm_cluster.conf)}
    slurm_project = make_project(tmp_path / "slurm")
    local_project = make_project(tmp_path / "local")

    # The local reference run goes alongside: the SLURM run spends most of its time waiting.
    local_log = tmp_path / "local.log"
    with local_log.open("w") as out:
        local = subprocess.Popen(SNAKEMAKE + [*TARGETS, "--configfile", "config/tiny.yaml", "--cores", "2"],
                                 cwd=local_project, stdout=out, stderr=subprocess.STDOUT)
    try:
        # A --default-resources on the command line replaces the profile's whole block: repeat it
        # and add the partition. The cluster has no accounting database (no account, squeue).
        defaults = [f"{k}={v}" for k, v in profile()["default-resources"].items()]
        cmd = SNAKEMAKE + [*TARGETS, "--profile", str(PROFILE), "--configfile", "config/tiny.yaml",
                           "--slurm-no-account", "--slurm-status-command", "squeue",
                           "--slurm-init-seconds-before-status-checks", "2",
                           "--default-resources", *defaults, "slurm_partition=debug"]
        try:
            run = subprocess.run(cmd, check=False, cwd=slurm_project, env=env, capture_output=True, text=True,
                                 timeout=1200)
        except subprocess.TimeoutExpired as e:
            pytest.fail(f"snakemake --profile profiles/slurm ran over {e.timeout:.0f}s:\n"
                        f"{(e.stderr or b'')[-4000:]}\n--- slurmctld.log\n{tail(slurm_cluster.log / 'slurmctld.log')}")
        said = run.stdout + run.stderr
        assert run.returncode == 0, (f"{' '.join(cmd)} failed:\n{said[-6000:]}\n--- slurmctld.log\n"
                                     f"{tail(slurm_cluster.log / 'slurmctld.log')}")
    finally:
        try:
            local.wait(timeout=1200)
        finally:
            if local.poll() is None:
                local.kill()
    local_said = local_log.read_text()
    assert local.returncode == 0, f"local run failed:\n{local_said[-6000:]}"

    # Every job of the DAG was submitted with sbatch, once (no retry), and SLURM ran it to the end
    # on its node, with the CPUs that the profile asks for.
    expected = job_counts(local_said)
    assert expected == job_counts(said) and expected, (expected, job_counts(said))
    submitted = dict(SUBMITTED.findall(said))  # snakemake job id -> SLURM job id
    assert len(SUBMITTED.findall(said)) == len(submitted) == sum(expected.values()), said[-6000:]
    assert "localrule" not in said
    jobs = squeue_jobs(env)
    ours = [jobs[j] for j in submitted.values()]
    assert collections.Counter(job.rule for job in ours) == expected, jobs
    host = socket.gethostname().split(".")[0]
    spec = profile()
    prefix = spec["slurm-jobname-prefix"]
    for job in ours:
        assert job.state == "COMPLETED" and job.node == host and job.name.startswith(prefix), job
        wanted = spec["set-resources"].get(job.rule, {}).get("cpus_per_task", spec["default-resources"]["cpus_per_task"])
        assert job.cpus == wanted, job

    # The same results, byte for byte: every table and every array (the PDF and the pickled model
    # carry timestamps; their contents are covered by the arrays and tables they lead to).
    made, reference = results(slurm_project), results(local_project)
    assert made.keys() == reference.keys()
    compared = [name for name in made if name.endswith((".tsv", ".npz"))]
    assert {"results/tables/fig2a.tsv", "results/splicing/dataset.npz"} <= set(compared)
    assert any(name.startswith("results/mnist/significance/") for name in compared), compared
    differ = [name for name in compared if made[name].read_bytes() != reference[name].read_bytes()]
    assert not differ, f"SLURM and local runs differ in {differ}"
