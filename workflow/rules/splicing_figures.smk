# Paper Fig. 3 and supp. Figs. S3, S7-S10, plus the ground truth that only a simulation has:
# one rule and one plotting function (eigflow_arms.splicing.figures) per figure.

SPLICING_CATEGORY = "Splicing codes (Fig. 3, supp. S3, S7-S10)"


rule fig3a:
    input:
        significance=significance_files("splicing"),
    output:
        **figure_outputs("fig3a", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        panel="fig3a",
    log:
        "results/logs/figures/fig3a.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig3_counts.py"


use rule fig3a as fig3b with:
    output:
        **figure_outputs("fig3b", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        panel="fig3b",
    log:
        "results/logs/figures/fig3b.log",


use rule fig3a as fig3c with:
    output:
        **figure_outputs("fig3c", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        panel="fig3c",
    log:
        "results/logs/figures/fig3c.log",


use rule fig3a as fig3d with:
    output:
        **figure_outputs("fig3d", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        panel="fig3d",
    log:
        "results/logs/figures/fig3d.log",


use rule fig3a as figS7 with:
    output:
        **figure_outputs("figS7", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        panel="figS7",
    log:
        "results/logs/figures/figS7.log",


rule fig3e:
    input:
        significance=significance_files("splicing"),
        known="results/splicing/known_features.tsv",
    output:
        **figure_outputs("fig3e", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
    log:
        "results/logs/figures/fig3e.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig3e.py"


rule figS10:
    input:
        significance=significance_files("splicing"),
        known="results/splicing/known_features.tsv",
    output:
        **figure_outputs("figS10", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
    log:
        "results/logs/figures/figS10.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS10.py"


rule fig3f:
    input:
        data="results/splicing/dataset.npz",
        meta="results/splicing/meta_features.tsv",
        significance=significance_file("splicing", SPLICING.get("fig3f", {}).get("method")),
    output:
        **figure_outputs("fig3f", SPLICING_CATEGORY),
    params:
        tissue=SPLICING.get("tissue"),
        changing=SPLICING.get("changing"),
        settings=SPLICING.get("fig3f"),
        seed=config["seed"],
    log:
        "results/logs/figures/fig3f.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig3f.py"


rule fig3g:
    input:
        data="results/splicing/dataset.npz",
        meta="results/splicing/meta_features.tsv",
        significance=significance_files("splicing"),
    output:
        **figure_outputs("fig3g", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
        tissue=SPLICING.get("tissue"),
        changing=SPLICING.get("changing"),
        seed=config["seed"],
    log:
        "results/logs/figures/fig3g.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/fig3g.py"


rule figS3:
    input:
        "results/splicing/stability.tsv",
    output:
        **figure_outputs("figS3", SPLICING_CATEGORY),
    log:
        "results/logs/figures/figS3.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS3.py"


rule figS8:
    input:
        significance=significance_files("splicing"),
    output:
        **figure_outputs("figS8", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
    log:
        "results/logs/figures/figS8.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS8.py"


rule figS9:
    input:
        significance=significance_files("splicing"),
    output:
        **figure_outputs("figS9", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
    log:
        "results/logs/figures/figS9.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/figS9.py"


rule ground_truth:
    input:
        significance=significance_files("splicing"),
        shards=arm_shards("splicing"),
        meta="results/splicing/meta_features.tsv",
        truth="results/splicing/truth.tsv",
        model_use="results/splicing/model_use.tsv",
    output:
        **figure_outputs("ground_truth", SPLICING_CATEGORY),
    params:
        methods=ARM["splicing"].experiments(),
    log:
        "results/logs/figures/ground_truth.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/ground_truth.py"


rule splicing_readings:
    input:
        shards=arm_shards("splicing"),
        meta="results/splicing/meta_features.tsv",
        truth=lambda wc: "results/splicing/truth.tsv" if splicing_simulated() else [],
        model_use=lambda wc: "results/splicing/model_use.tsv" if splicing_simulated() else [],
    output:
        **figure_outputs("splicing_readings", SPLICING_CATEGORY),
    params:
        reading=ARM["splicing"].reading().as_dict(),
    log:
        "results/logs/figures/splicing_readings.log",
    conda:
        "../envs/figures.yaml"
    script:
        "../scripts/splicing_readings.py"
