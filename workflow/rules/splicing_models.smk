# Splicing models (paper supp. Fig. S1, S3): an autoencoder on the features and the splicing
# code network on its latent space + two tissues; latent stability; k-NN graphs for N-IG; the
# model's own use of each meta-feature (the ground truth's reference for the attributions).


rule train_splicing_code:
    input:
        unpack(splicing_oracle_inputs),
        data="results/splicing/dataset.npz",
    output:
        model="results/splicing/model.pt",
        metrics=report(
            "results/tables/splicing_model_metrics.tsv",
            caption="../report/splicing_model_metrics.rst",
            category="Splicing codes (Fig. 3, supp. S3, S7-S10)",
            subcategory="Models",
            labels={"figure": "Models", "content": "table"},
        ),
    params:
        autoencoder=SPLICING.get("autoencoder"),
        code=SPLICING.get("code"),
        tissue=SPLICING.get("tissue"),
        changing=SPLICING.get("changing"),
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/splicing/train.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=120,
    script:
        "../scripts/train_splicing_code.py"


rule splicing_latent_stability:
    input:
        "results/splicing/dataset.npz",
    output:
        "results/splicing/stability.tsv",
    params:
        settings=SPLICING.get("stability"),
        autoencoder=SPLICING.get("autoencoder"),
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/splicing/stability.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=8000,
        runtime=240,
    script:
        "../scripts/splicing_stability.py"


rule splicing_model_use:
    input:
        data="results/splicing/dataset.npz",
        model="results/splicing/model.pt",
        sets="results/splicing/sample_sets.npz",
        meta="results/splicing/meta_features.tsv",
    output:
        "results/splicing/model_use.tsv",
    params:
        tissue=SPLICING.get("tissue"),
        settings=SPLICING.get("model_use"),
        seed=config["seed"],
    threads: config["threads"]
    log:
        "results/logs/splicing/model_use.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=2000,
        runtime=30,
    script:
        "../scripts/splicing_model_use.py"


rule splicing_baselines:
    input:
        data="results/splicing/dataset.npz",
        sets="results/splicing/sample_sets.npz",
        model="results/splicing/model.pt",
    output:
        report(
            "results/tables/splicing_baselines.tsv",
            caption="../report/splicing_baselines.rst",
            category="Splicing codes (Fig. 3, supp. S3, S7-S10)",
            subcategory="Models",
            labels={"figure": "Baselines", "content": "table"},
        ),
    params:
        tissue=SPLICING.get("tissue"),
        n_baselines=SPLICING.get("n_baselines"),
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/splicing/baselines.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=4000,
        runtime=10,
    script:
        "../scripts/splicing_baselines.py"
