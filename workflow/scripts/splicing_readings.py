from eigflow_arms.common import io, jobs, readings, stage
from eigflow_arms.splicing import figures
from eigflow_arms.splicing.readings import readings_table

jobs.setup_logging(snakemake.log[0])
arm = stage.adapter("splicing", snakemake.config)
shards = stage.split_shards(arm, snakemake.input.shards)
sets = {method: stage.attributions(arm, files, method) for method, files in shards.items()}
simulated = bool(snakemake.input.get("truth"))
truth = io.read_tsv(snakemake.input.truth) if simulated else None
model_use = io.read_tsv(snakemake.input.model_use) if simulated else None
table = readings_table(sets, arm.groups(snakemake.input, {}, None), truth, model_use,
                       readings.grid(arm.null_targets()), arm.reading())
io.write_tsv(snakemake.output.table, table)
figures.splicing_readings(table, snakemake.output.png, snakemake.output.pdf)
