import pysam
from eigflow_arms.common import io, jobs
from eigflow_arms.liver import arm as liver
from eigflow_arms.liver import motif_figures as figures
from eigflow_arms.liver.motifs import maps
from eigflow_arms.liver.regulator import read_regulator

jobs.setup_logging(snakemake.log[0])
events, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                               snakemake.input.knockout_sets)
panels = {"fig4c": maps.FIG4C_PANELS, "figS11": maps.FIGS11_PANELS}[snakemake.rule]
with pysam.FastaFile(snakemake.input.genome) as fasta:
    windows = maps.splice_site_windows(fasta, events)
found = read_regulator(snakemake.input.regulator)
motif_maps, tests = maps.map_tables(windows, sets, maps.comparisons(panels), found.kmers)
io.write_tsv(snakemake.output.table, tests)
getattr(figures, snakemake.rule)(motif_maps, tests, found, snakemake.output.png, snakemake.output.pdf)
