# Input functions and target lists shared by the rule files.
from pathlib import Path

import re

MNIST = config["mnist"]
SPLICING = config.get("splicing", {})
LIVER = config.get("liver", {})
ARMS = config.get("arms", ["mnist", "splicing", "liver"])
PATH_NAMES = ["O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG"]
BASELINE_NAMES = ["zero", "encoded-zero", "k-means", "median", "close", "random"]
SAMPLE_SETS = ["interest", "null", "null2"]
# Splicing attribution methods (paper Fig. 3): every path x baseline, simple gradients, Deep SHAP.
SPLICING_METHODS = [f"{p}.{b}" for p in PATH_NAMES for b in BASELINE_NAMES] + [
    "simple-gradients",
    "deep-shap",
]

# An attribution experiment is "{model}.{path}.{baseline}_{ref}": ref is the digit whose
# training images form the reference class of the group-specific baselines.
EXPERIMENT = "{model}.{path}.{baseline}_{ref}"


wildcard_constraints:
    model="|".join(MNIST["models"]),
    path="|".join(PATH_NAMES),
    baseline="|".join(BASELINE_NAMES),
    ref=r"\d",
    sampleset="|".join(SAMPLE_SETS),
    shard=r"\d+",
    space="input|latent",
    method="|".join(re.escape(m) for m in SPLICING_METHODS),
    arm="mnist|splicing",


def experiment(figure, ref=None):
    """The experiment id that a figure reads, from config mnist.experiments."""
    spec = MNIST["experiments"][figure]
    return EXPERIMENT.format(ref=MNIST["baseline_digit"] if ref is None else ref, **spec)


def attribution_file(exp, sampleset):
    return f"results/mnist/attributions/{exp}/{sampleset}.npz"


def significance_file(exp, contrast="interest"):
    return f"results/mnist/significance/{exp}.{contrast}.tsv"


def significance_inputs(wildcards):
    """Algorithm 1's two sets: the class of interest, or (calibration) a second random set."""
    tested = "interest" if wildcards.contrast == "interest" else "null2"
    return {
        "interest": attribution_file(wildcards.exp, tested),
        "null": attribution_file(wildcards.exp, "null"),
    }


def patch_of(figure):
    """Patch side of the meta-features a figure's significance test used (1: pixels)."""
    model = MNIST["experiments"][figure]["model"]
    return MNIST["patch"] if model in MNIST["patch_models"] else 1


def other_digits():
    """Reference digits of fig2d: the config's list, or every digit but the one of interest."""
    chosen = MNIST.get("fig2d_digits") or range(10)
    return [d for d in chosen if d != MNIST["digit"]]


def gpu_resources():
    """Attribution shards declare GPUs only when the config asks for them."""
    return {"gpu": config["gpus"]} if config["gpus"] > 0 else {}


def graph_for(model, path, **_):
    """Neighbour paths read the k-NN graph built once per model and space."""
    if not path.endswith("N-IG"):
        return []
    space = "latent" if path.startswith("H-") else "input"
    return f"results/mnist/graphs/{model}.{space}.npz"


def graph_input(wildcards):
    return graph_for(wildcards.model, wildcards.path)


def figure_outputs(name, category="MNIST (Fig. 2, supp. S4-S6)"):
    return {
        "png": report(
            f"results/figures/{name}.png",
            caption=f"../report/{name}.rst",
            category=category,
        ),
        "pdf": f"results/figures/{name}.pdf",
        "table": f"results/tables/{name}.tsv",
    }


MNIST_FIGURES = ["fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "figS4", "figS5", "figS6"]
LIVER_FIGURES = ["fig4a", "fig4b", "fig4c", "fig4d", "fig4e", "figS11", "figS12"]
SPLICING_FIGURES = ["fig3a", "fig3b", "fig3c", "fig3d", "fig3e", "fig3f", "fig3g", "figS3", "figS7",
                    "figS8", "figS9", "figS10"]


def splicing_simulated():
    return SPLICING.get("source") == "simulate"


def splicing_figures():
    # Real data has no planted program, so no ground truth to score against.
    return SPLICING_FIGURES + (["ground_truth"] if splicing_simulated() else [])


def all_targets():
    names, tables = [], []
    if "mnist" in ARMS:
        names += MNIST_FIGURES
        tables.append("results/tables/mnist_model_accuracy.tsv")
    if "splicing" in ARMS:
        names += splicing_figures()
        tables.append("results/tables/splicing_model_metrics.tsv")
    if "liver" in ARMS:
        names += LIVER_FIGURES
    return [f"results/figures/{n}.{ext}" for n in names for ext in ("png", "pdf")] + tables


# -- splicing arm ------------------------------------------------------------------------

SIMULATED = "results/splicing/input"
SPLICING_INPUTS = {
    "genome": f"{SIMULATED}/genome.fa",
    "events": f"{SIMULATED}/events.tsv",
    "majiq_dir": f"{SIMULATED}/majiq",
    "expression": f"{SIMULATED}/expression/rbp_tpm.tsv",
}


def splicing_input(name):
    """A splicing input file: the simulator's, or the user's own (config splicing.files)."""
    if splicing_simulated():
        return SPLICING_INPUTS[name]
    path = SPLICING.get("files", {}).get(name)
    if path is None:
        raise ValueError(
            f"splicing.source is 'files' but splicing.files.{name} is not set; "
            "see config/README.md for the file formats"
        )
    return path


def majiq_files(wildcards=None):
    """Every voila TSV the dataset reads: one psi file per tissue (the simulator's, or the
    user's folder, whose deltapsi files are found by name when the job runs)."""
    if not splicing_simulated():
        return []
    tissues = SPLICING["tissues"]
    pairs = [f"{a}-{b}" for i, a in enumerate(tissues) for b in tissues[i + 1 :]]
    return [f"{SIMULATED}/majiq/{t}.psi.tsv" for t in tissues] + [
        f"{SIMULATED}/majiq/{p}.deltapsi.tsv" for p in pairs
    ]


def splicing_graph_input(wildcards):
    path = wildcards.method.split(".")[0]
    if not path.endswith("N-IG"):
        return []
    space = "latent" if path.startswith("H-") else "input"
    return f"results/splicing/graphs/{space}.npz"


def shard_files(wildcards):
    shards = config[wildcards.arm]["shards"]
    return expand(
        "results/{arm}/attributions/{exp}/{sampleset}.shard{shard}.npz",
        shard=range(shards),
        **wildcards,
    )


def splicing_significance(contrast="interest"):
    return [f"results/splicing/significance/{m}.{contrast}.tsv" for m in SPLICING_METHODS]


# -- A1CF liver arm -----------------------------------------------------------------------

LIVER_INPUTS = {
    "knockout_deltapsi": f"{SIMULATED}/knockout/WT-KO.deltapsi.tsv",
    "parclip_bam": f"{SIMULATED}/parclip/parclip.bam",
}


def liver_input(name):
    """A liver-arm input: the simulator's knockout and PAR-CLIP, or the user's (liver.files)."""
    if splicing_simulated():
        return LIVER_INPUTS[name]
    path = LIVER.get("files", {}).get(name)
    if path is None:
        raise ValueError(
            f"splicing.source is 'files' but liver.files.{name} is not set; "
            "see config/README.md for the file formats"
        )
    return path


def liver_significance():
    return [f"results/liver/significance/{m}.interest.tsv" for m in LIVER.get("methods", [])]
