from pathlib import Path

from eigflow import jobs
from eigflow.splicing import simulate

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
simulate.simulate(Path(snakemake.output.genome).parent, seed=p.seed, tissues=tuple(p.tissues),
                  changing_threshold=p.changing["dpsi"], **p.settings)
