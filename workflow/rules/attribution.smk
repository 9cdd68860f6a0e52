# The attribution stage every arm shares (eigflow_arms.common.stage): sample sets, k-NN graphs,
# one job per (experiment, shard) attributing every sample set the experiment needs, Algorithm
# 1 on the shards, and a merge of one sample set for the figures that draw attributions. What
# differs between arms comes from the arm's adapter (ARM[arm]): its files and its settings.


rule sample_sets:
    input:
        unpack(lambda wc: ARM[wc.arm].sample_set_files()),
    output:
        "results/{arm}/sample_sets.npz",
    params:
        settings=lambda wc: ARM[wc.arm].sample_set_params(),
    log:
        "results/logs/{arm}/sample_sets.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=5,
    script:
        "../scripts/sample_sets.py"


rule graph:
    input:
        unpack(lambda wc: ARM[wc.arm].graph_files(wc.model, wc.space)),
    output:
        "results/{arm}/graphs/{model}.{space}.npz",
    params:
        settings=lambda wc: ARM[wc.arm].graph_params(),
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/{arm}/graph/{model}.{space}.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=16000,
        runtime=120,
    script:
        "../scripts/graph.py"


rule attribute_shard:
    input:
        unpack(lambda wc: ARM[wc.arm].files(wc.exp)),
    output:
        "results/{arm}/attributions/{exp}/shard{shard}.npz",
    params:
        settings=lambda wc: ARM[wc.arm].attribution_params(wc.exp),
        library=EIGFLOW_HASH,
        gpus=config["gpus"],
    threads: config["threads"]
    log:
        "results/logs/{arm}/attribute/{exp}.shard{shard}.log",
    conda:
        "../envs/torch.yaml"
    resources:
        **gpu_resources(),
        mem_mb=6000,
        runtime=240,
    script:
        "../scripts/attribute_shard.py"


rule significance:
    input:
        unpack(lambda wc: ARM[wc.arm].significance_files(wc.exp)),
        shards=shard_files,
    output:
        "results/{arm}/significance/{exp}.tsv",
    params:
        settings=lambda wc: ARM[wc.arm].significance_params(wc.exp),
        library=EIGFLOW_HASH,
    log:
        "results/logs/{arm}/significance/{exp}.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/significance.py"


rule merge:
    input:
        shard_files,
    output:
        "results/{arm}/attributions/{exp}/{sampleset}.npz",
    log:
        "results/logs/{arm}/merge/{exp}.{sampleset}.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge.py"
