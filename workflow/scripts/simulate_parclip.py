from eigflow_arms.common import jobs
from eigflow_arms.liver.clip.simulate import simulate_parclip
from eigflow_arms.splicing.events import read_events

jobs.setup_logging(snakemake.log[0])
simulate_parclip(snakemake.input.genome, read_events(snakemake.input.events), snakemake.input.sites,
                 snakemake.output.bam, snakemake.params.seed, **snakemake.params.settings)
