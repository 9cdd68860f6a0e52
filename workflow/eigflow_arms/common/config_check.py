"""The configuration checked as a whole at start-up, before any job: each problem names its key
and the fix, and each pass reports all the problems it finds together.

Two passes. :func:`check_schema` runs in the Snakefile before Snakemake's own validation, so a
value the JSON schema refuses (a misspelt key, an empty list, a number out of range) is reported
by its dotted key, and so is a count written as a float (``n_samples: 12.0``), which the schema
lets through as an integer while the jobs would stop on it. The arms' adapters then check what a
schema cannot see, the combinations (:meth:`eigflow_arms.common.stage.Arm.check`), with the
helpers below.
"""
from __future__ import annotations

import re
from pathlib import Path

import yaml

__all__ = ["ConfigError", "refuse", "check_schema", "schema_problems", "float_counts", "unused_files",
           "shards_over_samples", "method_problems"]


class ConfigError(ValueError):
    """One or more configuration problems, each naming its key and the fix."""


def refuse(problems: list[str]) -> None:
    """Raise a :class:`ConfigError` listing ``problems``; nothing when there are none."""
    if problems:
        listing = "\n".join(f"  - {problem}" for problem in problems)
        raise ConfigError(f"the configuration cannot run ({len(problems)} problem"
                          f"{'s' if len(problems) > 1 else ''}; config/README.md explains every key):\n"
                          f"{listing}")


def check_schema(config: dict, schema_file) -> None:
    """Refuse ``config`` where it breaks the JSON schema in ``schema_file`` or gives a count as a
    float, every problem by its dotted key (see :func:`schema_problems`)."""
    refuse(schema_problems(config, yaml.safe_load(Path(schema_file).read_text())))


def schema_problems(config: dict, schema: dict) -> list[str]:
    """Every way ``config`` breaks ``schema``, and every count given as a float, as messages
    ``"<dotted key>: <what is wrong>; <fix>"``.

    Parameters
    ----------
    config : dict
        The configuration as Snakemake read it (before defaults are filled in).
    schema : dict
        The JSON schema (draft 2020-12) of the configuration.

    Returns
    -------
    list of str
        Empty when the configuration is valid.
    """
    from jsonschema import Draft202012Validator

    counts = float_counts(config, schema)
    out = list(counts.values())
    errors = Draft202012Validator(schema).iter_errors(config)
    for error in sorted(errors, key=lambda e: list(map(str, e.path))):
        key = _dotted(error.absolute_path)
        if key in counts:  # already said, with the whole-number fix
            continue
        out.append(f"{key or 'the configuration'}: {error.message}; {_fix(error)}")
    return out


def float_counts(config, schema: dict, key: str = "") -> dict[str, str]:
    """Values given as floats where the schema wants an integer, by dotted key.

    JSON Schema counts 12.0 as an integer, so the schema lets ``n_samples: 12.0`` through while
    the jobs, which index and loop with it, would stop on it; 8.5 the schema refuses, but with
    its own wording. Both are said here, with the whole number to write instead.
    """
    out = {}
    types = schema.get("type", [])
    types = [types] if isinstance(types, str) else types
    if isinstance(config, float) and "integer" in types and "number" not in types:
        whole = (f"write {int(config)}" if config.is_integer()
                 else f"give a whole number, e.g. {int(config)} or {int(config) + 1}")
        out[key] = f"{key}: {config!r} is a float but counts an integer; {whole}"
    elif isinstance(config, dict):
        for name, value in config.items():
            for sub in _subschemas(schema, str(name)):
                out.update(float_counts(value, sub, f"{key}.{name}" if key else str(name)))
    elif isinstance(config, list) and isinstance(schema.get("items"), dict):
        for i, value in enumerate(config):
            out.update(float_counts(value, schema["items"], f"{key}[{i}]"))
    return out


def _subschemas(schema: dict, name: str) -> list[dict]:
    """The schemas that apply to property ``name`` of an object with ``schema``."""
    if name in schema.get("properties", {}):
        return [schema["properties"][name]]
    return [sub for pattern, sub in schema.get("patternProperties", {}).items() if re.search(pattern, name)]


def _dotted(path) -> str:
    """``mnist.steps_study.steps[0]`` from a JSON path (keys and list positions)."""
    out = ""
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _fix(error) -> str:
    """What to write instead, for a JSON-schema error."""
    value = error.validator_value
    fixes = {
        "required": "add it",
        "additionalProperties": "remove it or correct its spelling",
        "enum": f"use one of {', '.join(map(str, value))}" if isinstance(value, list) else "",
        "type": f"write a value of type {' or '.join(value) if isinstance(value, list) else value}",
        "minItems": f"list at least {value}",
        "maxItems": f"list at most {value}",
        "uniqueItems": "list each entry once",
        "minimum": f"use at least {value}",
        "maximum": f"use at most {value}",
        "exclusiveMinimum": f"use more than {value}",
        "exclusiveMaximum": f"use less than {value}",
    }
    return fixes.get(error.validator) or "see config/README.md"


def unused_files(section: str, files: dict | None, source: str | None) -> list[str]:
    """``{section}.files.*`` given while ``splicing.source`` simulates: the run would analyse the
    simulated data and never read them."""
    if source != "simulate":
        return []
    return [f"{section}.files.{name} is set but splicing.source is 'simulate'; set splicing.source: "
            f"files to use it, or remove it" for name, path in (files or {}).items() if path is not None]


def shards_over_samples(section: str, settings: dict) -> list[str]:
    """More attribution shards than samples: some shards would attribute nothing."""
    shards, n = settings.get("shards"), settings.get("n_samples")
    if shards is None or n is None or shards <= n:
        return []
    return [f"{section}.shards is {shards} but {section}.n_samples is {n}, so {shards - n} shard(s) "
            f"would attribute no sample; set {section}.shards to at most {n}"]


def method_problems(method: str, key: str, computed=None) -> list[str]:
    """A method id at config ``key`` that no registry knows, or that the arm does not compute
    (``computed``: the arm's methods; None accepts every registered one)."""
    from . import methods

    try:
        methods.check(method, key)
    except ValueError as err:
        return [str(err)]
    if computed is not None and method not in computed:
        return [f"{key}: {method!r} is registered, but the arm does not compute it; use one of "
                f"{', '.join(computed)}"]
    return []
