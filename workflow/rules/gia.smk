# Global importance analysis (Koo et al. 2021, paper 003) on the sequence arm's CNN, beyond the
# paper: motifs embedded in backgrounds drawn from null models, their effect on every output
# scored against the planted program. Logic in eigflow_arms.sequence.gia; one rule and one
# plotting function (eigflow_arms.sequence.gia_figures) per figure.


rule gia_rna_map:
    input:
        unpack(gia_inputs),
        unpack(gia_feature_model),
        collection="results/liver/motif_collection.meme",
    output:
        **figure_outputs("gia_rna_map", PROBE_CATEGORY),
        summary=report_item(
            "results/tables/gia_summary.tsv", "gia_rna_map", PROBE_CATEGORY, "summary"
        ),
    params:
        **gia_params(),
    threads: config["threads"]
    log:
        "results/logs/figures/gia_rna_map.log",
    conda:
        "../envs/liver.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=120,
    script:
        "../scripts/gia_rna_map.py"


rule gia_copies:
    input:
        unpack(gia_inputs),
    output:
        **figure_outputs("gia_copies", PROBE_CATEGORY),
    params:
        **gia_params(),
    threads: config["threads"]
    log:
        "results/logs/figures/gia_copies.log",
    conda:
        "../envs/liver.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=60,
    script:
        "../scripts/gia_copies.py"


rule gia_interaction:
    input:
        unpack(gia_inputs),
    output:
        **figure_outputs("gia_interaction", PROBE_CATEGORY),
    params:
        **gia_params(),
    threads: config["threads"]
    log:
        "results/logs/figures/gia_interaction.log",
    conda:
        "../envs/liver.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=30,
    script:
        "../scripts/gia_interaction.py"


rule gia_gc:
    input:
        unpack(gia_inputs),
    output:
        **figure_outputs("gia_gc", PROBE_CATEGORY),
    params:
        **gia_params(),
    threads: config["threads"]
    log:
        "results/logs/figures/gia_gc.log",
    conda:
        "../envs/liver.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=60,
    script:
        "../scripts/gia_gc.py"


rule gia_logos:
    input:
        unpack(gia_inputs),
    output:
        **figure_outputs("gia_logos", PROBE_CATEGORY),
    params:
        **gia_params(),
    threads: config["threads"]
    log:
        "results/logs/figures/gia_logos.log",
    conda:
        "../envs/liver.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=30,
    script:
        "../scripts/gia_logos.py"
