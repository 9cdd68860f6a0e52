# What every arm's attribution stage shares: shards of one sample set are merged into one file.


rule merge_shards:
    input:
        shard_files,
    output:
        "results/{arm}/attributions/{exp}/{sampleset}.npz",
    log:
        "results/logs/{arm}/merge/{exp}.{sampleset}.log",
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/merge_shards.py"
