from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import figures
from eigflow_arms.splicing import evaluate

jobs.setup_logging(snakemake.log[0])
significance = dict(zip(snakemake.params.methods, map(io.read_tsv, snakemake.input.significance)))
curves = evaluate.enrichment_table(significance, io.read_tsv(snakemake.input.known))
io.write_tsv(snakemake.output.table, curves)
figures.figS10(curves, snakemake.output.png, snakemake.output.pdf)
