from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import deepresolve_figures, deepresolve_truth
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
r = io.load_npz(snakemake.input.resolved)
psi = [i for i, o in enumerate(r["outputs"]) if o.startswith("psi ")]
tissues = [r["outputs"][i].removeprefix("psi ") for i in psi]
model = r["similarity"][psi][:, psi]
program = deepresolve_truth.program_similarity(read_program(snakemake.input.program), tissues)
table = deepresolve_truth.similarity_table(model, program, tissues)
log.info("Spearman of the model's tissue similarity against the program's: %.3f", table.spearman.iloc[0])
io.write_tsv(snakemake.output.table, table)
deepresolve_figures.similarity(model, program, tissues, table.spearman.iloc[0], snakemake.output.png,
                               snakemake.output.pdf)
