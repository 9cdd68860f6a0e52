# Paper Fig. 4 and supp. Figs. S11, S12: one rule and one plotting function
# (eigflow_arms.liver.motif_figures, eigflow_arms.liver.binding_figures) per figure.

LIVER_CATEGORY = "The liver and its regulator (Fig. 4, supp. S11, S12)"


rule fig4a:
    input:
        significance=significance_files("liver"),
        interest=[attribution_file("liver", exp) for exp in ARM["liver"].experiments()],
        meta="results/splicing/meta_features.tsv",
        collection="results/liver/motif_collection.meme",
    output:
        **figure_outputs("fig4a", LIVER_CATEGORY),
        query="results/liver/liver_motif.meme",
        matches=report_item(
            "results/tables/fig4a_tomtom.tsv", "fig4a", LIVER_CATEGORY, "Tomtom matches"
        ),
        regulator="results/tables/fig4a_regulator.tsv",
    params:
        methods=LIVER.get("methods"),
        rbp=LIVER.get("rbp"),
    log:
        "results/logs/figures/fig4a.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/fig4a.py"


rule fig4b:
    input:
        tpm=lambda wc: splicing_input("expression"),
        regulator="results/tables/fig4a_regulator.tsv",
    output:
        **figure_outputs("fig4b", LIVER_CATEGORY),
    params:
        tissues=SPLICING.get("tissues"),
        tissue=LIVER.get("tissue"),
    log:
        "results/logs/figures/fig4b.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/fig4b.py"


rule fig4c:
    input:
        genome=lambda wc: splicing_input("genome"),
        events=lambda wc: splicing_input("events"),
        liver_sets="results/liver/exon_sets.tsv",
        knockout_sets="results/liver/knockout_sets.tsv",
        regulator="results/tables/fig4a_regulator.tsv",
    output:
        **figure_outputs("fig4c", LIVER_CATEGORY),
    log:
        "results/logs/figures/fig4c.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/fig4c.py"


use rule fig4c as figS11 with:
    output:
        **figure_outputs("figS11", LIVER_CATEGORY),
    log:
        "results/logs/figures/figS11.log",


rule fig4d:
    input:
        events=lambda wc: splicing_input("events"),
        liver_sets="results/liver/exon_sets.tsv",
        knockout_sets="results/liver/knockout_sets.tsv",
        regulator="results/tables/fig4a_regulator.tsv",
        sites="results/liver/parclip_sites.bed",
    output:
        **figure_outputs("fig4d", LIVER_CATEGORY),
    params:
        flank=LIVER.get("parclip", {}).get("flank"),
    log:
        "results/logs/figures/fig4d.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/fig4d.py"


rule figS12:
    input:
        genome=lambda wc: splicing_input("genome"),
        events=lambda wc: splicing_input("events"),
        liver_sets="results/liver/exon_sets.tsv",
        knockout_sets="results/liver/knockout_sets.tsv",
        regulator="results/tables/fig4a_regulator.tsv",
        sites="results/liver/parclip_sites.bed",
    output:
        **figure_outputs("figS12", LIVER_CATEGORY),
        enrichment=report_item(
            "results/tables/figS12_motif_enrichment.tsv", "figS12", LIVER_CATEGORY, "table (a)"
        ),
    params:
        flank=LIVER.get("parclip", {}).get("flank"),
        seed=config["seed"],
    log:
        "results/logs/figures/figS12.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/figS12.py"


rule fig4e:
    input:
        events=lambda wc: splicing_input("events"),
        liver_sets="results/liver/exon_sets.tsv",
        knockout_sets="results/liver/knockout_sets.tsv",
        regulator="results/tables/fig4a_regulator.tsv",
    output:
        **figure_outputs("fig4e", LIVER_CATEGORY),
    log:
        "results/logs/figures/fig4e.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/fig4e.py"


rule liver_gia:
    input:
        "results/liver/gia_features.tsv",
    output:
        **figure_outputs("liver_gia", LIVER_CATEGORY),
    params:
        min_planted=LIVER.get("gia", {}).get("min_planted"),
    log:
        "results/logs/figures/liver_gia.log",
    conda:
        "../envs/liver.yaml"
    script:
        "../scripts/liver_gia.py"
