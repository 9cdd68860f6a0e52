from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import arm as mnist_arm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
labels = io.load_npz(snakemake.input[0])[f"y_{p.pool}"]
io.save_npz(snakemake.output[0], **mnist_arm.sample_sets(labels, p.digit, p.n_samples, p.seed))
