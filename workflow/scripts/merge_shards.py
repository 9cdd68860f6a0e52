import numpy as np

from eigflow import io, jobs, mnist_arm

log = jobs.setup_logging(snakemake.log[0])
merged = mnist_arm.merge_shards([io.load_npz(f) for f in snakemake.input])
error = merged["completeness_error"]
log.info("%d samples; completeness error median %.3g, max %.3g", len(error), np.median(error), error.max())
io.save_npz(snakemake.output[0], **merged)
