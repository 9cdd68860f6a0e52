from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import evaluate, figures

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
significance = dict(zip(p.methods, map(stage.read_significance, snakemake.input.significance)))
counts = evaluate.count_table(significance, evaluate.panel(p.panel))
io.write_tsv(snakemake.output.table, counts)
getattr(figures, p.panel)(counts, snakemake.output.png, snakemake.output.pdf)
