"""Careless configuration stops the run at start-up, before any job, naming the key and the fix:
values the schema refuses or lets through wrongly (counts as floats), and combinations that
cannot run. Direct calls of the checks on config dicts, and dry runs for the start-up path."""
import copy
import subprocess
from pathlib import Path

import pytest
import yaml
from eigflow_arms.common import config_check, methods, stage

ROOT = Path(__file__).resolve().parents[1]
SCHEMA = yaml.safe_load((ROOT / "workflow" / "schemas" / "config.schema.yaml").read_text())
TINY = yaml.safe_load((ROOT / "tests" / "config" / "tiny.yaml").read_text())


def tiny(**sections) -> dict:
    """The tiny configuration with ``sections`` (``mnist={...}``) updating its sections."""
    config = copy.deepcopy(TINY)
    for section, update in sections.items():
        config[section].update(update)
    return config


def check(arm: str, config: dict) -> None:
    stage.adapter(arm, config).check()


def _shipped(complete: bool) -> list[str]:
    """config/*.yaml: the complete configurations (they set the seed) or the overlays laid over
    config.yaml (they set only what they change), so a file added there is checked."""
    return sorted(p.stem for p in (ROOT / "config").glob("*.yaml")
                  if ("seed" in yaml.safe_load(p.read_text())) == complete)


@pytest.mark.parametrize("path", [f"config/{name}.yaml" for name in _shipped(complete=True)]
                         + ["tests/config/tiny.yaml"])
def test_the_shipped_configurations_pass(path):
    config = yaml.safe_load((ROOT / path).read_text())
    assert config_check.schema_problems(config, SCHEMA) == []
    for arm in stage.ADAPTERS:
        check(arm, config)


@pytest.mark.parametrize("overlay", _shipped(complete=False))
def test_the_overlays_pass_over_the_default(overlay):
    from snakemake.utils import update_config

    config = yaml.safe_load((ROOT / "config" / "config.yaml").read_text())
    # Snakemake merges configfiles section by section, nested keys included.
    update_config(config, yaml.safe_load((ROOT / "config" / f"{overlay}.yaml").read_text()))
    assert config_check.schema_problems(config, SCHEMA) == []
    for arm in stage.ADAPTERS:
        check(arm, config)


# -- files the simulated source would ignore -----------------------------------------------

@pytest.mark.parametrize("section, name", [("splicing", "genome"), ("splicing", "features"),
                                           ("splicing", "majiq_dir"), ("liver", "parclip_bam"),
                                           ("liver", "knockout_deltapsi")])
def test_user_files_with_a_simulated_source_are_refused(section, name):
    config = tiny(**{section: {"files": {**TINY[section]["files"], name: "my/file"}}})
    arm = "liver" if section == "liver" else "splicing"
    with pytest.raises(config_check.ConfigError,
                       match=rf"{section}\.files\.{name} is set but splicing\.source is 'simulate'; "
                             r"set splicing\.source: files to use it, or remove it"):
        check(arm, config)


def test_user_files_with_source_files_pass():
    files = {name: f"my/{name}" for name in TINY["splicing"]["files"]}
    check("splicing", tiny(splicing={"source": "files", "files": files}))


# -- combinations that cannot run ----------------------------------------------------------

@pytest.mark.parametrize("path, baseline, needs", [("H-L-IG", "median", "path 'H-L-IG'"),
                                                   ("H-N-IG", "zero", "path 'H-N-IG'"),
                                                   ("O-L-IG", "encoded-zero", "baseline 'encoded-zero'")])
def test_an_autoencoder_method_on_the_cnn_is_refused(path, baseline, needs):
    experiments = {**TINY["mnist"]["experiments"],
                   "fig2b": {"model": "cnn", "path": path, "baseline": baseline}}
    with pytest.raises(config_check.ConfigError,
                       match=rf"mnist\.experiments\.fig2b: {needs} needs an autoencoder, and model "
                             r"'cnn' has none; use model vae_ffn or cvae_ffn"):
        check("mnist", tiny(mnist={"experiments": experiments}))


def test_an_autoencoder_method_on_an_autoencoded_model_passes():
    experiments = {**TINY["mnist"]["experiments"],
                   "fig2b": {"model": "cvae_ffn", "path": "H-L-IG", "baseline": "encoded-zero"}}
    check("mnist", tiny(mnist={"experiments": experiments}))


@pytest.mark.parametrize("section, arm", [("mnist", "mnist"), ("splicing", "splicing"), ("liver", "liver")])
def test_more_shards_than_samples_are_refused(section, arm):
    n = TINY[section]["n_samples"]
    with pytest.raises(config_check.ConfigError,
                       match=rf"{section}\.shards is {n + 1} but {section}\.n_samples is {n}.*set "
                             rf"{section}\.shards to at most {n}"):
        check(arm, tiny(**{section: {"shards": n + 1}}))


@pytest.fixture
def saliency(monkeypatch):
    """An explainer registered with the method registry (as a plugin may) that no arm computes."""
    monkeypatch.setitem(methods.EXPLAINERS, "saliency", methods.Explainer("saliency", "#000000"))
    return "saliency"


