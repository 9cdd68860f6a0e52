"""The attribution stage every arm shares: sample sets -> graph -> shards -> merge -> significance.

Five rules keyed by ``{arm}`` (``workflow/rules/attribution.smk``), one script each. What
differs between arms is an adapter, a subclass of :class:`Arm` found by name in
:data:`ADAPTERS`: it names the files each job reads, the settings that go into the rules'
params (so that changing one reruns what depends on it), and, inside the job, loads the
data and the model and explains one shard.

Files (``{exp}`` is the arm's experiment id: a method, or a model and a method):

- ``results/{arm}/sample_sets.npz``: :data:`SAMPLE_SETS` as pool row indices.
- ``results/{arm}/graphs/{model}.{space}.npz``: a :class:`eigflow.NeighborGraph`.
- ``results/{arm}/attributions/{exp}/shard{shard}.npz``: every attributed set the experiment
  needs (:data:`eigflow_arms.common.shards.ATTRIBUTED`: a sample set and the output explained),
  keys ``"{set}.{array}"`` (arrays as :func:`eigflow_arms.common.shards.attribute_shard`).
- ``results/{arm}/attributions/{exp}/{set}.npz``: one set, shards concatenated (for figures).
- ``results/{arm}/significance/{exp}.tsv``: Algorithm 1 under the arm's reading
  (:class:`eigflow_arms.common.readings.Reading`), per contrast: a ``contrast`` column
  (``interest``: the class of interest vs the null set; ``calibration``: a second random
  set vs the null set, where the experiment has one), then :data:`eigflow.significance`'s.
"""
from __future__ import annotations

import hashlib
import importlib
import importlib.util
from pathlib import Path

import pandas as pd
from eigflow import PATHS

from . import io
from .methods import parse
from .readings import CONTRASTS, Reading
from .shards import ATTRIBUTED, SAMPLE_SETS, merge_shards, shard_rows

__all__ = ["Arm", "ADAPTERS", "adapter", "attribute_shards", "attributions", "split_shards", "load_set", "load_sets",
           "significance_table", "read_significance", "library_hash"]

# arm -> "module:class"; imported on first use, so the rules' start-up imports no arm code.
ADAPTERS = {
    "mnist": "eigflow_arms.mnist.adapter:MnistArm",
    "splicing": "eigflow_arms.splicing.adapter:SplicingArm",
    "liver": "eigflow_arms.liver.adapter:LiverArm",
    "sequence": "eigflow_arms.sequence.adapter:SequenceArm",
    "sequence_liver": "eigflow_arms.sequence.adapter:SequenceLiverArm",
}


