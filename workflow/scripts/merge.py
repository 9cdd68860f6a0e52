import numpy as np
from eigflow_arms.common import io, jobs, stage

log = jobs.setup_logging(snakemake.log[0])
merged = stage.load_set(snakemake.input, snakemake.wildcards.sampleset)
log.info("%d samples", len(merged["index"]))
if "completeness_error" in merged:
    error = merged["completeness_error"]
    log.info("completeness error median %.3g, max %.3g", np.median(error), error.max())
io.save_npz(snakemake.output[0], **merged)
