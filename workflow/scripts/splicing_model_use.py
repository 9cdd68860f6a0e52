from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import model_use
from eigflow_arms.splicing.models import load_bundle

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
p = snakemake.params
autoencoder, code, _ = load_bundle(snakemake.input.model)
interest = io.load_npz(snakemake.input.sets)["interest"]
table = model_use.splicing_model_use(io.load_npz(snakemake.input.data), autoencoder, code, interest,
                                     io.read_tsv(snakemake.input.meta).meta_feature.to_numpy(), p.tissue,
                                     repeats=p.settings["repeats"], seed=p.seed)
log.info("model use of %d meta-features (%d samples x %d donors): median %.3g, max %.3g (%s)", len(table),
         len(interest), p.settings["repeats"], table.model_use.median(), table.model_use.max(),
         table.meta_feature[table.model_use.idxmax()])
io.write_tsv(snakemake.output[0], table)
