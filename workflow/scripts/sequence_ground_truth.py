from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import figures, results, truth
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
program = read_program(snakemake.input.program)
shards = {"sequence": snakemake.input.shards, "sequence_liver": snakemake.input.liver_shards}
tables, per_rbp = [], []
for c in results.contrasts(snakemake.config, data, shards):
    tables.append((c.tissue, truth.ground_truth_table(c.arrays, c.x, c.sites, data["rbp"], program, c.tissue,
                                                      c.costs(), window=data["window"])))
    per_rbp.append((c.tissue, truth.rbp_table(c.arrays, c.x, c.sites, data["rbp"], program, c.tissue)))
    best = tables[-1][1].sort_values("auroc", ascending=False).iloc[0]
    log.info("%s: best mean per-sequence AUROC %.3f (%s)", c.tissue, best.auroc, best.method)
table = results.by_contrast(tables)
io.write_tsv(snakemake.output.table, table)
io.write_tsv(snakemake.output.per_rbp, results.by_contrast(per_rbp))
figures.ground_truth(table, snakemake.output.png, snakemake.output.pdf)
