from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import figures

jobs.setup_logging(snakemake.log[0])
table = io.read_tsv(snakemake.input.significance)
io.write_tsv(snakemake.output.table, table)
figures.figS5(table.p.to_numpy(), snakemake.output.png, snakemake.output.pdf,
              n_significant=int(table.significant.sum()))
