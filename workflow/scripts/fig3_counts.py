from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import figures
from eigflow_arms.splicing import evaluate

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
significance = dict(zip(p.methods, map(io.read_tsv, snakemake.input.significance)))
counts = evaluate.count_table(significance, evaluate.PANELS[p.panel])
io.write_tsv(snakemake.output.table, counts)
getattr(figures, p.panel)(counts, snakemake.output.png, snakemake.output.pdf)
