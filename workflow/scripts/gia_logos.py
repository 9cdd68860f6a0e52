from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures
from eigflow_arms.sequence.data import layout

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
cnn, program, pool, outputs, tissues = gia.load_inputs(snakemake.input, p)
c = q["logos"]
table = gia.variant_logo(cnn, pool, program, gia.copy_rbps(program, tissues, c["rbps"]),
                         outputs, layout(), null=c["background"], n_backgrounds=q["n_backgrounds"], seed=p.seed,
                         batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.LOGO_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_logos(table, snakemake.output.png, snakemake.output.pdf)
