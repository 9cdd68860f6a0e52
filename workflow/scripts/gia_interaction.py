from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures
from eigflow_arms.sequence.data import layout

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
cnn, program, pool, outputs, tissues = gia.load_inputs(snakemake.input, p)
c = q["interaction"]
pairs = [tuple(pair) for pair in c["pairs"]] if c["pairs"] else gia.interaction_pairs(gia.copy_rbps(program, tissues))
table = gia.interaction(cnn, pool, program, pairs, outputs, layout(), null=c["background"],
                        distance=c["distance"], n_backgrounds=q["n_backgrounds"], seed=p.seed,
                        batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.INTERACTION_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_interaction(table, snakemake.output.png, snakemake.output.pdf)
