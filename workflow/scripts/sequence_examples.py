from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import figures, results
from eigflow_arms.sequence.examples import panels
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
program = read_program(snakemake.input.program)
scores = io.read_tsv(snakemake.input.scores)
shards = {"sequence": snakemake.input.shards, "sequence_liver": snakemake.input.liver_shards}
chosen, table = [], []
for c in results.contrasts(snakemake.config, data, shards):
    mine, rows = panels(c, data, program, scores[scores.contrast == c.tissue])
    chosen += mine
    table.append((c.tissue, rows))
io.write_tsv(snakemake.output.table, results.by_contrast(table))
figures.examples(chosen, snakemake.output.png, snakemake.output.pdf)
