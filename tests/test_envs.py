"""Every rule names a conda env file, and every env file's pins are what CI installs."""
import re
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]


def _pins(lines):
    pins = {}
    for line in lines:
        match = re.fullmatch(r"\s*([A-Za-z0-9_.\-]+)==([^\s#]+)\s*", line)
        if match:
            pins[match.group(1).lower()] = match.group(2)
    return pins


def test_every_rule_names_an_existing_env_file():
    for smk in sorted((ROOT / "workflow" / "rules").glob("*.smk")):
        blocks = re.split(r"\n(?=rule |use rule )", smk.read_text())
        for block in blocks:
            header = re.match(r"(rule|use rule) (\w+)", block)
            if not header or header.group(1) == "use rule":
                continue  # `use rule` inherits its parent's env
            conda = re.search(r"\n    conda:\n        \"([^\"]+)\"", block)
            assert conda, f"{smk.name}: rule {header.group(2)} names no conda env"
            assert (smk.parent / conda.group(1)).resolve().is_file(), conda.group(1)


def test_env_pins_agree_with_what_ci_installs():
    ci = _pins((ROOT / "requirements.txt").read_text().splitlines())
    assert "torch" in ci and ci["torch"] == "2.13.0"
    assert "torch==2.13.0" in (ROOT / ".ci" / "run").read_text()
    for env_file in sorted((ROOT / "workflow" / "envs").glob("*.yaml")):
        env = yaml.safe_load(env_file.read_text())
        pip = next(d["pip"] for d in env["dependencies"] if isinstance(d, dict))
        pins = _pins(pip)
        assert pins, f"{env_file.name} pins nothing"
        for name, version in pins.items():
            assert ci.get(name) == version, f"{env_file.name}: {name}=={version} but CI installs {ci.get(name)}"
