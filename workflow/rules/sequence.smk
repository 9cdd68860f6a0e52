# The sequence arm (beyond the paper): a residual, dilated CNN over raw RNA around the splice
# sites, trained on the splicing arm's events and split, attributed through the shared stage
# (attribution.smk, arms "sequence" and "sequence_liver", one per contrast) by EIG and the
# genomics toolbox, and scored against every functional motif occurrence of the planted
# program. One rule and one plotting function (eigflow_arms.sequence.figures) per figure.

# No colon in a category: the report makes each one a reStructuredText target, and two names
# that share the text before a colon collide there.
SEQUENCE_CATEGORY = "Raw sequence, EIG beside the genomics toolbox (beyond the paper)"
# GIA and DeepResolve (deepresolve.smk, gia.smk) on the same CNN.
PROBE_CATEGORY = "Raw sequence, GIA and DeepResolve (beyond the paper)"


rule sequence_dataset:
    input:
        genome=lambda wc: splicing_input("genome"),
        events=lambda wc: splicing_input("events"),
        splicing="results/splicing/dataset.npz",
        program=PROGRAM_FILE,
    output:
        "results/sequence/dataset.npz",
    log:
        "results/logs/sequence/dataset.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/sequence_dataset.py"


rule train_sequence_cnn:
    input:
        data="results/sequence/dataset.npz",
        splicing="results/splicing/dataset.npz",
        feature_model="results/splicing/model.pt",
        feature_metrics="results/tables/splicing_model_metrics.tsv",
    output:
        model="results/sequence/model.pt",
        metrics=report(
            "results/tables/sequence_model_metrics.tsv",
            caption="../report/sequence_model_metrics.rst",
            category=SEQUENCE_CATEGORY,
            subcategory="Models",
            labels={"figure": "Models", "content": "table"},
        ),
    params:
        model=config.get("sequence", {}).get("model"),
        contrasts=sequence_contrasts(),
        changing=SPLICING.get("changing"),
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/sequence/train.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=8000,
        runtime=120,
    script:
        "../scripts/train_sequence_cnn.py"


rule train_sequence_autoencoder:
    input:
        "results/sequence/dataset.npz",
    output:
        model="results/sequence/autoencoder.pt",
        metrics="results/sequence/autoencoder_metrics.tsv",
    params:
        settings=config.get("sequence", {}).get("autoencoder"),
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/sequence/autoencoder.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=8000,
        runtime=120,
    script:
        "../scripts/train_sequence_autoencoder.py"


rule sequence_ground_truth:
    input:
        unpack(sequence_scoring_inputs),
    output:
        **figure_outputs("sequence_ground_truth", SEQUENCE_CATEGORY),
        per_rbp="results/sequence/ground_truth_per_rbp.tsv",
    params:
        methods=ARM["sequence"].experiments(),
    log:
        "results/logs/figures/sequence_ground_truth.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/sequence_ground_truth.py"


rule sequence_cost:
    input:
        "results/tables/sequence_ground_truth.tsv",
    output:
        **figure_outputs("sequence_cost", SEQUENCE_CATEGORY),
    log:
        "results/logs/figures/sequence_cost.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/sequence_cost.py"


rule sequence_motifs:
    input:
        unpack(sequence_scoring_inputs),
        collection="results/liver/motif_collection.meme",
    output:
        **figure_outputs("sequence_motifs", SEQUENCE_CATEGORY),
        seqlets="results/sequence/seqlets.tsv",
    params:
        methods=ARM["sequence"].experiments(),
    log:
        "results/logs/figures/sequence_motifs.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/sequence_motifs.py"


rule sequence_rna_map:
    input:
        unpack(sequence_scoring_inputs),
    output:
        **figure_outputs("sequence_rna_map", SEQUENCE_CATEGORY),
    params:
        methods=ARM["sequence"].experiments(),
    log:
        "results/logs/figures/sequence_rna_map.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/sequence_rna_map.py"


rule sequence_examples:
    input:
        unpack(sequence_scoring_inputs),
        scores="results/tables/sequence_ground_truth.tsv",
    output:
        **figure_outputs("sequence_examples", SEQUENCE_CATEGORY),
    params:
        methods=ARM["sequence"].experiments(),
    log:
        "results/logs/figures/sequence_examples.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/sequence_examples.py"
