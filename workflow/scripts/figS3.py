from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import figures

jobs.setup_logging(snakemake.log[0])
table = io.read_tsv(snakemake.input[0])
io.write_tsv(snakemake.output.table, table)
figures.figS3(table, snakemake.output.png, snakemake.output.pdf)
