import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.liver import arm as liver
from eigflow_arms.liver import binding_figures as figures
from eigflow_arms.liver import exon_sets
from eigflow_arms.liver.regulator import read_regulator

jobs.setup_logging(snakemake.log[0])
_, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                          snakemake.input.knockout_sets)
counts = exon_sets.overlap_test(sets["changing"], sets["regulated"],
                                sets["liver_quantified"] & sets["knockout_quantified"])
io.write_tsv(snakemake.output.table, pd.DataFrame([counts]))
figures.fig4e(counts, read_regulator(snakemake.input.regulator).rbp, snakemake.output.png,
              snakemake.output.pdf)
