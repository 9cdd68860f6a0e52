from pathlib import Path

from eigflow_arms.common import jobs
from eigflow_arms.splicing import simulate

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
simulate.simulate(Path(snakemake.output.genome).parent, seed=p.seed, tissues=tuple(p.tissues),
                  changing_threshold=p.changing["dpsi"], **p.settings)
