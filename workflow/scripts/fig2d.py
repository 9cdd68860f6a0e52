from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import figures
from eigflow_arms.mnist import arm as mnist_arm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
data = io.load_npz(snakemake.input.data)
significant = {}
for other, path in zip(p.baseline_digits, snakemake.input.significance):
    pixels = mnist_arm.pixel_significance(io.read_tsv(path), p.patch)
    significant[other] = pixels.significant.to_numpy()
table = mnist_arm.fig2d_table(data, p.digit, significant, p.classifier, p.seed)
io.write_tsv(snakemake.output.table, table)
figures.fig2d(table, snakemake.output.png, snakemake.output.pdf)
