from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import gia, gia_figures, model
from eigflow_arms.sequence.data import layout
from eigflow_arms.splicing.program import read_program

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
program = read_program(snakemake.input.program)
cnn, _ = model.load(snakemake.input.model)
contrasts = [tuple(c) for c in p.contrasts]
pool, outputs = gia.prepare(io.load_npz(snakemake.input.data), io.load_npz(snakemake.input.splicing), cnn,
                            contrasts, quartile=q["quartile"], **p.changing)
c = q["logos"]
table = gia.variant_logo(cnn.to(jobs.job_device(p.gpus)), pool, program,
                         gia.copy_rbps(program, [t for t, _ in contrasts], c["rbps"]), outputs, layout(),
                         null=c["background"], n_backgrounds=q["n_backgrounds"], seed=p.seed,
                         batch_size=q["batch_size"])
table = table.assign(model="cnn")[gia.LOGO_COLUMNS]
io.write_tsv(snakemake.output.table, table)
gia_figures.gia_logos(table, snakemake.output.png, snakemake.output.pdf)
