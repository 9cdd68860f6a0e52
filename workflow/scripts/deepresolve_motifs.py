import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.liver.motifs.meme import read_meme
from eigflow_arms.sequence import deepresolve_figures
from eigflow_arms.sequence.deepresolve_truth import top_channels

jobs.setup_logging(snakemake.log[0])
r = io.load_npz(snakemake.input.resolved)
channels = io.read_tsv(snakemake.input.channels)
tissues = [o.removeprefix("psi ") for o in r["outputs"] if o.startswith("psi ")]
tops = pd.concat([top_channels(channels, t, snakemake.params.top_channels).assign(tissue=t) for t in tissues])
table = (tops.groupby("channel", sort=False)
         .agg(tissues=("tissue", ",".join), rbp=("rbp", "first"), p=("p", "first"), q=("q", "first"))
         .reset_index())
io.write_tsv(snakemake.output.table, table)
deepresolve_figures.motifs(table, r["motifs"], read_meme(snakemake.input.collection), snakemake.output.png,
                           snakemake.output.pdf)
