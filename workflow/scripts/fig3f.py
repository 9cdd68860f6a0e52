from eigflow_arms.common import io, jobs, stage
from eigflow_arms.splicing import arm, evaluate, figures

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
x, labels, train, test = arm.prediction_task(io.load_npz(snakemake.input.data), p.tissue, **p.changing)
ranked = evaluate.ranking(stage.read_significance(snakemake.input.significance), significant_only=True).index
curve = evaluate.auc_curve(x, io.read_tsv(snakemake.input.meta), labels, train, test, ranked,
                           p.settings["sizes"], p.settings["repeats"], p.seed)
io.write_tsv(snakemake.output.table, curve)
figures.fig3f(curve, snakemake.output.png, snakemake.output.pdf, method=p.settings["method"])
