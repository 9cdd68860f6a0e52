# Paper Fig. 2 and supp. Figs. S4-S6: one rule and one plotting function per figure.


rule fig2a:
    input:
        data="results/mnist/data.npz",
        significance=significance_file("mnist", experiment("fig2a")),
        interest=attribution_file("mnist", experiment("fig2a")),
    output:
        **figure_outputs("fig2a"),
    params:
        patch=patch_of("fig2a"),
        pool=MNIST["sample_pool"],
    log:
        "results/logs/figures/fig2a.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig2abc.py"


use rule fig2a as fig2b with:
    input:
        data="results/mnist/data.npz",
        significance=significance_file("mnist", experiment("fig2b")),
        interest=attribution_file("mnist", experiment("fig2b")),
    output:
        **figure_outputs("fig2b"),
    params:
        patch=patch_of("fig2b"),
        pool=MNIST["sample_pool"],
    log:
        "results/logs/figures/fig2b.log",


use rule fig2a as fig2c with:
    input:
        data="results/mnist/data.npz",
        significance=significance_file("mnist", experiment("fig2c")),
        interest=attribution_file("mnist", experiment("fig2c")),
    output:
        **figure_outputs("fig2c"),
    params:
        patch=patch_of("fig2c"),
        pool=MNIST["sample_pool"],
    log:
        "results/logs/figures/fig2c.log",


rule fig2d:
    input:
        data="results/mnist/data.npz",
        significance=[
            significance_file("mnist", experiment("fig2a", ref=d))
            for d in ARM["mnist"].other_digits()
        ],
    output:
        **figure_outputs("fig2d"),
    params:
        digit=MNIST["digit"],
        patch=patch_of("fig2a"),
        baseline_digits=ARM["mnist"].other_digits(),
        classifier=MNIST["pixel_classifier"],
        seed=config["seed"],
    threads: config["threads"]
    log:
        "results/logs/figures/fig2d.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig2d.py"


rule fig2e:
    input:
        data="results/mnist/data.npz",
        significance=significance_file("mnist", experiment("fig2a")),
    output:
        **figure_outputs("fig2e"),
    params:
        digit=MNIST["digit"],
        patch=patch_of("fig2a"),
        baseline_digit=MNIST["baseline_digit"],
        sizes=MNIST["curve"]["sizes"],
        repeats=MNIST["curve"]["repeats"],
        classifier=MNIST["pixel_classifier"],
        seed=config["seed"],
    threads: config["threads"]
    log:
        "results/logs/figures/fig2e.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig2e.py"


rule figS4:
    input:
        data="results/mnist/data.npz",
        sets="results/mnist/sample_sets.npz",
        model=f"results/mnist/models/{MNIST['experiments']['fig2a']['model']}.pt",
        graph=ARM["mnist"].graph_file(experiment("fig2a")),
    output:
        **figure_outputs("figS4"),
    params:
        experiment=MNIST["experiments"]["fig2a"],
        pool=MNIST["sample_pool"],
        digit=MNIST["digit"],
        baseline_digit=MNIST["baseline_digit"],
        n_baselines=MNIST["n_baselines"],
        n_samples=MNIST["steps_study"]["n_samples"],
        steps=MNIST["steps_study"]["steps"],
        chosen_steps=MNIST["n_steps"],
        seed=config["seed"],
        library=EIGFLOW_HASH,
    threads: config["threads"]
    log:
        "results/logs/figures/figS4.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS4.py"


rule figS5:
    input:
        significance=significance_file("mnist", ARM["mnist"].calibrated()),
    output:
        **figure_outputs("figS5"),
    log:
        "results/logs/figures/figS5.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS5.py"


rule figS6:
    input:
        data="results/mnist/data.npz",
        significance=significance_file("mnist", experiment("fig2a")),
    output:
        **figure_outputs("figS6"),
    params:
        patch=patch_of("fig2a"),
    log:
        "results/logs/figures/figS6.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS6.py"


rule mnist_readings:
    input:
        data="results/mnist/data.npz",
        shards=arm_shards("mnist"),
    output:
        **figure_outputs("mnist_readings"),
    params:
        figures={figure: experiment(figure) for figure in MNIST["experiments"]},
        fig2d={d: experiment("fig2a", ref=d) for d in ARM["mnist"].other_digits()},
        digit=MNIST["digit"],
        classifier=MNIST["pixel_classifier"],
        seed=config["seed"],
        reading=ARM["mnist"].reading().as_dict(),
    threads: config["threads"]
    log:
        "results/logs/figures/mnist_readings.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/mnist_readings.py"
