import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import figures, results, truth
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
program = read_program(snakemake.input.program)
shards = {"sequence": snakemake.input.shards, "sequence_liver": snakemake.input.liver_shards}
maps, planted = [], []
for c in results.contrasts(snakemake.config, data, shards):
    per_method = [truth.rna_map(a["attributions"], c.x, data["window"], data["position"]).assign(method=m)
                  for m, a in c.arrays.items()]
    maps.append((c.tissue, pd.concat(per_method, ignore_index=True)))
    planted.append((c.tissue, truth.planted_map(program, c.tissue)))
table = results.by_contrast(maps)
io.write_tsv(snakemake.output.table, table)
figures.rna_map(table, results.by_contrast(planted), snakemake.output.png, snakemake.output.pdf)
