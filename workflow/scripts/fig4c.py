import pysam

from eigflow import io, jobs
from eigflow.figures import liver_motifs as figures
from eigflow.motifs import maps
from eigflow.splicing import liver

jobs.setup_logging(snakemake.log[0])
events, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                               snakemake.input.knockout_sets)
panels = {"fig4c": maps.FIG4C_PANELS, "figS11": maps.FIGS11_PANELS}[snakemake.rule]
with pysam.FastaFile(snakemake.input.genome) as fasta:
    windows = maps.splice_site_windows(fasta, events)
motif_maps, tests = maps.map_tables(windows, sets, maps.comparisons(panels))
io.write_tsv(snakemake.output.table, tests)
getattr(figures, snakemake.rule)(motif_maps, tests, snakemake.output.png, snakemake.output.pdf)
