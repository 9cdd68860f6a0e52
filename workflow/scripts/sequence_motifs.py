import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.liver.motifs.meme import read_meme
from eigflow_arms.sequence import discovery, figures, results
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
program = read_program(snakemake.input.program)
collection = read_meme(snakemake.input.collection)
shards = {"sequence": snakemake.input.shards, "sequence_liver": snakemake.input.liver_shards}
recovered, seqlets = [], []
for c in results.contrasts(snakemake.config, data, shards):
    found = {m: discovery.discover(a["attributions"], c.x, collection, window=data["window"])
             for m, a in c.arrays.items()}
    seqlets.append((c.tissue, pd.concat([t.assign(method=m) for m, t in found.items()], ignore_index=True)))
    recovered.append((c.tissue, discovery.recovered_table(found, collection, program, c.tissue)))
    for row in discovery.recovery_summary(recovered[-1][1]).itertuples():
        log.info("%s %s: recovered %s (precision %.2f, recall %.2f)", c.tissue, row.method, row.recovered or "none",
                 row.precision, row.recall)
table = results.by_contrast(recovered)
io.write_tsv(snakemake.output.table, table)
io.write_tsv(snakemake.output.seqlets, results.by_contrast(seqlets))
figures.motifs(table, snakemake.output.png, snakemake.output.pdf)
