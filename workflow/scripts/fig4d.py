from eigflow import io, jobs
from eigflow.clip import sites as clip
from eigflow.figures import liver_binding as figures
from eigflow.splicing import liver
from eigflow.splicing.events import read_events

jobs.setup_logging(snakemake.log[0])
events = read_events(snakemake.input.events)
sets = liver.sets_over_events(events, io.read_tsv(snakemake.input.liver_sets),
                              io.read_tsv(snakemake.input.knockout_sets))
binding = clip.binding_table(clip.read_bed(snakemake.input.sites), events, snakemake.params.flank)
table = clip.binding_tests(binding, sets, liver.FIG4D_COMPARISONS)
io.write_tsv(snakemake.output.table, table)
figures.fig4d(table, snakemake.output.png, snakemake.output.pdf)
