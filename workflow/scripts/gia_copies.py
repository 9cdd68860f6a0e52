from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures
from eigflow_arms.sequence.data import layout

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
cnn, program, pool, outputs, tissues = gia.load_inputs(snakemake.input, p)
c = q["copies"]
table = gia.copies(cnn, pool, program, gia.copy_rbps(program, tissues, c["rbps"]),
                   outputs, layout(), null=c["background"], max_copies=c["max_copies"], spacing=c["spacing"],
                   spacings=c["spacings"], n_backgrounds=q["n_backgrounds"], seed=p.seed, batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.COPIES_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_copies(table, snakemake.output.png, snakemake.output.pdf)
