from eigflow import io, jobs
from eigflow.clip import sites as clip
from eigflow.figures import liver_binding as figures
from eigflow.splicing import liver

jobs.setup_logging(snakemake.log[0])
events, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                               snakemake.input.knockout_sets)
binding = clip.binding_table(clip.read_bed(snakemake.input.sites), events, snakemake.params.flank)
table = clip.binding_tests(binding, sets, liver.FIG4D_COMPARISONS)
io.write_tsv(snakemake.output.table, table)
figures.fig4d(table, snakemake.output.png, snakemake.output.pdf)
