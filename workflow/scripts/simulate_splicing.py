from pathlib import Path

from eigflow_arms.common import jobs
from eigflow_arms.splicing import simulate
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
p = snakemake.params
simulate.simulate(Path(snakemake.output.genome).parent, seed=p.seed,
                  program=read_program(snakemake.input.program, p.tissues), tissues=tuple(p.tissues),
                  changing_threshold=p.changing["dpsi"], **p.settings)
