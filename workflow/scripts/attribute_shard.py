from eigflow_arms.common import io, jobs, stage

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
wc = snakemake.wildcards
arm = stage.adapter(wc.arm, snakemake.config)
arrays = stage.attribute_shards(arm, snakemake.input, snakemake.params.settings, wc.exp, int(wc.shard),
                                jobs.job_device(snakemake.params.gpus), log)
io.save_npz(snakemake.output[0], **arrays)
