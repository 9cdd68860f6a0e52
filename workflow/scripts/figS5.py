from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import figures

jobs.setup_logging(snakemake.log[0])
table = stage.read_significance(snakemake.input.significance, "calibration")
io.write_tsv(snakemake.output.table, table)
figures.figS5(table.p.to_numpy(), snakemake.output.png, snakemake.output.pdf,
              n_significant=int(table.significant.sum()))