class Arm:
    """What the shared stage asks of an arm. Subclasses override the methods that raise.

    The first group runs when Snakemake builds the DAG (file names and params); the second
    inside a job, on the files and params that the rule gave it.
    """

    name = ""
    figures: tuple[str, ...] = ()  # the figures (rules, report captions, tables) of the arm
    tables: tuple[str, ...] = ()   # tables of results/tables/ beside the figures'

    def __init__(self, config: dict):
        self.config = config

    # -- the DAG -------------------------------------------------------------------------
    def check(self) -> None:
        """Refuse the configuration before any job if this arm cannot run it: every problem the
        schema cannot see (a method no registry knows or the arm does not compute, a combination
        that cannot run), at once, each naming its key and the fix
        (:func:`eigflow_arms.common.config_check.refuse`)."""

    def targets(self) -> list[str]:
        """The figures a run of this arm makes (some need inputs a configuration may lack)."""
        return list(self.figures)

    def experiments(self) -> list[str]:
        """Every experiment id the arm's figures read."""
        raise NotImplementedError

    def method(self, exp: str) -> str:
        """The method id (:mod:`eigflow_arms.common.methods`) of an experiment."""
        return exp

    def model_name(self, exp: str) -> str:
        raise NotImplementedError

    def shards(self) -> int:
        raise NotImplementedError

    def null_targets(self) -> tuple[str, ...]:
        """The outputs a null set may explain (:data:`~eigflow_arms.common.shards.NULL_TARGETS`):
        ``own`` needs a model with one output per class."""
        return ("interest",)

    def reading(self) -> Reading:
        """The reading of Algorithm 1 the arm's significance tables use (config)."""
        raise NotImplementedError

    def reading_problems(self, section: str) -> list[str]:
        """The config's reading (``<section>.significance``), if it cannot run, as problems."""
        try:
            reading = self.reading()
        except (TypeError, ValueError) as err:
            return [f"{section}.significance: {err}"]
        if reading.null_target not in self.null_targets():
            return [f"{section}.significance.null_target is {reading.null_target!r}, which needs a model "
                    f"with one output per class; this arm's model has one output, so use 'interest'"]
        return []

    def calibrates(self, exp: str) -> bool:
        """Whether the experiment's random-vs-random calibration is read (it attributes null2)."""
        return True

    def sets_of(self, exp: str) -> tuple[str, ...]:
        """The attributed sets of an experiment: the class of interest, and each random set under
        every null target the arm allows (the readings figures compare them); null2 only where
        :meth:`calibrates`."""
        rows = SAMPLE_SETS if self.calibrates(exp) else SAMPLE_SETS[:2]
        targets = ("interest", *self.null_targets())
        return tuple(name for name, spec in ATTRIBUTED.items() if spec.rows in rows and spec.target in targets)

    def files(self, exp: str) -> dict:
        """Input files of an attribution shard: at least ``data``, ``sets``, ``model``."""
        raise NotImplementedError

    def graph_file(self, exp: str):
        """The k-NN graph an experiment's path walks, or [] when its path needs none."""
        path = parse(self.method(exp))[0]
        if path is None or PATHS[path].route != "graph":
            return []
        return f"results/{self.graph_arm}/graphs/{self.model_name(exp)}.{PATHS[path].space}.npz"

    @property
    def graph_arm(self) -> str:
        """The arm whose graph rule builds this arm's graphs (an arm may reuse another's)."""
        return self.name

    def graph_files(self, model: str, space: str) -> dict:
        """Inputs of the graph rule in ``space`` ("input" or "latent"): ``data``, and what
        :meth:`graph_points` reads."""
        raise NotImplementedError

    def graph_params(self) -> dict:
        raise NotImplementedError

    def attribution_params(self, exp: str) -> dict:
        raise NotImplementedError

    def sample_set_files(self) -> dict:
        raise NotImplementedError

    def sample_set_params(self) -> dict:
        raise NotImplementedError

    def significance_files(self, exp: str) -> dict:
        """Extra inputs of Algorithm 1 (meta-feature groups), beside the shards."""
        return {}

    def significance_params(self, exp: str) -> dict:
        """Settings of Algorithm 1 (the reading, and anything :meth:`groups` reads)."""
        return {"reading": self.reading().as_dict()}

    # -- inside jobs ---------------------------------------------------------------------
    def sample_sets(self, files, params: dict) -> dict:
        raise NotImplementedError

    def graph_points(self, files, params: dict, space: str):
        """(training points, autoencoder or None) of the graph in ``space``."""
        raise NotImplementedError

    def explainer(self, files, params: dict, exp: str, device: str):
        """``explain(index, target, label) -> arrays``: one shard's attributions of pool rows
        ``index``, explaining the class of interest's output (``target="interest"``) or each
        row's own class's (``"own"``, for arms whose :meth:`null_targets` allow it)."""
        raise NotImplementedError

    def load_graph(self, files, exp: str, autoencoder):
        """The experiment's graph (``files.graph``), in latent space through ``autoencoder`` for
        a latent path; None when its path walks no graph."""
        if not files.graph:
            return None
        from eigflow import NeighborGraph

        latent = PATHS[parse(self.method(exp))[0]].space == "latent"
        return NeighborGraph.load(files.graph, autoencoder=autoencoder if latent else None)

    def groups(self, files, params: dict, exp: str):
        """The meta-feature of each feature for Algorithm 1, or None (features alone)."""
        return None


def load_plugins(config: dict) -> None:
    """Import the config's ``plugins``: Python files (``*.py``, relative to the working
    directory) or module names that register paths and baselines with the library
    (:func:`eigflow.register_path`, :func:`eigflow.register_baseline`) or explainers here.

    Called wherever the registries are read -- when Snakemake builds the DAG and in every
    job -- so a registered method is planned, run and drawn like the paper's.
    """
    for plugin in config.get("plugins", []):
        if plugin in _LOADED:
            continue
        if plugin.endswith(".py"):
            if not Path(plugin).is_file():
                raise FileNotFoundError(f"config plugins: {plugin} does not exist (paths are relative "
                                        f"to the working directory, {Path.cwd()})")
            spec = importlib.util.spec_from_file_location(Path(plugin).stem, plugin)
            spec.loader.exec_module(importlib.util.module_from_spec(spec))
        else:
            importlib.import_module(plugin)
        _LOADED.add(plugin)


_LOADED: set = set()


