from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import arm
from eigflow_arms.splicing.baseline_table import baseline_table
from eigflow_arms.splicing.models import load_bundle

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
data = io.load_npz(snakemake.input.data)
autoencoder, code, _ = load_bundle(snakemake.input.model)
samples = data["x"][io.load_npz(snakemake.input.sets)["interest"]]
table = baseline_table(arm.joined_model(autoencoder, code, data, p.tissue), autoencoder, data["x"], data["train"],
                       samples, arm.reference(data), p.n_baselines, p.seed)
log.info("baselines:\n%s", table.to_string(index=False))
io.write_tsv(snakemake.output[0], table)
