"""The conda envs of workflow/envs/: every rule names one; each holds what its rules' scripts
import, and nothing they do not; its pins are what CI installs (requirements.txt); and its pip
part installs the way Snakemake installs it, from a copy of the env file in another folder.

Conda channels cannot be reached here or in CI, so the conda part is checked by name and pin,
not solved; the pip part is run for real, in a throwaway venv (see test_pip_part_installs_...).
"""
import ast
import functools
import re
import shutil
import subprocess
import sys
import sysconfig
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[1]
WORKFLOW = ROOT / "workflow"
ENVS = WORKFLOW / "envs"
LOCAL = {"eigflow", "eigflow_arms"}  # the workflow's own code: on sys.path from workflow/ (README)

# conda (or pip) package -> the modules it provides, where the names differ.
PROVIDES = {
    "pytorch": {"torch"},
    "scikit-learn": {"sklearn"},
    "pyyaml": {"yaml"},
    "matplotlib-base": {"matplotlib"},
    "matplotlib-venn": {"matplotlib_venn"},
    "time-interpret": {"tint"},
}
# conda package -> its name on PyPI (requirements.txt), where they differ.
PYPI_NAME = {"pytorch": "torch", "matplotlib-base": "matplotlib"}


def _pins(lines):
    pins = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)==([^\s#]+)\s*", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def _env(path):
    """(conda packages {name: (version, build)}, pip lines) of an env file."""
    env = yaml.safe_load(path.read_text())
    conda, pip = {}, []
    for dep in env["dependencies"]:
        if isinstance(dep, dict):
            pip = dep["pip"]
            continue
        spec = dep.split("::")[-1]
        name, _, rest = spec.partition("=")
        version, _, build = rest.partition("=")
        conda[name.lower()] = (version, build)
    return env, conda, pip


# -- what each rule imports ---------------------------------------------------------------

def _rules():
    """{rule: (env file, script)} from workflow/rules/*.smk; `use rule A as B` inherits A's."""
    found, uses = {}, {}
    for smk in sorted((WORKFLOW / "rules").glob("*.smk")):
        for block in re.split(r"\n(?=rule |use rule )", smk.read_text()):
            use = re.match(r"use rule (\w+) as (\w+)", block)
            if use:
                uses[use.group(2)] = use.group(1)
                continue
            header = re.match(r"rule (\w+)", block)
            if not header:
                continue
            conda = re.search(r"\n    conda:\n        \"([^\"]+)\"", block)
            script = re.search(r"\n    script:\n        \"([^\"]+)\"", block)
            found[header.group(1)] = (
                (smk.parent / conda.group(1)).resolve() if conda else None,
                (smk.parent / script.group(1)).resolve() if script else None,
            )
    for child, parent in uses.items():
        found[child] = found[parent]
    return found


def _module_file(name):
    path = WORKFLOW.joinpath(*name.split("."))
    if (path / "__init__.py").is_file():
        return path / "__init__.py"
    return path.with_suffix(".py") if path.with_suffix(".py").is_file() else None


@functools.cache
def _imports_of(path, package):
    """Every module ``path`` imports: import statements anywhere (lazy ones too), relative ones
    resolved in ``package``, import_module / import_extra calls with a literal name, and the
    "module:Class" strings of eigflow_arms' registries (the arms' adapters)."""
    out = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            module = node.module
            if node.level:
                parts = package.split(".")
                module = ".".join(parts[:len(parts) - node.level + 1] + ([module] if module else []))
            out.add(module)
            out |= {f"{module}.{alias.name}" for alias in node.names}
        elif (isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant)
              and isinstance(node.args[0].value, str)
              and getattr(node.func, "attr", getattr(node.func, "id", None)) in {"import_module", "import_extra"}):
            out.add(node.args[0].value)
        elif (isinstance(node, ast.Constant) and isinstance(node.value, str)
              and re.fullmatch(r"eigflow_arms(\.\w+)+:\w+", node.value)):
            out.add(node.value.split(":")[0])
    return out


@functools.cache
def script_imports(script):
    """Top-level third-party modules a script needs, following the workflow's own packages
    (every module and package __init__ on the way) transitively."""
    third, seen, todo = set(), set(), [(script, "")]
    while todo:
        path, package = todo.pop()
        for name in _imports_of(path, package):
            parts = name.split(".")
            if parts[0] not in LOCAL:
                if parts[0] not in sys.stdlib_module_names and parts[0] != "snakemake":
                    third.add(parts[0])
                continue
            for i in range(1, len(parts) + 1):
                module = ".".join(parts[:i])
                file = _module_file(module)
                if file and module not in seen:
                    seen.add(module)
                    todo.append((file, module if file.name == "__init__.py" else ".".join(parts[:i - 1])))
    return third


def env_modules(env_file):
    _, conda, pip = _env(env_file)
    names = set(conda) | set(_pins(pip))
    names -= {"python", "pip"}
    return set().union(*(PROVIDES.get(name, {name.replace("-", "_")}) for name in names))


RULES = _rules()


def test_every_rule_with_a_script_names_an_existing_env_file():
    for rule, (env, script) in RULES.items():
        if script is None:
            continue  # rule all
        assert env is not None, f"rule {rule} names no conda env"
        assert env.is_file() and env.parent == ENVS, f"rule {rule}: {env} is not in workflow/envs/"
        assert script.is_file(), f"rule {rule}: {script}"


@pytest.mark.parametrize("rule", sorted(r for r, (_, s) in RULES.items() if s))
def test_rule_env_provides_every_module_its_script_imports(rule):
    env, script = RULES[rule]
    missing = script_imports(script) - env_modules(env)
    assert not missing, f"rule {rule} ({script.name}) imports {sorted(missing)}, which {env.name} lacks"


def test_each_env_holds_only_what_its_rules_import():
    used = {}
    for env, script in RULES.values():
        if script:
            used.setdefault(env, set()).update(script_imports(script))
    assert set(used) == set(ENVS.glob("*.yaml")), "an env file no rule uses, or a rule's env missing"
    for env, modules in used.items():
        extra = env_modules(env) - modules
        assert not extra, f"{env.name} installs {sorted(extra)}, which none of its rules import"


def test_envs_are_conda_first_cpu_torch_and_install_no_project_code():
    for env_file in sorted(ENVS.glob("*.yaml")):
        env, conda, pip = _env(env_file)
        assert env["channels"] == ["conda-forge", "bioconda", "nodefaults"], env_file.name
        if "pytorch" in conda:
            assert conda["pytorch"][1] == "cpu_*", f"{env_file.name}: the CPU build (pytorch=V=cpu_*)"
        assert "torch" not in _pins(pip), f"{env_file.name}: torch from pip is the CUDA wheel"
        # `-e ..` resolved against Snakemake's copy in .snakemake/conda/: the workflow's code is
        # found on workflow/ instead (Snakemake puts it on every script's sys.path).
        assert not any(line.lstrip().startswith(("-e", ".", "/", "file:")) for line in pip), env_file.name
        # pip only for what conda-forge and bioconda lack (checked by hand; no channel here).
        assert set(_pins(pip)) <= {"memelite", "tangermeme", "time-interpret"}, \
            f"{env_file.name}: {sorted(_pins(pip))} from pip"


def test_env_pins_agree_with_what_ci_installs():
    ci = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert "torch" in ci and ci["torch"] == "2.13.0"
    assert "torch==2.13.0" in (ROOT / ".ci" / "run").read_text()
    for env_file in sorted(ENVS.glob("*.yaml")):
        _, conda, pip = _env(env_file)
        pins = {PYPI_NAME.get(name, name): version for name, (version, _) in conda.items()
                if name not in {"python", "pip"}}
        pins.update(_pins(pip))
        assert all(pins.values()), f"{env_file.name}: every package pinned"
        assert conda["python"][0] == f"{sys.version_info.major}.{sys.version_info.minor}", env_file.name
        for name, version in pins.items():
            assert ci.get(name) == version, f"{env_file.name}: {name}=={version} but CI installs {ci.get(name)}"


def test_pip_part_installs_from_a_copy_of_the_env_file(tmp_path):
    """What conda does with an env's `pip:` list, from where Snakemake puts the env file
    (`.snakemake/conda/<hash>.yaml` under the run's directory): it writes the list to a
    requirements file beside the copy and runs pip there. Here: into a throwaway venv that sees
    the packages CI installed (so nothing is downloaded and it takes seconds), with --no-index,
    so a pin that CI does not install, or a path that means nothing from the copy's folder,
    fails."""
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(venv)], check=True)
    site = next(venv.glob("lib/python*/site-packages"))
    (site / "ci.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    for env_file in sorted(ENVS.glob("*.yaml")):
        copy = tmp_path / "run" / ".snakemake" / "conda" / f"{env_file.stem}0123456789abcdef.yaml"
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(env_file, copy)
        _, _, pip = _env(copy)
        if not pip:
            continue
        requirements = copy.parent / f"condaenv.{env_file.stem}.requirements.txt"
        requirements.write_text("\n".join(pip) + "\n")
        run = subprocess.run(
            [sys.executable, "-m", "pip", "--python", str(venv / "bin" / "python"), "install",
             "--no-index", "--disable-pip-version-check", "-r", str(requirements)],
            cwd=copy.parent, capture_output=True, text=True,
        )
        assert run.returncode == 0, f"{env_file.name}: pip part fails from the copy:\n{run.stdout}{run.stderr}"
