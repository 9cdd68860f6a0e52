from eigflow_arms.common import io, jobs, stage
from eigflow_arms.mnist import arm as mnist_arm
from eigflow_arms.mnist import figures
from eigflow_arms.mnist.pixels import accuracy_curve, rank_significant

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
data = io.load_npz(snakemake.input.data)
pixels = mnist_arm.pixel_significance(stage.read_significance(snakemake.input.significance), p.patch)
curve = accuracy_curve(*mnist_arm.binary_task(data, p.digit, p.baseline_digit),
                       rank_significant(pixels), p.sizes, p.repeats, p.seed,
                       p.classifier)
io.write_tsv(snakemake.output.table, curve)
figures.fig2e(curve, snakemake.output.png, snakemake.output.pdf)
