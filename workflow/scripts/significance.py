from eigflow_arms.common import io, jobs, stage

log = jobs.setup_logging(snakemake.log[0])
arm = stage.adapter(snakemake.wildcards.arm, snakemake.config)
table = stage.significance_table(arm, snakemake.input.shards, snakemake.input, snakemake.params.settings,
                                 snakemake.wildcards.exp, log)
io.write_tsv(snakemake.output[0], table)
