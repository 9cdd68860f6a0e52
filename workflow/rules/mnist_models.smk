# MNIST models (paper Fig. 2, supp. Tables S4-S6): VAE + FFN, CNN, C-VAE + FFN.


rule train_mnist_model:
    input:
        "results/mnist/data.npz",
    output:
        model="results/mnist/models/{model}.pt",
        metrics="results/mnist/models/{model}.metrics.tsv",
    params:
        settings=lambda wc: MNIST["models"][wc.model],
        seed=config["seed"],
    threads: config["threads"]
    log:
        "results/logs/mnist/train_{model}.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=6000,
        runtime=120,
    script:
        "../scripts/train_mnist_model.py"


rule mnist_model_accuracy:
    input:
        expand("results/mnist/models/{model}.metrics.tsv", model=MNIST["models"]),
    output:
        report(
            "results/tables/mnist_model_accuracy.tsv",
            caption="../report/mnist_model_accuracy.rst",
            category="MNIST (Fig. 2, supp. S4-S6)",
            subcategory="Models",
            labels={"figure": "Models", "content": "table"},
        ),
    log:
        "results/logs/mnist/model_accuracy.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/concat_tables.py"
