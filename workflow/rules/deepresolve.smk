# DeepResolve (paper 004, beyond the EIG paper) on the sequence arm's CNN: gradient ascent in
# the feature-map space of one layer for every output, its channels' importance, additivity
# and motifs, and the tissues' similarity, scored against the planted program. One rule and one
# plotting function (eigflow_arms.sequence.deepresolve_figures) per figure.


rule deepresolve:
    input:
        model="results/sequence/model.pt",
        data="results/sequence/dataset.npz",
        collection="results/liver/motif_collection.meme",
    output:
        "results/sequence/deepresolve.npz",
    params:
        settings=deepresolve_settings(),
        seed=config["seed"],
    threads: 1
    log:
        "results/logs/sequence/deepresolve.log",
    conda:
        "../envs/liver.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    script:
        "../scripts/deepresolve.py"


rule deepresolve_importance:
    input:
        resolved="results/sequence/deepresolve.npz",
        program=PROGRAM_FILE,
    output:
        **figure_outputs("deepresolve_importance", PROBE_CATEGORY),
        recovery="results/tables/deepresolve_recovery.tsv",
    params:
        top_channels=deepresolve_settings()["top_channels"],
    log:
        "results/logs/figures/deepresolve_importance.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/deepresolve_importance.py"


rule deepresolve_similarity:
    input:
        resolved="results/sequence/deepresolve.npz",
        program=PROGRAM_FILE,
    output:
        **figure_outputs("deepresolve_similarity", PROBE_CATEGORY),
    log:
        "results/logs/figures/deepresolve_similarity.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/deepresolve_similarity.py"


rule deepresolve_motifs:
    input:
        resolved="results/sequence/deepresolve.npz",
        channels="results/tables/deepresolve_importance.tsv",
        collection="results/liver/motif_collection.meme",
    output:
        **figure_outputs("deepresolve_motifs", PROBE_CATEGORY),
    params:
        top_channels=deepresolve_settings()["top_channels"],
    log:
        "results/logs/figures/deepresolve_motifs.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/deepresolve_motifs.py"
