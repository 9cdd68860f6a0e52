# Attribution, sharded: one job per (model, path, baseline, sample set, shard), merged by the
# rule merge_shards (common to every arm, in attribution.smk), then Algorithm 1 on the merged sets.


rule mnist_attribute_shard:
    input:
        data="results/mnist/data.npz",
        sets="results/mnist/sample_sets.npz",
        model="results/mnist/models/{model}.pt",
        graph=graph_input,
    output:
        f"results/mnist/attributions/{EXPERIMENT}/{{sampleset}}.shard{{shard}}.npz",
    params:
        shards=MNIST["shards"],
        pool=MNIST["sample_pool"],
        digit=MNIST["digit"],
        n_baselines=MNIST["n_baselines"],
        n_steps=MNIST["n_steps"],
        batch_size=MNIST["batch_size"],
        gpus=config["gpus"],
        seed=config["seed"],
    threads: config["threads"]
    log:
        f"results/logs/mnist/attribute/{EXPERIMENT}.{{sampleset}}.shard{{shard}}.log",
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=6000,
        runtime=240,
        **gpu_resources(),
    script:
        "../scripts/mnist_attribute_shard.py"


rule mnist_significance:
    input:
        unpack(significance_inputs),
    output:
        "results/mnist/significance/{exp}.{contrast}.tsv",
    params:
        patch=lambda wc: MNIST["patch"] if wc.exp.split(".")[0] in MNIST["patch_models"] else 1,
        fwer=MNIST["fwer"],
        alpha=MNIST["alpha"],
    wildcard_constraints:
        contrast="interest|calibration",
    log:
        "results/logs/mnist/significance/{exp}.{contrast}.log",
    conda:
        "../../envs/torch.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/mnist_significance.py"
