from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import evaluate, figures

jobs.setup_logging(snakemake.log[0])
significance = dict(zip(snakemake.params.methods, map(stage.read_significance, snakemake.input.significance)))
curves = evaluate.enrichment_table(significance, io.read_tsv(snakemake.input.known))
io.write_tsv(snakemake.output.table, curves)
figures.figS10(curves, snakemake.output.png, snakemake.output.pdf)
