import pandas as pd
from eigflow_arms.common import io, jobs
from eigflow_arms.liver import gia as feature_gia
from eigflow_arms.liver.motifs.meme import read_meme
from eigflow_arms.sequence import gia, gia_figures
from eigflow_arms.sequence.data import layout

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p, q = snakemake.params, snakemake.params.gia
cnn, program, pool, outputs, _ = gia.load_inputs(snakemake.input, p)
patterns = gia.patterns(program, read_meme(snakemake.input.collection), q["n_decoys"], q["n_random"], p.seed)
table = gia.rna_map(cnn, pool, patterns, outputs, layout(), nulls=q["nulls"],
                    n_backgrounds=q["n_backgrounds"], stride=q["stride"], seed=p.seed, batch_size=q["batch_size"])
table = table.assign(model="cnn", planted_effect=gia.planted_effects(table, program))[gia.RNA_MAP_COLUMNS]
# The feature model's GIA (the liver arm's) is summarised beside the CNN's where it ran.
features = [feature_gia.as_rna_map(io.read_tsv(snakemake.input.features))] if snakemake.input.features else []
maps = pd.concat([table, *features], ignore_index=True)
io.write_tsv(snakemake.output.table, maps)
io.write_tsv(snakemake.output.summary, gia.summarise(maps, q["min_effect"]))
gia_figures.gia_rna_map(table, snakemake.output.png, snakemake.output.pdf)
