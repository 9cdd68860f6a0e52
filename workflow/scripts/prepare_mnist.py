from eigflow_arms.common import io, jobs
from eigflow_arms.mnist import arm as mnist_arm

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
io.save_npz(snakemake.output[0], **mnist_arm.prepare(
    p.source, p.local_dir, p.download_dir, p.test_fraction, p.seed, p.max_train, p.max_test))
