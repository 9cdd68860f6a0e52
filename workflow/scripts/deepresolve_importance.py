import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import deepresolve_figures, deepresolve_truth
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
r = io.load_npz(snakemake.input.resolved)
matches = pd.DataFrame({"target": r["target"], "p": r["p"], "q": r["q"]})
channels = deepresolve_truth.channel_table(r["ofiv"], r["il"], r["non_additive"], r["outputs"], matches)
io.write_tsv(snakemake.output.table, channels)
tissues = [o.removeprefix("psi ") for o in r["outputs"] if o.startswith("psi ")]
recovered = deepresolve_truth.recovery(channels, read_program(snakemake.input.program), tissues,
                                       snakemake.params.top_channels)
for row in recovered.itertuples():
    log.info("%s: top channels name %s; active %s (precision %.2f, recall %.2f)", row.tissue, row.named or "none",
             row.active, row.precision, row.recall)
io.write_tsv(snakemake.output.recovery, recovered)
deepresolve_figures.importance(r, snakemake.output.png, snakemake.output.pdf)
