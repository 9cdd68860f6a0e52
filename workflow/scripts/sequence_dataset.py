from eigflow_arms.common import io, jobs
from eigflow_arms.sequence.data import build_dataset
from eigflow_arms.splicing.events import read_events
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
splicing = io.load_npz(snakemake.input.splicing)
program = read_program(snakemake.input.program, splicing["tissues"].tolist())
data = build_dataset(snakemake.input.genome, read_events(snakemake.input.events), splicing, program)
io.save_npz(snakemake.output[0], **data)
