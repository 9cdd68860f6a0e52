from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import metafeatures

log = jobs.setup_logging(snakemake.log[0])
data = io.load_npz(snakemake.input.data)
table = io.read_tsv(snakemake.input.table)
meta = metafeatures.meta_features(data["x"][data["train"]], table, snakemake.params.min_correlation)
io.write_tsv(snakemake.output[0], meta)
