from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures, model
from eigflow_arms.sequence.data import layout
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
program = read_program(snakemake.input.program)
cnn, _ = model.load(snakemake.input.model)
pool, outputs = gia.prepare(io.load_npz(snakemake.input.data), io.load_npz(snakemake.input.splicing), cnn,
                            [tuple(c) for c in p.contrasts], quartile=q["quartile"], **p.changing)
c = q["gc"]
table = gia.gc_control(cnn.to(jobs.job_device(p.gpus)), pool, program, outputs, layout(), length=c["length"],
                       n_patterns=c["n_patterns"], null=c["background"], n_backgrounds=q["n_backgrounds"],
                       stride=q["stride"], seed=p.seed, batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.GC_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_gc(table, snakemake.output.png, snakemake.output.pdf)
