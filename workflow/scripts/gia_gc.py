from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures
from eigflow_arms.sequence.data import layout

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
cnn, program, pool, outputs, _ = gia.load_inputs(snakemake.input, p)
c = q["gc"]
table = gia.gc_control(cnn, pool, program, outputs, layout(), length=c["length"],
                       n_patterns=c["n_patterns"], null=c["background"], n_backgrounds=q["n_backgrounds"],
                       stride=q["stride"], seed=p.seed, batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.GC_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_gc(table, snakemake.output.png, snakemake.output.pdf)
