from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import evaluate, figures

jobs.setup_logging(snakemake.log[0])
significance = dict(zip(snakemake.params.methods, map(stage.read_significance, snakemake.input.significance)))
table = evaluate.ground_truth_table(significance, io.read_tsv(snakemake.input.truth))
io.write_tsv(snakemake.output.table, table)
figures.fig_ground_truth(table, snakemake.output.png, snakemake.output.pdf)
