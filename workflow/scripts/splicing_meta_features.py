from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import metafeatures
from eigflow_arms.splicing.features import known_motifs
from eigflow_arms.splicing.program import read_program

log = jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
table = io.read_tsv(snakemake.input.table)
known = known_motifs(read_program(snakemake.input.program, snakemake.params.tissues))
meta = metafeatures.meta_features(data["x"][data["train"]], table, known, snakemake.params.min_correlation)
io.write_tsv(snakemake.output[0], meta)