def test_a_fig3f_method_the_arm_does_not_compute_is_refused(saliency):
    with pytest.raises(config_check.ConfigError,
                       match=r"splicing\.fig3f\.method: 'saliency' is registered, but the arm does not "
                             r"compute it; use one of simple-gradients, "):
        check("splicing", tiny(splicing={"fig3f": {**TINY["splicing"]["fig3f"], "method": saliency}}))


def test_a_liver_method_the_arm_does_not_compute_is_refused(saliency):
    with pytest.raises(config_check.ConfigError, match=r"liver\.methods: 'saliency' is registered, but the "
                                                       r"arm does not compute it"):
        check("liver", tiny(liver={"methods": ["H-L-IG.median", saliency]}))


def test_every_problem_of_an_arm_is_reported_at_once():
    config = tiny(liver={"shards": 99, "methods": ["X-L-IG.zero"],
                         "files": {"knockout_deltapsi": "ko.tsv", "parclip_bam": None}})
    with pytest.raises(config_check.ConfigError, match=r"3 problems") as err:
        check("liver", config)
    for key in ("liver.shards", "liver.methods", "liver.files.knockout_deltapsi"):
        assert key in str(err.value)


# -- counts written as floats, empty lists -------------------------------------------------

def test_a_count_written_as_a_whole_float_is_refused():
    # JSON Schema counts 12.0 as an integer: the schema alone lets it through to the jobs.
    assert [p for p in config_check.schema_problems(tiny(mnist={"n_samples": 12.0}), SCHEMA)] == [
        "mnist.n_samples: 12.0 is a float but counts an integer; write 12"]


@pytest.mark.parametrize("section, key, value, said", [
    ("mnist", "n_steps", 8.5, "mnist.n_steps: 8.5 is a float but counts an integer; give a whole number, "
                              "e.g. 8 or 9"),
    ("splicing", "shards", 1.0, "splicing.shards: 1.0 is a float but counts an integer; write 1"),
    ("mnist", "steps_study", {"n_samples": 3, "steps": [4, 8.0]},
     "mnist.steps_study.steps[1]: 8.0 is a float but counts an integer; write 8"),
])
def test_counts_as_floats_name_the_key_once(section, key, value, said):
    assert config_check.schema_problems(tiny(**{section: {key: value}}), SCHEMA) == [said]


@pytest.mark.parametrize("section, key, value, said", [
    ("liver", "methods", [], "liver.methods: [] should be non-empty; list at least 1"),
    ("mnist", "steps_study", {"n_samples": 3, "steps": []}, "mnist.steps_study.steps: [] "),
    ("mnist", "curve", {"sizes": [], "repeats": 2}, "mnist.curve.sizes: [] "),
    ("mnist", "fig2d_digits", [], "mnist.fig2d_digits: [] "),
])
def test_empty_lists_a_figure_needs_name_the_key(section, key, value, said):
    problems = config_check.schema_problems(tiny(**{section: {key: value}}), SCHEMA)
    assert len(problems) == 1 and problems[0].startswith(said) and "list at least" in problems[0]


def test_fig2d_digits_leaving_no_digit_is_refused():
    with pytest.raises(config_check.ConfigError,
                       match=r"mnist\.fig2d_digits \[5\] leaves fig2d no reference digit once mnist\.digit "
                             r"\(5\) is left out; list another digit, or null"):
        check("mnist", tiny(mnist={"fig2d_digits": [5]}))


def test_other_schema_errors_name_the_dotted_key_and_the_fix():
    config = tiny(mnist={"n_sample": 12, "pixel_classifier": "svm"})
    problems = config_check.schema_problems(config, SCHEMA)
    assert "mnist: Additional properties are not allowed ('n_sample' was unexpected); remove it or " \
           "correct its spelling" in problems
    assert any(p.startswith("mnist.pixel_classifier: 'svm' is not one of")
               and p.endswith("use one of logistic, mlp") for p in problems)


# -- at start-up, before any job -------------------------------------------------------------

@pytest.mark.workflow
@pytest.mark.parametrize("overrides, said", [
    ({"mnist": {"n_samples": 12.0}}, "mnist.n_samples: 12.0 is a float but counts an integer; write 12"),
    ({"liver": {"methods": []}}, "liver.methods: [] should be non-empty; list at least 1"),
    ({"splicing": {"files": {**TINY["splicing"]["files"], "genome": "my.fa"}}},
     "splicing.files.genome is set but splicing.source is 'simulate'"),
    ({"mnist": {"experiments": {**TINY["mnist"]["experiments"],
                                "fig2b": {"model": "cnn", "path": "H-L-IG", "baseline": "median"}}}},
     "mnist.experiments.fig2b: path 'H-L-IG' needs an autoencoder, and model 'cnn' has none"),
])
def test_a_dry_run_stops_before_any_job_naming_the_key(tmp_path, overrides, said):
    from test_workflow import SNAKEMAKE, make_project

    project = make_project(tmp_path, splicing=overrides.get("splicing"), liver=overrides.get("liver"),
                           **overrides.get("mnist", {}))
    run = subprocess.run(SNAKEMAKE + ["--configfile", "config/tiny.yaml", "-n", "--cores", "1"],
                         cwd=project, capture_output=True, text=True)
    assert run.returncode != 0
    assert said in run.stdout + run.stderr
    assert not (project / "results").exists()
