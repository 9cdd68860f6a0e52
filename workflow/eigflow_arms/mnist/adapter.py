"""The MNIST arm's adapter to the shared attribution stage (:mod:`eigflow_arms.common.stage`).

An experiment is ``"{model}.{path}.{baseline}_{ref}"``: a digit model, an EIG method, and
the digit whose training images are the reference class of the group-specific baselines.
The samples are the images of ``mnist.sample_pool``, the target is the probability of
``mnist.digit`` (a random set's also that of each image's own digit: the null target
``own``); the convolutional models are tested on patch meta-features.
"""
from __future__ import annotations

from eigflow import BASELINES, PATHS

from eigflow_arms.common import config_check, methods
from eigflow_arms.common.readings import Reading
from eigflow_arms.common.shards import NULL_TARGETS
from eigflow_arms.common.stage import Arm

EXPERIMENT = "{model}.{path}.{baseline}_{ref}"


class MnistArm(Arm):
    name = "mnist"
    figures = ("fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "figS4", "figS5", "figS6", "mnist_readings")
    tables = ("mnist_model_accuracy",)

    def __init__(self, config: dict):
        super().__init__(config)
        self.settings = config["mnist"]

    # -- the DAG -------------------------------------------------------------------------
    def check(self) -> None:
        problems = config_check.shards_over_samples("mnist", self.settings) + self.reading_problems("mnist")
        for figure, spec in self.settings["experiments"].items():
            key = f"mnist.experiments.{figure}"
            unknown = config_check.method_problems(f"{spec['path']}.{spec['baseline']}", key)
            problems += unknown or self._autoencoder_problems(key, **spec)
        if not self.other_digits():
            digit = self.settings["digit"]
            problems.append(f"mnist.fig2d_digits {self.settings['fig2d_digits']} leaves fig2d no reference "
                            f"digit once mnist.digit ({digit}) is left out; list another digit, or null for "
                            f"every digit but {digit}")
        config_check.refuse(problems)

    @staticmethod
    def _autoencoder_problems(key: str, model: str, path: str, baseline: str) -> list[str]:
        """A path or baseline that needs an autoencoder, on a model that has none."""
        from .models import AUTOENCODED

        needs = [f"{what} {name!r}" for what, name, spec in (("path", path, PATHS[path]),
                                                             ("baseline", baseline, BASELINES[baseline]))
                 if spec.needs_autoencoder]
        if not needs or model in AUTOENCODED:
            return []
        free_paths = [p for p, spec in PATHS.items() if not spec.needs_autoencoder]
        free_baselines = [b for b in methods.baselines() if not BASELINES[b].needs_autoencoder]
        verb = "need" if len(needs) > 1 else "needs"
        return [f"{key}: {' and '.join(needs)} {verb} an autoencoder, and model {model!r} has none; "
                f"use model {' or '.join(AUTOENCODED)}, or a path of {', '.join(free_paths)} with a "
                f"baseline of {', '.join(free_baselines)}"]

    def experiment(self, figure: str, ref=None) -> str:
        """The experiment a figure reads (config ``mnist.experiments``), with reference digit ``ref``."""
        spec = self.settings["experiments"][figure]
        return EXPERIMENT.format(ref=self.settings["baseline_digit"] if ref is None else ref, **spec)

    def other_digits(self) -> list[int]:
        """Reference digits of fig2d: the config's list, or every digit but the one of interest."""
        chosen = self.settings.get("fig2d_digits") or range(10)
        return [d for d in chosen if d != self.settings["digit"]]

    def calibrated(self) -> str:
        """The experiment whose random-vs-random calibration supp. S5 shows: fig2a's."""
        return self.experiment("fig2a")

    def experiments(self) -> list[str]:
        figures = [self.experiment(f) for f in self.settings["experiments"]]
        return list(dict.fromkeys(figures + [self.experiment("fig2a", d) for d in self.other_digits()]))

    def parse(self, exp: str) -> tuple[str, str, int]:
        """(model, method, reference digit) of an experiment id."""
        model, _, rest = exp.partition(".")
        method, _, ref = rest.rpartition("_")
        return model, method, int(ref)

    def method(self, exp: str) -> str:
        return self.parse(exp)[1]

    def model_name(self, exp: str) -> str:
        return self.parse(exp)[0]

    def shards(self) -> int:
        return self.settings["shards"]

    def calibrates(self, exp: str) -> bool:
        return exp == self.calibrated()

    def null_targets(self) -> tuple[str, ...]:
        return NULL_TARGETS  # every digit model has one output per digit

    def reading(self) -> Reading:
        return Reading(**self.settings["significance"])

    def files(self, exp: str) -> dict:
        return {"data": "results/mnist/data.npz", "sets": "results/mnist/sample_sets.npz",
                "model": f"results/mnist/models/{self.model_name(exp)}.pt", "graph": self.graph_file(exp)}

    def graph_files(self, model: str, space: str) -> dict:
        return {"data": "results/mnist/data.npz", "model": f"results/mnist/models/{model}.pt"}

    def graph_params(self) -> dict:
        return {**self.settings["graph"], "seed": self.config["seed"]}

    def attribution_params(self, exp: str) -> dict:
        keys = ("sample_pool", "digit", "n_baselines", "n_steps", "batch_size")
        return {**{k: self.settings[k] for k in keys}, "seed": self.config["seed"]}

    def sample_set_files(self) -> dict:
        return {"data": "results/mnist/data.npz"}

    def sample_set_params(self) -> dict:
        keys = ("digit", "n_samples", "sample_pool")
        return {**{k: self.settings[k] for k in keys}, "seed": self.config["seed"]}

    def patch(self, exp: str) -> int:
        """Side of the patch meta-features Algorithm 1 tests (1: single pixels)."""
        return self.settings["patch"] if self.model_name(exp) in self.settings["patch_models"] else 1

    def significance_params(self, exp: str) -> dict:
        return {**super().significance_params(exp), "patch": self.patch(exp)}

    # -- inside jobs ---------------------------------------------------------------------
    def sample_sets(self, files, params: dict) -> dict:
        from eigflow_arms.common import io

        from . import arm

        labels = io.load_npz(files.data)[f"y_{params['sample_pool']}"]
        return arm.sample_sets(labels, params["digit"], params["n_samples"], params["seed"])

    def graph_points(self, files, params: dict, space: str):
        from eigflow_arms.common import io

        from .models import load_model

        _, autoencoder, kind = load_model(files.model)
        if space == "latent" and autoencoder is None:
            raise ValueError(f"model {kind!r} has no autoencoder: H-N-IG needs one")
        points = io.load_npz(files.data)["x_train"][: params["max_points"]]
        return points, autoencoder if space == "latent" else None

    def explainer(self, files, params: dict, exp: str, device: str):
        from eigflow_arms.common import io, shards

        from . import arm
        from .models import load_model

        model, autoencoder, _ = load_model(files.model)
        data = io.load_npz(files.data)
        pool, labels = data[f"x_{params['sample_pool']}"], data[f"y_{params['sample_pool']}"]
        _, method, ref = self.parse(exp)
        path, _, baseline = method.partition(".")
        reference = arm.reference_class(data, ref)
        graph = self.load_graph(files, exp, autoencoder)

        def explain(index, target, label):
            digits = params["digit"] if target == "interest" else labels[index]
            return shards.attribute_shard(
                model, pool, index, path, baseline, reference, params["n_baselines"], params["n_steps"],
                autoencoder=autoencoder, graph=graph, target=digits, seed=params["seed"],
                batch_size=params["batch_size"], device=device, label=label)

        return explain

    def groups(self, files, params: dict, exp: str):
        from . import arm

        return arm.significance_groups(params["patch"])
