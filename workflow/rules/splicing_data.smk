# Splicing data (paper Fig. 3): a simulated transcriptome in real file formats, or the user's
# files; features from genome + events; MAJIQ-style PSI; meta-features; known features; truth.


rule simulate_splicing:
    input:
        program=PROGRAM_FILE,
    output:
        genome=f"{SIMULATED}/genome.fa",
        fai=f"{SIMULATED}/genome.fa.fai",
        events=f"{SIMULATED}/events.tsv",
        bed=f"{SIMULATED}/events.bed",
        gtf=f"{SIMULATED}/events.gtf",
        majiq=majiq_files(SPLICING_INPUTS["majiq_dir"]),
        expression=f"{SIMULATED}/expression/rbp_tpm.tsv",
        program=f"{SIMULATED}/program.tsv",
        sites=f"{SIMULATED}/planted_sites.tsv",
        psi_true=f"{SIMULATED}/psi_true.tsv",
    params:
        settings=SPLICING.get("simulate", {}),
        tissues=SPLICING.get("tissues"),
        changing=SPLICING.get("changing"),
        seed=config["seed"],
    log:
        "results/logs/splicing/simulate.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=60,
    script:
        "../scripts/simulate_splicing.py"


rule splicing_features:
    input:
        genome=lambda wc: splicing_input("genome"),
        events=lambda wc: splicing_input("events"),
        features=user_features,
        program=PROGRAM_FILE,
    output:
        matrix="results/splicing/features.npz",
        table="results/splicing/feature_table.tsv",
    params:
        tissues=SPLICING.get("tissues"),
    log:
        "results/logs/splicing/features.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=120,
    script:
        "../scripts/splicing_features.py"


rule splicing_dataset:
    input:
        features="results/splicing/features.npz",
        events=lambda wc: splicing_input("events"),
        majiq=lambda wc: majiq_files(splicing_input("majiq_dir")),
    output:
        data="results/splicing/dataset.npz",
        classes="results/tables/splicing_classes.tsv",
    params:
        majiq_dir=lambda wc: splicing_input("majiq_dir"),
        tissues=SPLICING.get("tissues"),
        tissue=SPLICING.get("tissue"),
        changing=SPLICING.get("changing"),
        test_fraction=SPLICING.get("test_fraction"),
        seed=config["seed"],
    log:
        "results/logs/splicing/dataset.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=30,
    script:
        "../scripts/splicing_dataset.py"


rule splicing_meta_features:
    input:
        data="results/splicing/dataset.npz",
        table="results/splicing/feature_table.tsv",
        program=PROGRAM_FILE,
    output:
        "results/splicing/meta_features.tsv",
    params:
        min_correlation=SPLICING.get("meta_min_correlation"),
        tissues=SPLICING.get("tissues"),
    log:
        "results/logs/splicing/meta_features.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=30,
    script:
        "../scripts/splicing_meta_features.py"


rule splicing_known_features:
    input:
        data="results/splicing/dataset.npz",
        meta="results/splicing/meta_features.tsv",
    output:
        meta="results/splicing/known_features.tsv",
        features="results/splicing/known_features.per_feature.tsv",
    params:
        threshold=SPLICING.get("known_threshold"),
        tissue=SPLICING.get("tissue"),
        changing=SPLICING.get("changing"),
    log:
        "results/logs/splicing/known_features.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=4000,
        runtime=20,
    script:
        "../scripts/splicing_known_features.py"


rule splicing_truth:
    input:
        table="results/splicing/feature_table.tsv",
        meta="results/splicing/meta_features.tsv",
        program=PROGRAM_FILE,
    output:
        features="results/splicing/feature_truth.tsv",
        meta="results/splicing/truth.tsv",
    params:
        tissue=SPLICING.get("tissue"),
        tissues=SPLICING.get("tissues"),
    log:
        "results/logs/splicing/truth.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/splicing_truth.py"
