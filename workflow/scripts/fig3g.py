from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import arm, evaluate, figures

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
x, labels, train, test = arm.prediction_task(io.load_npz(snakemake.input.data), p.tissue, **p.changing)
significance = dict(zip(p.methods, map(stage.read_significance, snakemake.input.significance)))
table = evaluate.method_auc(x, io.read_tsv(snakemake.input.meta), labels, train, test, significance)
io.write_tsv(snakemake.output.table, table)
figures.fig3g(table, snakemake.output.png, snakemake.output.pdf)
