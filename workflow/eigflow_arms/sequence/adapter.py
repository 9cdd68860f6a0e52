"""The sequence arm's adapter to the shared attribution stage (:mod:`eigflow_arms.common.stage`).

One CNN (:mod:`.model`) over raw RNA predicts, among its outputs, whether a cassette exon
changes in the splicing arm's tissue (hippocampus) and in the liver arm's; each contrast is an
arm of the stage, with its own class of interest: :class:`SequenceArm` (the splicing arm's
tissue, ``sequence`` in ``arms``, which owns the figures) and :class:`SequenceLiverArm` (the
liver arm's tissue and ``min_tissues``). An experiment is a method
(:mod:`eigflow_arms.common.methods`): EIG paths x baselines made for one-hot inputs (the hidden
paths and ``encoded-zero`` through the sequence autoencoder, :mod:`.autoencoder`, trained only
when a method asks for it), and the genomics toolbox (:mod:`.toolbox`), all explaining the
contrast's logit
(:class:`.model.ContrastLogit`) at the same test exons. Algorithm 1 is not this arm's
question, so only the class of interest is attributed.
"""
from __future__ import annotations

from eigflow import BASELINES, PATHS

from eigflow_arms.common import config_check, methods
from eigflow_arms.common.readings import Reading
from eigflow_arms.common.stage import Arm
from eigflow_arms.splicing.events import EXONIC, INTRONIC

MODEL = "cnn"
ONE_HOT = "one-hot"
AUTOENCODER = "results/sequence/autoencoder.pt"


def contrasts(config: dict) -> list[tuple[str, int]]:
    """(tissue, min_tissues) of every contrast the CNN predicts, in its output order: the splicing
    arm's class of interest, then the liver arm's."""
    splicing, liver = config.get("splicing", {}), config.get("liver", {})
    return [(splicing.get("tissue", "hippocampus"), 1),
            (liver.get("tissue", "liver"), liver.get("min_tissues", 2))]


def toolbox_methods() -> tuple[str, ...]:
    """The explainers beside EIG this arm computes (:data:`.toolbox.METHODS`)."""
    from .toolbox import METHODS

    return (methods.SIMPLE_GRADIENTS, *METHODS)


# Room GIA's copies leave in a window for the motif itself (the shipped motifs have 4-12 nt).
MOTIF_ROOM = 12


def gia_problems(gia: dict, names=None) -> list[str]:
    """The copies experiment's spans that leave no room for a motif in one 350-nt window, and
    (given the program's RBP ``names``) RBPs of the copies, logos and pairs the program lacks."""
    copies, width, problems = gia.get("copies", {}), EXONIC + INTRONIC, []
    if names is not None:
        chosen = {"copies.rbps": copies.get("rbps") or [], "logos.rbps": gia.get("logos", {}).get("rbps") or [],
                  "interaction.pairs": [n for pair in gia.get("interaction", {}).get("pairs") or [] for n in pair]}
        for key, rbps in chosen.items():
            unknown = [n for n in rbps if n not in names]
            if unknown:
                problems.append(f"sequence.gia.{key} names {unknown[0]!r}, which the planted program does not "
                                f"hold; choose from {list(names)}, or null for the contrasts' regulators")
    span = (copies.get("max_copies", 4) - 1) * copies.get("spacing", 12)
    if span > width - MOTIF_ROOM:
        problems.append(f"sequence.gia.copies: max_copies - 1 = {copies.get('max_copies', 4) - 1} copies "
                        f"{copies.get('spacing', 12)} nt apart span {span} nt, more than a {width}-nt window "
                        f"holds with a motif; lower max_copies or spacing")
    too_far = [s for s in copies.get("spacings", []) if s > width - MOTIF_ROOM]
    if too_far:
        problems.append(f"sequence.gia.copies.spacings holds {too_far[0]}: two copies that far apart do not fit in "
                        f"a {width}-nt window; use spacings up to {width - MOTIF_ROOM}")
    return problems


