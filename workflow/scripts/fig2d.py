from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import figures

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
data = io.load_npz(snakemake.input.data)
significant = {}
for other, path in zip(p.baseline_digits, snakemake.input.significance):
    pixels = mnist_arm.pixel_significance(stage.read_significance(path), p.patch)
    significant[other] = pixels.significant.to_numpy()
table = mnist_arm.fig2d_table(data, p.digit, significant, p.classifier, p.seed)
io.write_tsv(snakemake.output.table, table)
figures.fig2d(table, snakemake.output.png, snakemake.output.pdf)
