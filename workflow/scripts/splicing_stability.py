from eigflow_arms.common import io, jobs
from eigflow_arms.splicing import stability

log = jobs.setup_logging(snakemake.log[0])
jobs.set_threads(snakemake.threads)
settings = snakemake.params.settings
data = io.load_npz(snakemake.input[0])
variants = [{"bootstrap": False, "epochs": settings["epochs"],
             "batch_size": snakemake.params.autoencoder["batch_size"],
             "lr": snakemake.params.autoencoder["lr"], **variant} for variant in settings["variants"]]
names, spearman = stability.latent_stability(data["x"][data["train"]], variants, settings["n_points"],
                                             snakemake.params.seed)
io.write_tsv(snakemake.output[0], stability.stability_table(names, spearman))
