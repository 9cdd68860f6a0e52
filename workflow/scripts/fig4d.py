from eigflow_arms.common import io, jobs
from eigflow_arms.liver import arm as liver
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.liver.clip import sites as clip
from eigflow_arms.liver.regulator import read_regulator

jobs.setup_logging(snakemake.log[0])
events, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                               snakemake.input.knockout_sets)
sites = clip.read_sites_for_events(snakemake.input.sites, events, snakemake.input.events)
binding = clip.binding_table(sites, events, snakemake.params.flank)
table = clip.binding_tests(binding, sets, liver.FIG4D_COMPARISONS)
io.write_tsv(snakemake.output.table, table)
figures.fig4d(table, read_regulator(snakemake.input.regulator).rbp, snakemake.output.png,
              snakemake.output.pdf)
