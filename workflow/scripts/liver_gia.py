from eigflow_arms.common import io, jobs
from eigflow_arms.liver import gia
from eigflow_arms.liver import motif_figures as figures

jobs.setup_logging(snakemake.log[0])
table = io.read_tsv(snakemake.input[0])
summary = gia.region_summary(table, snakemake.params.min_planted)
io.write_tsv(snakemake.output.table, summary)
figures.liver_gia(table, summary, snakemake.output.png, snakemake.output.pdf)
