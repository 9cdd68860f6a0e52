from eigflow_arms.common import io, jobs, readings, stage
from eigflow_arms.mnist import figures
from eigflow_arms.mnist.readings import readings_table

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
arm = stage.adapter("mnist", snakemake.config)
shards = stage.split_shards(arm, snakemake.input.shards)
sets = {exp: stage.attributions(arm, files, exp) for exp, files in shards.items()}
table = readings_table(io.load_npz(snakemake.input.data), sets, p.figures, p.fig2d,
                       {exp: arm.patch(exp) for exp in sets}, p.digit, p.classifier, p.seed,
                       readings.grid(arm.null_targets()), arm.reading())
io.write_tsv(snakemake.output.table, table)
figures.mnist_readings(table, snakemake.output.png, snakemake.output.pdf)
