from eigflow_arms.common import jobs
from eigflow_arms.liver.clip.simulate import simulate_parclip
from eigflow_arms.splicing.events import read_events
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
# The experiment crosslinks the program's own liver regulator; whether EIG finds it is fig4a's.
rbp = read_program(snakemake.input.program, p.tissues).regulator(p.tissue)
simulate_parclip(snakemake.input.genome, read_events(snakemake.input.events), snakemake.input.sites,
                 snakemake.output.bam, p.seed, rbp=rbp, **p.settings)
