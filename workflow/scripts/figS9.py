from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import figures
from eigflow_arms.splicing import evaluate

jobs.setup_logging(snakemake.log[0])
calibration = dict(zip(snakemake.params.methods, map(io.read_tsv, snakemake.input.significance)))
table = evaluate.calibration_table(calibration)
io.write_tsv(snakemake.output.table, table)
figures.figS9(evaluate.pvalue_table(calibration), table, snakemake.output.png, snakemake.output.pdf)
