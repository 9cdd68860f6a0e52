from pathlib import Path

from eigflow_arms.common import jobs
from eigflow_arms.liver import knockout
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
knockout.simulate_knockout(Path(snakemake.input.genome).parent, Path(snakemake.output[0]).parent, p.seed,
                           program=read_program(snakemake.input.program, p.tissues), tissue=p.tissue,
                           **p.settings)
