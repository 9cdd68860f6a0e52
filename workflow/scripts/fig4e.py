import pandas as pd

from eigflow import io, jobs
from eigflow.figures import liver_binding as figures
from eigflow.splicing import exon_sets, liver
from eigflow.splicing.events import read_events

jobs.setup_logging(snakemake.log[0])
events = read_events(snakemake.input.events)
sets = liver.sets_over_events(events, io.read_tsv(snakemake.input.liver_sets),
                              io.read_tsv(snakemake.input.knockout_sets))
counts = exon_sets.overlap_test(sets["changing"], sets["regulated"],
                                sets["liver_quantified"] & sets["knockout_quantified"])
io.write_tsv(snakemake.output.table, pd.DataFrame([counts]))
figures.fig4e(counts, snakemake.output.png, snakemake.output.pdf)
