"""The splicing arm's adapter to the shared attribution stage (:mod:`eigflow_arms.common.stage`).

An experiment is a method of :mod:`eigflow_arms.common.methods`: every EIG path x baseline,
simple gradients and Deep SHAP, all on one joined model (encoder + splicing code: x -> the
predicted |dPSI| of ``tissue`` against the others). The reference class of the
group-specific baselines is the constitutive training exons; Algorithm 1 tests
meta-features. :class:`~eigflow_arms.liver.adapter.LiverArm` reuses all of it with the
liver's class of interest.
"""
from __future__ import annotations

from eigflow_arms.common import config_check, methods
from eigflow_arms.common.readings import Reading
from eigflow_arms.common.stage import Arm
from eigflow_arms.splicing.program import ProgramError, read_program

MODEL = "code"  # the one model of the arm: the graphs' file names say which model they embed
# The explainers beside EIG that arm.attribute_method implements (a plugin may register others
# with the method registry; this arm cannot run them).
EXPLAINED = (methods.SIMPLE_GRADIENTS, methods.DEEP_SHAP)


class SplicingArm(Arm):
    name = "splicing"
    figures = ("fig3a", "fig3b", "fig3c", "fig3d", "fig3e", "fig3f", "fig3g", "figS3", "figS7", "figS8",
               "figS9", "figS10", "splicing_readings")
    tables = ("splicing_model_metrics", "splicing_baselines")
    section = "splicing"  # where the class of interest, sample counts and shards are configured

    def __init__(self, config: dict):
        super().__init__(config)
        self.splicing = config.get("splicing", {})
        self.settings = config.get(self.section, {})

    # -- the DAG -------------------------------------------------------------------------
    def check(self) -> None:
        problems = self.section_problems() + self.program_problems()
        chosen = self.splicing.get("fig3f", {}).get("method")
        if chosen is not None:
            problems += config_check.method_problems(chosen, "splicing.fig3f.method", self.computed())
        config_check.refuse(problems + self.reading_problems("splicing"))

    def section_problems(self) -> list[str]:
        """What the splicing and liver sections share: user files that a simulated run would
        ignore, and more shards than samples."""
        source = self.splicing.get("source")
        return (config_check.unused_files(self.section, self.settings.get("files"), source)
                + config_check.shards_over_samples(self.section, self.settings))

    def program_problems(self, regulated_tissue: str | None = None) -> list[str]:
        """The program file (splicing.program) read in full before any job, so a malformed one
        stops the run at its start (file, row, column, fix); with ``regulated_tissue``, it
        must also name that tissue's regulator."""
        path = self.splicing.get("program")
        if path is None:
            # An MNIST-only file checked on its own: in a run the schema's default names one.
            return []
        try:
            program = read_program(path, self.splicing.get("tissues"))
            if regulated_tissue is not None:
                program.regulator(regulated_tissue)
        except ProgramError as err:
            return [f"splicing.program: {err}"]
        return []

    def computed(self) -> list[str]:
        """Every method :meth:`explainer` computes: the whole EIG grid and :data:`EXPLAINED`."""
        return methods.names(EXPLAINED)

    def simulated(self) -> bool:
        return self.splicing.get("source") == "simulate"

    def targets(self) -> list[str]:
        # Real data has no planted program, so no ground truth to score against.
        return list(self.figures) + (["ground_truth"] if self.simulated() else [])

    def experiments(self) -> list[str]:
        return self.computed()

    def model_name(self, exp: str) -> str:
        return MODEL

    @property
    def graph_arm(self) -> str:
        return "splicing"

    def shards(self) -> int:
        return self.settings.get("shards", 1)

    def files(self, exp: str) -> dict:
        return {"data": "results/splicing/dataset.npz", "sets": f"results/{self.name}/sample_sets.npz",
                "model": "results/splicing/model.pt", "graph": self.graph_file(exp)}

    def graph_files(self, model: str, space: str) -> dict:
        return {"data": "results/splicing/dataset.npz", "model": "results/splicing/model.pt"}

    def graph_params(self) -> dict:
        graph = self.splicing.get("graph", {})
        return {"k": graph.get("k", 10), "max_points": graph.get("max_points", 20000),
                "seed": self.config["seed"]}

    def attribution_params(self, exp: str) -> dict:
        keys = ("n_baselines", "n_steps", "batch_size", "deep_shap_background")
        return {**{k: self.splicing.get(k) for k in keys}, "tissue": self.settings.get("tissue"),
                "seed": self.config["seed"]}

    def sample_set_files(self) -> dict:
        return {"data": "results/splicing/dataset.npz"}

    def min_tissues(self) -> int:
        """The class of interest changes against at least this many other tissues."""
        return 1

    def sample_set_params(self) -> dict:
        return {"n_samples": self.settings.get("n_samples"), "tissue": self.settings.get("tissue"),
                "changing": self.splicing.get("changing"), "min_tissues": self.min_tissues(),
                "seed": self.config["seed"]}

    def significance_files(self, exp: str) -> dict:
        return {"meta": "results/splicing/meta_features.tsv"}

    def reading(self) -> Reading:
        return Reading(**self.splicing.get("significance", {}))

    # -- inside jobs ---------------------------------------------------------------------
    def sample_sets(self, files, params: dict) -> dict:
        from eigflow_arms.common import io

        from . import arm

        return arm.sample_sets(io.load_npz(files.data), params["tissue"], n_samples=params["n_samples"],
                               seed=params["seed"], min_tissues=params["min_tissues"], **params["changing"])

    def graph_points(self, files, params: dict, space: str):
        from eigflow_arms.common import io

        from .models import load_bundle

        data = io.load_npz(files.data)
        autoencoder = load_bundle(files.model)[0] if space == "latent" else None
        return data["x"][data["train"]][: params["max_points"]], autoencoder

    def explainer(self, files, params: dict, exp: str, device: str):
        from eigflow_arms.common import io

        from . import arm
        from .models import load_bundle

        data = io.load_npz(files.data)
        autoencoder, code, _ = load_bundle(files.model)
        model = arm.joined_model(autoencoder, code, data, params["tissue"])
        graph = self.load_graph(files, exp, autoencoder)
        background = arm.deep_shap_background(data, params["deep_shap_background"], params["seed"])

        def explain(index, target, label):  # target: "interest" only (null_targets)
            return arm.attribute_method(
                exp, model, autoencoder, data, index, graph=graph, n_baselines=params["n_baselines"],
                n_steps=params["n_steps"], background=background, seed=params["seed"],
                batch_size=params["batch_size"], device=device, label=label)

        return explain

    def groups(self, files, params: dict, exp: str):
        from eigflow_arms.common import io

        return io.read_tsv(files.meta).meta_feature.to_numpy()
