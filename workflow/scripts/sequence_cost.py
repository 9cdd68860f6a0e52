from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import figures

jobs.setup_logging(snakemake.log[0])
table = io.read_tsv(snakemake.input[0])
columns = ["contrast", "method", "evaluations_per_sequence", "seconds_per_sequence", "auroc", "auprc"]
io.write_tsv(snakemake.output.table, table[columns])
figures.cost(table, snakemake.output.png, snakemake.output.pdf)
