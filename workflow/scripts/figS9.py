from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import evaluate, figures

jobs.setup_logging(snakemake.log[0])
calibration = {method: stage.read_significance(path, "calibration")
               for method, path in zip(snakemake.params.methods, snakemake.input.significance)}
table = evaluate.calibration_table(calibration)
io.write_tsv(snakemake.output.table, table)
figures.figS9(evaluate.pvalue_table(calibration), table, snakemake.output.png, snakemake.output.pdf)
