from pathlib import Path

from eigflow_arms.common import jobs
from eigflow_arms.liver import knockout

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
knockout.simulate_knockout(Path(snakemake.input.genome).parent, Path(snakemake.output[0]).parent, p.seed,
                           rbp=p.rbp, tissue=p.tissue, **p.settings)
