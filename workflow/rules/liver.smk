# The liver arm (paper Fig. 4, supp. S11, S12): EIG on exons changing in the liver, with the
# splicing arm's data, meta-features and model; the k-mer meta-feature it points to -> PSSM ->
# Tomtom -> the regulator (A1CF in the paper); its knockout and PAR-CLIP that support it.


rule liver_exon_sets:
    input:
        "results/splicing/dataset.npz",
    output:
        "results/liver/exon_sets.tsv",
    params:
        tissue=LIVER.get("tissue"),
        changing=SPLICING.get("changing"),
        min_tissues=LIVER.get("min_tissues"),
        non_changing_max=LIVER.get("non_changing_max"),
    log:
        "results/logs/liver/exon_sets.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/liver_exon_sets.py"


# The motif collection is the user's file: read it in full before any job depends on it, so a
# malformed one stops the run at its start (file, line, fix) rather than after attribution; a
# simulated run's collection must hold the program's liver regulator for Tomtom to name it.
rule motif_collection:
    input:
        motifs=LIVER.get("motifs"),
        program=PROGRAM_FILE,
    output:
        "results/liver/motif_collection.meme",
    params:
        simulated=splicing_simulated(),
        tissue=LIVER.get("tissue"),
        tissues=SPLICING.get("tissues"),
    log:
        "results/logs/liver/motif_collection.log",
    conda:
        "../envs/liver.yaml"
    resources:
        mem_mb=1000,
        runtime=5,
    script:
        "../scripts/motif_collection.py"


rule simulate_knockout:
    input:
        genome=f"{SIMULATED}/genome.fa",
        events=f"{SIMULATED}/events.tsv",
        psi_true=f"{SIMULATED}/psi_true.tsv",
        program=PROGRAM_FILE,
    output:
        f"{SIMULATED}/knockout/WT-KO.deltapsi.tsv",
    params:
        settings=LIVER.get("knockout", {}).get("simulate"),
        tissue=LIVER.get("tissue"),
        tissues=SPLICING.get("tissues"),
        seed=config["seed"],
    log:
        "results/logs/liver/simulate_knockout.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/simulate_knockout.py"


rule knockout_sets:
    input:
        events=lambda wc: splicing_input("events"),
        deltapsi=lambda wc: liver_input("knockout_deltapsi"),
    output:
        "results/liver/knockout_sets.tsv",
    params:
        regulated=LIVER.get("knockout", {}).get("regulated"),
        non_regulated=LIVER.get("knockout", {}).get("non_regulated"),
    log:
        "results/logs/liver/knockout_sets.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=2000,
        runtime=10,
    script:
        "../scripts/knockout_sets.py"


rule simulate_parclip:
    input:
        genome=f"{SIMULATED}/genome.fa",
        events=f"{SIMULATED}/events.tsv",
        sites=f"{SIMULATED}/planted_sites.tsv",
        program=PROGRAM_FILE,
    output:
        bam=f"{SIMULATED}/parclip/parclip.bam",
        bai=f"{SIMULATED}/parclip/parclip.bam.bai",
    params:
        settings=LIVER.get("parclip", {}).get("simulate"),
        tissue=LIVER.get("tissue"),
        tissues=SPLICING.get("tissues"),
        seed=config["seed"],
    log:
        "results/logs/liver/simulate_parclip.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/simulate_parclip.py"


rule parclip_sites:
    input:
        bam=lambda wc: liver_input("parclip_bam"),
    output:
        "results/liver/parclip_sites.bed",
    params:
        min_tags=LIVER.get("parclip", {}).get("min_tags"),
    log:
        "results/logs/liver/parclip_sites.log",
    conda:
        "../envs/splicing.yaml"
    resources:
        mem_mb=4000,
        runtime=60,
    script:
        "../scripts/parclip_sites.py"


# Beyond the paper: the regulator's causal effect on the feature model (Global Importance
# Analysis, Koo et al. 2021): its motif embedded in non-changing exons, features recomputed.
rule liver_gia_features:
    input:
        genome=lambda wc: splicing_input("genome"),
        events=lambda wc: splicing_input("events"),
        liver_sets="results/liver/exon_sets.tsv",
        regulator="results/tables/fig4a_regulator.tsv",
        collection="results/liver/motif_collection.meme",
        program=PROGRAM_FILE,
        data="results/splicing/dataset.npz",
        model="results/splicing/model.pt",
    output:
        "results/liver/gia_features.tsv",
    params:
        settings=LIVER.get("gia"),
        tissue=LIVER.get("tissue"),
        tissues=SPLICING.get("tissues"),
        seed=config["seed"],
    log:
        "results/logs/liver/gia_features.log",
    conda:
        "../envs/liver.yaml"
    resources:
        mem_mb=4000,
        runtime=30,
    script:
        "../scripts/liver_gia_features.py"
