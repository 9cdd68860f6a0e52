from eigflow_arms.common import io, jobs, stage

jobs.setup_logging(snakemake.log[0])
arm = stage.adapter(snakemake.wildcards.arm, snakemake.config)
io.save_npz(snakemake.output[0], **arm.sample_sets(snakemake.input, snakemake.params.settings))
