from eigflow_arms.common import jobs
from eigflow_arms.liver.clip import sites

jobs.setup_logging(snakemake.log[0])
sites.call_sites(snakemake.input.bam, snakemake.output[0], min_tags=snakemake.params.min_tags)