def adapter(name: str, config: dict) -> Arm:
    """The adapter of arm ``name`` for this ``config`` (its plugins loaded first)."""
    if name not in ADAPTERS:
        raise ValueError(f"unknown arm {name!r}; arms are {', '.join(ADAPTERS)}")
    load_plugins(config)
    module, _, cls = ADAPTERS[name].partition(":")
    return getattr(importlib.import_module(module), cls)(config)


def library_hash(folder=None) -> str:
    """A short digest of the library's code, for the params of the rules that compute with it.

    Snakemake reruns a job whose params changed since it ran, so an edit of the library reruns
    what it computed (and, as their inputs change, what was built on that).

    Parameters
    ----------
    folder : path, optional
        The package's folder; default the imported ``eigflow``'s.

    Returns
    -------
    str
        16 hex digits of a sha256 over its modules (``*.py``), their names and bytes, in name order.
    """
    if folder is None:
        import eigflow

        folder = Path(eigflow.__file__).parent
    digest = hashlib.sha256()
    for module in sorted(Path(folder).glob("*.py")):
        digest.update(module.name.encode() + b"\0" + hashlib.sha256(module.read_bytes()).digest())
    return digest.hexdigest()[:16]


def attribute_shards(arm: Arm, files, params: dict, exp: str, shard: int, device: str, log) -> dict:
    """One shard of every attributed set of ``exp``, as the arrays of a shard file."""
    sets = io.load_npz(files.sets)
    explain = arm.explainer(files, params, exp, device)
    out = {}
    for name in arm.sets_of(exp):
        spec = ATTRIBUTED[name]
        index = shard_rows(sets, spec.rows, arm.shards(), shard)
        log.info("device %s; %s %s, %s set shard %d/%d (%d samples)", device, arm.name, exp, name,
                 shard, arm.shards(), len(index))
        arrays = explain(index, spec.target, f"{exp} {name} shard {shard}")
        out.update({f"{name}.{key}": value for key, value in arrays.items()})
    return out


def load_sets(shard_files, names) -> dict:
    """Sample sets ``names`` of an experiment, each with its shards concatenated in shard
    order; every shard file is read once."""
    shards = [io.load_npz(path) for path in shard_files]
    held = sorted({key.split(".")[0] for key in shards[0]})
    sets = {}
    for name in names:
        prefix = f"{name}."
        parts = [{k[len(prefix):]: v for k, v in arrays.items() if k.startswith(prefix)} for arrays in shards]
        if not parts[0]:
            raise ValueError(f"{shard_files[0]} holds no {name!r} sample set; its experiment attributes "
                             f"only {held}")
        sets[name] = merge_shards(parts)
    return sets


def load_set(shard_files, name: str) -> dict:
    """Sample set ``name`` of an experiment, its shards concatenated in shard order."""
    return load_sets(shard_files, [name])[name]


def attributions(arm: Arm, shard_files, exp: str) -> dict:
    """Every attributed set of ``exp``: name -> (s, ...) attributions, shards concatenated."""
    return {name: arrays["attributions"] for name, arrays in load_sets(shard_files, arm.sets_of(exp)).items()}


def split_shards(arm: Arm, shard_files) -> dict:
    """Experiment id -> its shard files, from every shard of every experiment of ``arm`` listed
    experiment by experiment (the order of :meth:`Arm.experiments`)."""
    experiments, n = arm.experiments(), arm.shards()
    if len(shard_files) != n * len(experiments):
        raise ValueError(f"{len(shard_files)} shard files for {len(experiments)} experiments of {n} shards")
    return {exp: list(shard_files[i * n:(i + 1) * n]) for i, exp in enumerate(experiments)}


def significance_table(arm: Arm, shard_files, files, params: dict, exp: str, log) -> pd.DataFrame:
    """Algorithm 1 under the reading of ``params`` for every contrast the experiment allows."""
    reading = Reading(**params["reading"])
    return reading.table(attributions(arm, shard_files, exp), arm.groups(files, params, exp), log, exp)


def read_significance(path, contrast: str = "interest") -> pd.DataFrame:
    """One contrast of a significance file, as :func:`eigflow.significance` returned it."""
    table = io.read_tsv(path)
    chosen = table[table["contrast"] == contrast]
    if chosen.empty:
        raise ValueError(f"{path} has no {contrast!r} contrast (it has "
                         f"{sorted(set(table['contrast']))}); the experiment's sample sets lack "
                         f"{CONTRASTS[contrast]!r}")
    return chosen.drop(columns="contrast").reset_index(drop=True)