class SequenceArm(Arm):
    name = "sequence"
    figures = ("sequence_examples", "sequence_ground_truth", "sequence_motifs", "sequence_cost",
               "sequence_rna_map",
               "deepresolve_importance", "deepresolve_similarity", "deepresolve_motifs",
               "gia_rna_map", "gia_copies", "gia_interaction", "gia_gc", "gia_logos")
    tables = ("sequence_model_metrics",)
    contrast = 0  # index into contrasts(config)

    def __init__(self, config: dict):
        super().__init__(config)
        self.settings = config.get("sequence", {})
        self.tissue, self.min_tissues = contrasts(config)[self.contrast]

    # -- the DAG -------------------------------------------------------------------------
    def check(self) -> None:
        problems = config_check.shards_over_samples("sequence", self.settings)
        pool, width = self.settings.get("model", {}).get("pool"), EXONIC + INTRONIC
        if pool is not None and width % pool:
            problems.append(f"sequence.model.pool is {pool}, which does not divide the {width}-nt splice-site "
                            f"window; use a divisor of {width} (350: one bin per window, the default)")
        problems += gia_problems(self.settings.get("gia", {}), self.program_names())
        for i, method in enumerate(self.settings.get("methods", [])):
            problems += config_check.method_problems(method, f"sequence.methods[{i}]", self.computed())
        config_check.refuse(problems)

    def program_names(self) -> list[str] | None:
        """The planted program's RBPs, where GIA runs (a simulated splicing input) and the program
        reads; a malformed program is the splicing arm's to report."""
        from eigflow_arms.splicing.program import ProgramError, read_program

        splicing = self.config.get("splicing", {})
        if not self.simulated() or splicing.get("program") is None:
            return None
        try:
            return read_program(splicing["program"], splicing.get("tissues")).names()
        except (ProgramError, OSError):
            return None

    def computed(self) -> list[str]:
        """The toolbox, and EIG over every path and every baseline for one-hot inputs."""
        return [*toolbox_methods(), *methods.eig_methods(list(PATHS), methods.baselines(ONE_HOT))]

    @staticmethod
    def needs_autoencoder(exp: str) -> bool:
        path, baseline = methods.parse(exp)
        return path is not None and (PATHS[path].needs_autoencoder or BASELINES[baseline].needs_autoencoder)

    def simulated(self) -> bool:
        return self.config.get("splicing", {}).get("source") == "simulate"

    def targets(self) -> list[str]:
        # Real data have no planted sites to score against; the model's metrics still hold.
        return list(self.figures) if self.simulated() else []

    def experiments(self) -> list[str]:
        return list(self.settings.get("methods", []))

    def model_name(self, exp: str) -> str:
        return MODEL

    @property
    def graph_arm(self) -> str:
        return "sequence"

    def shards(self) -> int:
        return self.settings.get("shards", 1)

    def sets_of(self, exp: str) -> tuple[str, ...]:
        return ("interest",)

    def reading(self) -> Reading:
        return Reading()

    def files(self, exp: str) -> dict:
        return {"data": "results/sequence/dataset.npz", "sets": f"results/{self.name}/sample_sets.npz",
                "model": "results/sequence/model.pt", "graph": self.graph_file(exp),
                "autoencoder": AUTOENCODER if self.needs_autoencoder(exp) else []}

    def graph_files(self, model: str, space: str) -> dict:
        return {"data": "results/sequence/dataset.npz", "autoencoder": AUTOENCODER if space == "latent" else []}

    def graph_params(self) -> dict:
        graph = self.settings.get("graph", {})
        return {"k": graph.get("k", 10), "max_points": graph.get("max_points", 5000), "seed": self.config["seed"]}

    def attribution_params(self, exp: str) -> dict:
        keys = ("n_baselines", "n_steps", "batch_size", "toolbox")
        return {**{k: self.settings.get(k) for k in keys}, "contrast": self.contrast, "seed": self.config["seed"]}

    def sample_set_files(self) -> dict:
        return {"data": "results/splicing/dataset.npz"}

    def sample_set_params(self) -> dict:
        return {"n_samples": self.settings.get("n_samples"), "tissue": self.tissue, "min_tissues": self.min_tissues,
                "changing": self.config.get("splicing", {}).get("changing"), "seed": self.config["seed"]}

    # -- inside jobs ---------------------------------------------------------------------
    def sample_sets(self, files, params: dict) -> dict:
        from eigflow_arms.common import io

        from . import arm

        return arm.sample_sets(io.load_npz(files.data), params["tissue"], params["n_samples"], params["seed"],
                               min_tissues=params["min_tissues"], **params["changing"])

    def graph_points(self, files, params: dict, space: str):
        from eigflow_arms.common import io

        from . import arm

        return arm.training_points(io.load_npz(files.data), params["max_points"], params["seed"]), \
            arm.load_autoencoder(files.autoencoder)

    def explainer(self, files, params: dict, exp: str, device: str):
        from eigflow_arms.common import io

        from . import arm

        data = io.load_npz(files.data)
        model = arm.contrast_model(files.model, params["contrast"])
        autoencoder = arm.load_autoencoder(files.autoencoder)
        graph = self.load_graph(files, exp, autoencoder)

        def explain(index, target, label):  # target: "interest" only (sets_of)
            return arm.attribute_method(exp, model, data, index, graph=graph, autoencoder=autoencoder,
                                        n_baselines=params["n_baselines"],
                                        n_steps=params["n_steps"], toolbox=params["toolbox"], seed=params["seed"],
                                        batch_size=params["batch_size"], device=device, label=label)

        return explain


class SequenceLiverArm(SequenceArm):
    """The liver contrast of the same CNN: attributed here, drawn by :class:`SequenceArm`'s figures."""

    name = "sequence_liver"
    figures = ()
    tables = ()
    contrast = 1
