from eigflow_arms.common import io, jobs
from eigflow_arms.sequence import autoencoder, arm

jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
data = io.load_npz(snakemake.input[0])
ae, table = arm.train_autoencoder(data, seed=snakemake.params.seed, **snakemake.params.settings)
autoencoder.save(snakemake.output.model, ae, {"metrics": table.to_dict("records")})
io.write_tsv(snakemake.output.metrics, table)
