import pandas as pd

from eigflow import io, jobs
from eigflow.figures import liver_binding as figures
from eigflow.splicing import exon_sets, liver

jobs.setup_logging(snakemake.log[0])
_, sets = liver.read_sets(snakemake.input.events, snakemake.input.liver_sets,
                          snakemake.input.knockout_sets)
counts = exon_sets.overlap_test(sets["changing"], sets["regulated"],
                                sets["liver_quantified"] & sets["knockout_quantified"])
io.write_tsv(snakemake.output.table, pd.DataFrame([counts]))
figures.fig4e(counts, snakemake.output.png, snakemake.output.pdf)
