import numpy as np
from eigflow_arms.common import io, jobs, stage
from eigflow_arms.liver import arm as liver
from eigflow_arms.liver import motif_figures as figures
from eigflow_arms.liver import regulator
from eigflow_arms.liver.motifs import meme

jobs.setup_logging(snakemake.log[0])
p = snakemake.params
significance = dict(zip(p.methods, map(stage.read_significance, snakemake.input.significance)))
# Every liver method's attributions of the class of interest weigh the k-mers together.
attributions = np.concatenate([io.load_npz(f)["attributions"] for f in snakemake.input.interest])
collection = meme.read_meme(snakemake.input.collection)
query, matches, candidates = liver.liver_motif(significance, io.read_tsv(snakemake.input.meta),
                                               attributions, collection)
chosen = candidates.meta_feature.iloc[0]
meme.write_meme(snakemake.output.query, {chosen: query})
io.write_tsv(snakemake.output.table, candidates)
io.write_tsv(snakemake.output.matches, matches)
found = regulator.regulator(matches, collection, meme.alternate_names(snakemake.input.collection),
                            snakemake.input.collection, chosen=p.rbp)
io.write_tsv(snakemake.output.regulator, regulator.regulator_table(found))
figures.fig4a(query, collection[matches.target.iloc[0]], matches.iloc[0], snakemake.output.png,
              snakemake.output.pdf, query_label=chosen)
