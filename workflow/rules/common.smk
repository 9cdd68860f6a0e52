# Input functions and target lists shared by the rule files.
from pathlib import Path

MNIST = config["mnist"]
PATH_NAMES = ["O-L-IG", "H-L-IG", "O-N-IG", "H-N-IG"]
BASELINE_NAMES = ["zero", "encoded-zero", "k-means", "median", "close", "random"]
SAMPLE_SETS = ["interest", "null", "null2"]

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


def figure_outputs(name):
    return {
        "png": report(
            f"results/figures/{name}.png",
            caption=f"../report/{name}.rst",
            category="MNIST (Fig. 2, supp. S4-S6)",
        ),
        "pdf": f"results/figures/{name}.pdf",
        "table": f"results/tables/{name}.tsv",
    }


MNIST_FIGURES = ["fig2a", "fig2b", "fig2c", "fig2d", "fig2e", "figS4", "figS5", "figS6"]


def all_targets():
    figures = [f"results/figures/{name}.{ext}" for name in MNIST_FIGURES for ext in ("png", "pdf")]
    return figures + ["results/tables/mnist_model_accuracy.tsv"]
