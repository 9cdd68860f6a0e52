# Splicing attribution (paper Fig. 3): every path x baseline, simple gradients and Deep SHAP.
# One job per (method, shard) attributes that shard of all three sample sets (the class of
# interest and two random sets), so 26 methods stay 26 jobs per shard; one job per method then
# runs Algorithm 1 on meta-features for both contrasts (interest vs random, random vs random).


rule splicing_attribute_shard:
    input:
        data="results/splicing/dataset.npz",
        sets="results/splicing/sample_sets.npz",
        model="results/splicing/model.pt",
        graph=splicing_graph_input,
    output:
        **{
            sampleset: f"results/splicing/attributions/{{method}}/{sampleset}.shard{{shard}}.npz"
            for sampleset in SAMPLE_SETS
        },
    params:
        shards=SPLICING.get("shards"),
        tissue=SPLICING.get("tissue"),
        n_baselines=SPLICING.get("n_baselines"),
        n_steps=SPLICING.get("n_steps"),
        batch_size=SPLICING.get("batch_size"),
        background=SPLICING.get("deep_shap_background"),
        gpus=config["gpus"],
        seed=config["seed"],
    threads: config["threads"]
    log:
        "results/logs/splicing/attribute/{method}.shard{shard}.log",
    conda:
        "../../envs/splicing.yaml"
    resources:
        mem_mb=6000,
        runtime=240,
        **gpu_resources(),
    script:
        "../scripts/splicing_attribute_shard.py"


rule splicing_significance:
    input:
        **{
            sampleset: expand(
                f"results/splicing/attributions/{{{{method}}}}/{sampleset}.shard{{shard}}.npz",
                shard=range(SPLICING.get("shards", 1)),
            )
            for sampleset in SAMPLE_SETS
        },
        meta="results/splicing/meta_features.tsv",
    output:
        interest="results/splicing/significance/{method}.interest.tsv",
        calibration="results/splicing/significance/{method}.calibration.tsv",
    params:
        fwer=SPLICING.get("fwer"),
        alpha=SPLICING.get("alpha"),
    log:
        "results/logs/splicing/significance/{method}.log",
    conda:
        "../../envs/splicing.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/splicing_significance.py"
